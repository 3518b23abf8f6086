import re

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.flexi_loyalty.tests.common import FlexiLoyaltyCommon
from odoo.addons.fm_click_collect.tests.common import FmClickCollectCommon
from odoo.addons.fm_sms_gateway.tests.common import SmsGatewayCase

ALGERIAN_MOBILE = "+213550123456"


def sent_text(request):
    return request["body"].get("Body") or request["body"].get("msg")


@tagged("post_install", "-at_install")
class TestLoyaltyCodeBySms(SmsGatewayCase, FlexiLoyaltyCommon):
    def request_code(self):
        self._give(500)
        self.reward = self._reward("credit", 100)
        self.order = self._order([(self.dish, 1)])
        return self.env["flexi.loyalty.otp"]._flexi_request(
            self.member, self.reward, self.order, send_now=True
        )

    def assert_code_received(self, otp):
        [request] = self.sms_provider.requests
        to = request["body"].get("To") or request["body"].get("to")
        self.assertEqual(to, ALGERIAN_MOBILE)
        sms = self.env["sms.sms"].search([], order="id desc", limit=1)
        self.assertEqual(sent_text(request), sms.body)
        self.assertEqual(sms.state, "pending")
        self.assertTrue(sms.fm_provider_message_id)
        # The customer reads the code in the text, and it unlocks the reward.
        [code] = re.findall(r"\b\d{6}\b", sent_text(request))
        self.assertEqual(otp._flexi_check_code(code, self.reward, self.order), "ok")

    def test_code_goes_out_through_twilio(self):
        self.use_twilio()
        otp = self.request_code()
        self.assertEqual(otp.channel, "sms")
        self.assert_code_received(otp)

    def test_code_goes_out_through_the_http_provider(self):
        self.use_http()
        self.sms_provider.answer((200, {"status": "ok", "data": {"id": "otp-1"}}))
        otp = self.request_code()
        self.assert_code_received(otp)

    def test_refused_code_is_said_to_the_staff(self):
        """``send_now``: someone waits for the code; a refusal is told."""
        self.use_twilio()
        self.sms_provider.answer((400, {"code": 21614, "message": "Not a mobile"}))
        with self.assertRaises(UserError) as caught:
            self.request_code()
        self.assertIn("Wrong Number Format", str(caught.exception))


@tagged("post_install", "-at_install")
class TestPickupNoticeBySms(SmsGatewayCase, FmClickCollectCommon):
    def ready_order(self):
        order = self._cc_order()
        order.partner_id.mobile = ALGERIAN_MOBILE
        self._pay_on_site(order)
        self.env["sms.sms"].search([("state", "=", "outgoing")]).unlink()
        order.action_fm_cc_ready()
        self.env["sms.sms"].sudo()._process_queue()
        return order

    def assert_notice_received(self, order):
        [request] = self.sms_provider.requests
        self.assertIn(order.fm_cc_pickup_code, sent_text(request))
        notification = order.message_ids.notification_ids.filtered(
            lambda n: n.notification_type == "sms"
        )
        self.assertEqual(notification.notification_status, "pending")

    def test_pickup_notice_goes_out_through_twilio(self):
        self.use_twilio()
        order = self.ready_order()
        self.assertEqual(self.sms_provider.requests[0]["body"]["To"], ALGERIAN_MOBILE)
        self.assert_notice_received(order)

    def test_pickup_notice_goes_out_through_the_http_provider(self):
        self.use_http()
        self.sms_provider.answer((200, {"status": "ok", "data": {"id": "cc-1"}}))
        order = self.ready_order()
        self.assertEqual(self.sms_provider.requests[0]["body"]["to"], ALGERIAN_MOBILE)
        self.assert_notice_received(order)
