import json
import logging
from contextlib import contextmanager

from odoo.tests import tagged

from .common import NUMBER, TWILIO_SID, SmsGatewayCase

# What Odoo writes down in production: our lines, the HTTP layer and its
# access log (one line per request, with the address).
LOGGED = ("odoo.addons.fm_sms_gateway", "odoo.http", "werkzeug")


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(f"{record.name}: {record.getMessage()}")


@contextmanager
def capture_logs():
    """Every line of the ``LOGGED`` loggers, down to DEBUG, from any thread
    (the webhooks are served by another one)."""
    handler = ListHandler()
    loggers = [logging.getLogger(name) for name in LOGGED]
    levels = [logger.level for logger in loggers]
    logging.getLogger().addHandler(handler)
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


STATUS = "/fm_sms_gateway/twilio/status"
INBOUND = "/fm_sms_gateway/twilio/inbound"


@tagged("post_install", "-at_install")
class TestTwilioWebhooks(SmsGatewayCase):
    def setUp(self):
        super().setUp()
        self.use_twilio()
        self.message = self.customer._message_sms(
            "Votre commande est prete", partner_ids=self.customer.ids
        )
        self.sms = self.env["sms.sms"].search(
            [("mail_message_id", "=", self.message.id)]
        )
        self.sms.send()
        self.sid = self.sms.fm_provider_message_id

    def report(self, status, **extra):
        params = {"AccountSid": TWILIO_SID, "MessageSid": self.sid}
        return {**params, "MessageStatus": status, **extra}

    def test_delivery_report_marks_the_message_delivered(self):
        self.assertEqual(self.message.notification_ids.notification_status, "pending")
        response = self.post_twilio(STATUS, self.report("delivered"))
        self.assertEqual(response.status_code, 204)
        self.assertEqual(self.message.notification_ids.notification_status, "sent")

    def test_undelivered_report_names_the_reason(self):
        self.post_twilio(STATUS, self.report("undelivered", ErrorCode="30003"))
        notification = self.message.notification_ids
        self.assertEqual(notification.notification_status, "bounce")
        self.assertEqual(notification.failure_type, "sms_invalid_destination")

    def test_attack_report_without_or_with_a_wrong_signature_changes_nothing(self):
        for signature in ("", "bm90IGEgc2lnbmF0dXJl"):
            response = self.post_twilio(
                STATUS, self.report("undelivered"), signature=signature
            )
            self.assertEqual(response.status_code, 403)
        # Signed with another token, or for another account.
        response = self.post_twilio(STATUS, self.report("failed"), token="guess")
        self.assertEqual(response.status_code, 403)
        other = {**self.report("failed"), "AccountSid": "AC" + "0" * 32}
        self.assertEqual(self.post_twilio(STATUS, other).status_code, 403)
        self.assertEqual(self.message.notification_ids.notification_status, "pending")

    def test_attack_signed_parameters_cannot_be_altered(self):
        signed = self.report("delivered")
        from ..controllers.main import twilio_signature

        url = self.base_url() + STATUS
        signature = twilio_signature("twilio-secret-token-42", url, signed.items())
        tampered = {**signed, "MessageStatus": "failed"}
        response = self.post_twilio(STATUS, tampered, signature=signature)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.message.notification_ids.notification_status, "pending")

    def test_stop_blacklists_the_number_and_start_lifts_it(self):
        blacklist = self.env["phone.blacklist"].with_context(active_test=False)
        inbound = {"AccountSid": TWILIO_SID, "From": NUMBER, "To": "+15005550006"}
        response = self.post_twilio(INBOUND, {**inbound, "Body": "Arrêt"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(b"<Response>", response.content)
        entry = blacklist.search([("number", "=", NUMBER)])
        self.assertTrue(entry.active)
        self.assertTrue(self.customer.phone_sanitized_blacklisted)
        self.assertIn("Arrêt", self.customer.message_ids[0].body)
        self.post_twilio(INBOUND, {**inbound, "Body": "START"})
        self.assertFalse(entry.active)
        self.customer.invalidate_recordset()
        self.assertFalse(self.customer.phone_sanitized_blacklisted)

    def test_attack_unsigned_stop_blacklists_nobody(self):
        inbound = {"AccountSid": TWILIO_SID, "From": NUMBER, "Body": "STOP"}
        response = self.post_twilio(INBOUND, inbound, signature="")
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", NUMBER)]))

    def test_other_replies_change_nothing(self):
        inbound = {"AccountSid": TWILIO_SID, "From": NUMBER, "Body": "Merci !"}
        self.post_twilio(INBOUND, inbound)
        self.assertFalse(self.customer.phone_sanitized_blacklisted)


@tagged("post_install", "-at_install")
class TestHttpWebhooks(SmsGatewayCase):
    def setUp(self):
        super().setUp()
        self.use_http()
        self.sms_provider.answer((200, {"status": "ok", "data": {"id": "agg-77"}}))
        self.message = self.customer._message_sms(
            "Votre commande est prete", partner_ids=self.customer.ids
        )
        self.env["sms.sms"].search([("mail_message_id", "=", self.message.id)]).send()
        self.token = self.company.sudo().fm_sms_webhook_token
        self.base = f"/fm_sms_gateway/{self.company.id}"

    def test_delivery_report_with_the_token_marks_delivered(self):
        response = self.url_open(
            f"{self.base}/status?token={self.token}",
            data=json.dumps({"message_id": "agg-77", "status": "delivered"}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.message.notification_ids.notification_status, "sent")

    def test_attack_report_without_or_with_a_wrong_token_changes_nothing(self):
        for query in ("", "?token=", "?token=guess", f"?token={self.token}x"):
            response = self.url_open(
                f"{self.base}/status{query}",
                data={"message_id": "agg-77", "status": "failed"},
            )
            self.assertEqual(response.status_code, 403)
        other = self.env["res.company"].create({"name": "Other shop"})
        other._fm_sms_ensure_token()
        response = self.url_open(
            f"/fm_sms_gateway/{other.id}/status?token={self.token}",
            data={"message_id": "agg-77", "status": "failed"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.message.notification_ids.notification_status, "pending")

    def test_arabic_stop_by_a_phone_gateway_blacklists(self):
        response = self.url_open(
            f"{self.base}/inbound",
            data={"from": NUMBER, "text": " توقف "},
            headers={"X-FM-SMS-Token": self.token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.customer.phone_sanitized_blacklisted)

    def test_attack_stop_without_the_token_blacklists_nobody(self):
        for headers in ({}, {"X-FM-SMS-Token": "guess"}, {"X-FM-SMS-Token": ""}):
            response = self.url_open(
                f"{self.base}/inbound",
                data={"from": NUMBER, "text": "STOP"},
                headers=headers,
            )
            self.assertEqual(response.status_code, 403)
        self.assertFalse(self.customer.phone_sanitized_blacklisted)

    def test_no_credential_reaches_odoos_log(self):
        """What Odoo writes down (our lines, the access log of the webhooks)
        while it sends, is refused, retries and hears back, with the token
        in the header as the Settings say."""
        self.use_http(fm_sms_http_password="basic-pw-31")
        secrets = [self.token, "aggregator-key", "basic-pw-31"]
        with capture_logs() as output:
            self.sms_provider.answer(
                (200, {"status": "ok", "data": {"id": "agg-78"}}),
                (400, {"status": "error", "message": "Numero inconnu"}),
                (503, {}),
            )
            for _i in range(3):
                self.queue_sms().send(unlink_sent=False, unlink_failed=False)
            for path, data in (
                ("status", {"message_id": "agg-78", "status": "delivered"}),
                ("inbound", {"from": NUMBER, "text": "START"}),
            ):
                for token in (self.token, "guess"):
                    self.url_open(
                        f"{self.base}/{path}",
                        data=data,
                        headers={"X-FM-SMS-Token": token},
                    )
        self.assertEqual(len(self.sms_provider.requests), 4, "and the setUp's")
        output = "\n".join(output)
        self.assertIn("through http: rejected", output)
        self.assertIn("through http: retry", output)
        self.assertIn(f"POST {self.base}/status", output, "the access log is read")
        for secret in secrets:
            self.assertNotIn(secret, output)
