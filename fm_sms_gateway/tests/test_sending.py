import base64

from odoo.tests import tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import NUMBER, TWILIO_SID, TWILIO_TOKEN, SmsGatewayCase


@tagged("post_install", "-at_install")
class TestSending(SmsGatewayCase):
    def test_twilio_receives_the_message_and_odoo_keeps_its_id(self):
        self.use_twilio()
        sms = self.queue_sms("Bonjour Amina, votre commande est prete.")
        sms.send(unlink_sent=False)
        [request] = self.sms_provider.requests
        self.assertEqual(
            request["path"], f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
        )
        self.assertEqual(request["body"]["To"], NUMBER)
        self.assertEqual(request["body"]["From"], "+15005550006")
        self.assertEqual(request["body"]["Body"], sms.body)
        self.assertTrue(request["body"]["StatusCallback"].endswith("/twilio/status"))
        auth = base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        self.assertEqual(request["headers"]["Authorization"], f"Basic {auth}")
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.fm_provider_message_id, f"SM{1:032d}")
        self.assertEqual(sms.fm_segments, 1)

    def test_sender_id_replaces_the_twilio_number(self):
        self.use_twilio()
        self.company.fm_sms_sender_id = "FidelMart"
        self.queue_sms().send()
        self.assertEqual(self.sms_provider.requests[0]["body"]["From"], "FidelMart")

    def test_http_provider_fills_the_template_and_reads_the_answer(self):
        self.use_http(fm_sms_sender_id="FidelMart")
        self.sms_provider.answer((200, {"status": "OK", "data": {"id": 4711}}))
        text = 'Code "42" {first_name} ناجح'
        sms = self.queue_sms(text)
        sms.send(unlink_sent=False)
        [request] = self.sms_provider.requests
        self.assertEqual(request["headers"]["X-Api-Key"], "aggregator-key")
        self.assertEqual(
            request["body"],
            {"to": NUMBER, "msg": text, "ref": sms.uuid, "from": "FidelMart"},
        )
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.fm_provider_message_id, "4711")

    def test_http_provider_form_get_with_basic_auth(self):
        self.use_http(
            fm_sms_http_method="GET",
            fm_sms_http_body_type="form",
            fm_sms_http_body_template="to={number}\ntext={text}",
            fm_sms_http_auth="basic",
            fm_sms_http_username="shop",
            fm_sms_http_password="pw",
            fm_sms_http_success_path="",
            fm_sms_http_id_path="",
        )
        self.sms_provider.answer((200, {}))
        sms = self.queue_sms("Prêt à emporter & payé")
        sms.send(unlink_sent=False)
        [request] = self.sms_provider.requests
        self.assertEqual(request["method"], "GET")
        self.assertEqual(request["body"], {"to": NUMBER, "text": sms.body})
        auth = base64.b64encode(b"shop:pw").decode()
        self.assertEqual(request["headers"]["Authorization"], f"Basic {auth}")
        self.assertEqual(sms.state, "pending")

    def test_invalid_number_fails_with_the_providers_reason(self):
        self.use_twilio()
        reason = "The 'To' number +2130000000 is not a valid phone number."
        answer = {"code": 21211, "message": reason, "status": 400}
        self.sms_provider.answer((400, answer))
        sms = self.queue_sms(number="+2130000000")
        sms.send(unlink_failed=False)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_number_format")
        self.assertEqual(sms.fm_failure_reason, reason)

    def test_a_number_that_cannot_be_one_never_reaches_the_provider(self):
        self.use_twilio()
        sms = self.queue_sms(number="call me")
        sms.send()
        self.assertFalse(self.sms_provider.requests)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_number_format")

    def test_generic_refusal_keeps_the_answer_as_reason(self):
        self.use_http()
        self.sms_provider.answer((200, {"status": "error", "message": "Solde epuise"}))
        sms = self.queue_sms()
        sms.send()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "unknown")
        self.assertEqual(sms.fm_failure_reason, "Solde epuise")

    def test_server_error_then_success_sends_the_message_once(self):
        self.use_twilio()
        self.sms_provider.answer((503, {"message": "busy"}))
        sms = self.queue_sms()
        self.env["sms.sms"]._process_queue()
        self.assertEqual(sms.state, "outgoing", "a 5xx is tried again later")
        self.assertEqual(sms.fm_attempts, 1)
        self.env["sms.sms"]._process_queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(len(self.sms_provider.requests), 2)
        # Another run of the queue, and the same batch sent again: nothing.
        self.env["sms.sms"]._process_queue()
        sms.send()
        self.assertEqual(len(self.sms_provider.requests), 2)

    def test_too_many_requests_is_tried_again(self):
        self.use_http()
        self.sms_provider.answer((429, {"message": "slow down"}))
        sms = self.queue_sms()
        sms.send()
        self.assertEqual(sms.state, "outgoing")

    def test_timeout_keeps_the_batch_queued_and_stops_it(self):
        self.use_twilio()
        # Odoo's test framework raises any timeout below 10 s to 10 s.
        self.sms_provider.answer((201, {"sid": "SMlate"}, 11))
        first, second = self.queue_sms(), self.queue_sms("Second")
        (first | second).send()
        self.assertEqual(len(self.sms_provider.requests), 1, "the rest waits")
        self.assertEqual((first | second).mapped("state"), ["outgoing", "outgoing"])
        reason = "The provider did not answer in time."
        self.assertEqual(first.fm_failure_reason, reason)
        self.assertEqual(second.fm_attempts, 0)

    def test_transient_errors_give_up_after_the_attempts(self):
        self.use_twilio()
        self.company.fm_sms_max_attempts = 2
        self.sms_provider.answer((500, {}), (502, {}))
        sms = self.queue_sms()
        sms.send()
        sms.send()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        sms.send()
        self.assertEqual(len(self.sms_provider.requests), 2)

    def test_message_already_accepted_is_not_sent_again(self):
        """A batch run again after the provider took a message (its id is
        stored) marks it sent without a second request."""
        self.use_twilio()
        sms = self.queue_sms()
        sms.write({"fm_provider_message_id": "SMalready"})
        sms.send(unlink_sent=False)
        self.assertFalse(self.sms_provider.requests)
        self.assertEqual(sms.state, "pending")

    def test_notification_of_a_chatter_sms_follows_the_provider(self):
        self.use_twilio()
        self.sms_provider.answer((400, {"code": 21614, "message": "Not a mobile"}))
        message = self.customer._message_sms(
            "Votre commande est prete", partner_ids=self.customer.ids
        )
        self.env["sms.sms"].search([("mail_message_id", "=", message.id)]).send()
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_number_format")
        self.assertEqual(notification.failure_reason, "Not a mobile")

    def test_odoo_iap_stays_the_default(self):
        self.assertEqual(self.company.fm_sms_provider, "iap")
        sms = self.queue_sms()
        # Odoo's own path: IAP is not reachable from the tests, the SMS fails
        # the way Odoo fails it, and our provider hears nothing.
        sms.send(unlink_failed=False)
        self.assertFalse(self.sms_provider.requests)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")


@tagged("post_install", "-at_install")
class TestIapSegments(SmsGatewayCase, MockSMS):
    def test_sms_sent_through_odoo_iap_count_their_segments_and_cost(self):
        self.assertEqual(self.company.fm_sms_provider, "iap")
        self.company.fm_sms_segment_price = 4.5
        # Arabic: Unicode, 80 characters are two segments.
        text = "مرحبا " * 13 + "ok"
        with self.mockSMSGateway():
            self.customer._message_sms(text, sms_numbers=[NUMBER])
            self.env["sms.sms"].search([("number", "=", NUMBER)]).send(
                unlink_sent=False
            )
        tracker = self.env["sms.tracker"].search([], order="id desc", limit=1)
        sms = self.env["sms.sms"].search([("uuid", "=", tracker.sms_uuid)])
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.fm_segments, 2)
        self.assertEqual(tracker.fm_segments, 2)
        self.assertEqual(tracker.fm_cost, 9.0)
        self.assertFalse(self.sms_provider.requests, "our providers heard nothing")
