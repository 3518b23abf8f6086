import base64
import hashlib
import hmac
import json
import logging

from odoo.http import Controller, request, route

from ..tools.providers import TWILIO_DELIVERY_ERRORS

_logger = logging.getLogger(__name__)
TOKEN_HEADER = "X-FM-SMS-Token"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def twilio_signature(auth_token, url, params):
    """Twilio's X-Twilio-Signature: HMAC-SHA1 keyed by the auth token of the
    URL followed by each POST parameter's name and value, sorted by name."""
    payload = url + "".join(f"{key}{value}" for key, value in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class SmsGatewayController(Controller):
    # ------------------------------------------------------------ Twilio

    def _twilio_company(self):
        """The company whose Twilio account signed this request, or None."""
        form = request.httprequest.form
        sid = form.get("AccountSid")
        signature = request.httprequest.headers.get("X-Twilio-Signature", "")
        if not sid or not signature:
            return None
        # sudo: the credentials are read to check the signature, never sent.
        company = (
            request.env["res.company"]
            .sudo()
            .search(
                [
                    ("fm_sms_provider", "=", "twilio"),
                    ("fm_sms_twilio_account_sid", "=", sid),
                ],
                limit=1,
            )
        )
        if not company.fm_sms_twilio_auth_token:
            return None
        params = list(form.items(multi=True))
        path = request.httprequest.path
        for url in {request.httprequest.url, company._fm_sms_url(path)}:
            expected = twilio_signature(company.fm_sms_twilio_auth_token, url, params)
            if hmac.compare_digest(expected, signature):
                return company
        return None

    @route(
        "/fm_sms_gateway/twilio/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_status(self, **post):
        if not self._twilio_company():
            return request.make_response("Forbidden", status=403)
        code = str(post.get("ErrorCode") or "")
        self._apply_report(
            post.get("MessageSid"),
            (post.get("MessageStatus") or "").lower(),
            TWILIO_DELIVERY_ERRORS.get(code, "not_delivered"),
        )
        return request.make_response("", status=204)

    @route(
        "/fm_sms_gateway/twilio/inbound",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def twilio_inbound(self, **post):
        company = self._twilio_company()
        if not company:
            return request.make_response("Forbidden", status=403)
        self._receive(company, post.get("From"), post.get("Body"))
        return request.make_response(
            EMPTY_TWIML, headers=[("Content-Type", "text/xml")]
        )

    # ------------------------------------------------------------ HTTP API

    def _token_company(self, company_id):
        """The company when the request carries its webhook token: in the
        ``X-FM-SMS-Token`` header, or for apps that cannot send one, in the
        address (where the web server's access log writes it down)."""
        token = request.httprequest.headers.get(TOKEN_HEADER) or request.params.get(
            "token", ""
        )
        # sudo: the token is read to authenticate the provider.
        company = request.env["res.company"].sudo().browse(company_id).exists()
        expected = company.fm_sms_webhook_token if company else ""
        if not expected or not isinstance(token, str):
            return None
        return company if hmac.compare_digest(expected, token) else None

    def _payload(self):
        """Form or query parameters, or the fields of a JSON body."""
        values = dict(request.params)
        if request.httprequest.mimetype == "application/json":
            try:
                body = json.loads(request.httprequest.get_data() or b"{}")
            except ValueError:
                body = {}
            if isinstance(body, dict):
                values.update(body)
        return values

    @route(
        "/fm_sms_gateway/<int:company_id>/status",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def http_status(self, company_id, **_kw):
        if not self._token_company(company_id):
            return request.make_response("Forbidden", status=403)
        values = self._payload()
        error = values.get("error") or "not_delivered"
        self._apply_report(
            values.get("message_id") or values.get("id"),
            str(values.get("status") or "").lower(),
            error if error in TWILIO_DELIVERY_ERRORS.values() else "not_delivered",
        )
        return request.make_response("OK")

    @route(
        "/fm_sms_gateway/<int:company_id>/inbound",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def http_inbound(self, company_id, **_kw):
        company = self._token_company(company_id)
        if not company:
            return request.make_response("Forbidden", status=403)
        values = self._payload()
        number = values.get("from") or values.get("number")
        self._receive(company, number, values.get("text") or values.get("message"))
        return request.make_response("OK")

    # ------------------------------------------------------------ common

    def _apply_report(self, message_id, status, delivery_error):
        """Update the trace and the SMS (while it exists) of ``message_id``."""
        if not message_id or not isinstance(message_id, str) or not status:
            return
        # sudo: the provider is authenticated; only its own message changes.
        trackers = (
            request.env["sms.tracker"]
            .sudo()
            .search([("fm_provider_message_id", "=", message_id)])
        )
        trackers._fm_apply_delivery_report(status, delivery_error)
        sms = (
            request.env["sms.sms"]
            .sudo()
            .search([("fm_provider_message_id", "=", message_id)])
        )
        sms._fm_apply_delivery_report(status, delivery_error)

    def _receive(self, company, number, text):
        if not number or not isinstance(number, str) or not isinstance(text, str):
            return
        request.env["res.partner"].with_company(company).sudo()._fm_sms_receive(
            number, text
        )
