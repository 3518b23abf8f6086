import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode

from odoo.tests import HttpCase

from ..controllers.main import twilio_signature

TWILIO_SID = "AC0123456789abcdef0123456789abcdef"
TWILIO_TOKEN = "twilio-secret-token-42"
NUMBER = "+213555123456"


class ProviderStandIn(ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 playing the SMS provider: it records
    each request and answers from a script (status, JSON body, delay)."""

    daemon_threads = True

    @classmethod
    def serve_for(cls, test_class):
        """A stand-in answering in a thread for the whole of ``test_class``."""
        server = cls()
        threading.Thread(target=server.serve_forever, daemon=True).start()
        test_class.addClassCleanup(server.server_close)
        test_class.addClassCleanup(server.shutdown)
        return server

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ProviderHandler)
        self.requests, self.script, self.counter = [], [], 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, *responses):
        """Next answers, in order: (status, body[, delay in seconds])."""
        self.script.extend(responses)

    def next_answer(self):
        if self.script:
            return self.script.pop(0)
        self.counter += 1
        return (201, {"sid": f"SM{self.counter:032d}", "status": "queued"})


class ProviderHandler(BaseHTTPRequestHandler):
    def _handle(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        if self.headers.get("Content-Type", "").startswith("application/json"):
            body = json.loads(raw or "{}")
        else:
            body = dict(parse_qsl(raw or self.path.partition("?")[2]))
        request = {"method": self.command, "path": self.path, "body": body}
        self.server.requests.append({**request, "headers": dict(self.headers)})
        status, payload, *delay = self.server.next_answer()
        if delay:
            time.sleep(delay[0])
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting (timeout test)

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


class SmsGatewayCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_provider = ProviderStandIn.serve_for(cls)
        cls.company = cls.env.company
        # Messages queued by other addons' demo data are not these tests'
        # business: the queue runs below must only meet the tests' own.
        cls.env["sms.sms"].search([("state", "=", "outgoing")]).unlink()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Amina Benali", "phone": NUMBER, "email": "amina@example.com"}
        )

    def setUp(self):
        super().setUp()
        self.sms_provider.requests.clear()
        self.sms_provider.script.clear()
        self.sms_provider.counter = 0

    def use_twilio(self):
        self.company.write(
            {
                "fm_sms_provider": "twilio",
                "fm_sms_twilio_account_sid": TWILIO_SID,
                "fm_sms_twilio_auth_token": TWILIO_TOKEN,
                "fm_sms_twilio_number": "+15005550006",
                "fm_sms_twilio_base_url": self.sms_provider.url,
            }
        )

    def use_http(self, **values):
        self.company.write(
            {
                "fm_sms_provider": "http",
                "fm_sms_http_url": f"{self.sms_provider.url}/api/send",
                "fm_sms_http_body_type": "json",
                "fm_sms_http_body_template": '{"to": "{number}", "msg": "{text}", '
                '"ref": "{uuid}", "from": "{sender}"}',
                "fm_sms_http_auth": "header",
                "fm_sms_http_header_name": "X-Api-Key",
                "fm_sms_http_header_value": "aggregator-key",
                "fm_sms_http_success_path": "status",
                "fm_sms_http_success_value": "ok",
                "fm_sms_http_id_path": "data.id",
                **values,
            }
        )
        self.company._fm_sms_ensure_token()

    def queue_sms(self, body="Votre commande est prete.", number=NUMBER):
        return self.env["sms.sms"].create(
            {"number": number, "body": body, "partner_id": self.customer.id}
        )

    def post_twilio(self, path, params, token=TWILIO_TOKEN, signature=None):
        url = self.base_url() + path
        if signature is None:
            signature = twilio_signature(token, url, list(params.items()))
        return self.url_open(
            url,
            data=urlencode(params),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": signature,
            },
        )
