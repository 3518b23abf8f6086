import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sms.tests.common import SMSCase

from ..tools.otp import MAX_ATTEMPTS
from .common import FlexiLoyaltyCommon

WRONG = "This code is wrong or no longer valid."
NOW = datetime(2025, 3, 10, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestOtp(FlexiLoyaltyCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._give(500)
        cls.reward = cls._reward("credit", 100)
        cls.other_reward = cls._reward("credit", 100, credit_amount=400.0)
        cls.order = cls._order([(cls.dish, 1)])
        cls.Otp = cls.env["flexi.loyalty.otp"]

    def _request(self, reward=None, order=None):
        """Send a code; returns (otp, the code as read in the SMS)."""
        with self.mockSMSGateway():
            otp = self.Otp._flexi_request(
                self.member, reward or self.reward, order or self.order
            )
        body = self._new_sms[-1:].body or ""
        return otp, re.search(r"\b(\d{6})\b", body).group(1)

    def _failed_message(self, otp, code, reward=None, order=None):
        try:
            otp._flexi_verify(code, reward or self.reward, order or self.order)
        except UserError as error:
            return error.args[0]
        return None

    def test_code_key_is_made_at_install_not_by_the_first_request(self):
        # Two first requests at once would each make a key of their own.
        ICP = self.env["ir.config_parameter"].sudo()
        key = ICP.get_param("flexi_loyalty.otp_secret")
        self.assertGreaterEqual(len(key or ""), 32)
        self._request()
        self.assertEqual(ICP.get_param("flexi_loyalty.otp_secret"), key)

    def test_code_goes_by_sms_and_only_its_salted_hash_is_stored(self):
        otp, code = self._request()
        self.assertSMSOutgoing(self.customer, self.member.phone, content=code)
        secret = otp.sudo()
        self.assertTrue(secret.salt)
        self.assertNotEqual(secret.code_hash, code)
        self.assertNotIn(code, secret.code_hash)
        self.assertNotIn(code, " ".join(self.member.message_ids.mapped("body")))

    def test_whoever_asks_for_a_code_does_not_start_following_the_membership(self):
        """Two tabs asking at once both subscribed the author and one failed
        on the followers' unique key (found by ``make load``)."""
        clerk = new_test_user(
            self.env, "otp_clerk", groups="sales_team.group_sale_salesman"
        )
        followers = self.member.message_partner_ids
        with self.mockSMSGateway():
            self.Otp.with_user(clerk)._flexi_request(
                self.member, self.reward, self.order
            )
        self.assertIn("Code", self.member.message_ids[:1].body)
        self.assertEqual(self.member.message_partner_ids, followers)

    def test_code_works_at_4_59_and_fails_at_5_01_like_a_wrong_code(self):
        with freeze_time(NOW):
            otp, code = self._request()
        with freeze_time(NOW + timedelta(minutes=5, seconds=1)):
            self.assertEqual(self._failed_message(otp, code), WRONG)
        with freeze_time(NOW):
            otp, code = self._request()
        wrong = f"{(int(code) + 1) % 1000000:06d}"
        with freeze_time(NOW + timedelta(minutes=1)):
            self.assertEqual(self._failed_message(otp, wrong), WRONG)
        with freeze_time(NOW + timedelta(minutes=4, seconds=59)):
            self.assertIsNone(self._failed_message(otp, code))
        self.assertEqual(otp.state, "used")

    def test_five_wrong_codes_lock_the_code(self):
        otp, code = self._request()
        wrong = f"{(int(code) + 1) % 1000000:06d}"
        for _attempt in range(MAX_ATTEMPTS):
            self.assertEqual(self._failed_message(otp, wrong), WRONG)
        self.assertEqual(otp.attempts, MAX_ATTEMPTS)
        self.assertEqual(otp.state, "locked")
        self.assertIn("locked", self._failed_message(otp, code))
        logged = self.member.message_ids.mapped("body")
        self.assertEqual(len([b for b in logged if "Wrong or expired" in b]), 5)

    def test_code_cannot_be_replayed_on_another_reward_or_order(self):
        otp, code = self._request()
        other_order = self._order([(self.dish, 2)])
        self.assertEqual(
            self._failed_message(otp, code, reward=self.other_reward), WRONG
        )
        self.assertEqual(self._failed_message(otp, code, order=other_order), WRONG)
        self.assertIsNone(self._failed_message(otp, code))
        # Used once: the same code does not open a second redemption.
        self.assertEqual(self._failed_message(otp, code), WRONG)

    def test_only_three_codes_per_member_in_fifteen_minutes(self):
        with freeze_time(NOW):
            for _i in range(3):
                self._request()
            with self.assertRaisesRegex(UserError, "wait a little"):
                self._request()
        with freeze_time(NOW + timedelta(minutes=16)):
            otp, _code = self._request()
        self.assertEqual(otp.state, "pending")

    def test_new_code_replaces_the_previous_one(self):
        first, first_code = self._request()
        self._request()
        self.assertEqual(first.state, "cancelled")
        self.assertEqual(self._failed_message(first, first_code), WRONG)

    def test_wizard_flow_sends_code_then_applies_reward(self):
        action = self.order.action_flexi_loyalty_redeem()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.reward_id = self.reward
        wizard = form.save()
        with self.mockSMSGateway():
            wizard.action_send_code()
        code = re.search(r"\b(\d{6})\b", self._new_sms.body).group(1)
        self.assertEqual(wizard.otp_id.channel, "sms")
        wizard.code = code
        wizard.action_apply()
        line = self.order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertAlmostEqual(line.price_total, -500.0)
        self.assertEqual(self.member.points_balance, 400)
        # One redemption of this reward for this member on this order.
        ledger = line.flexi_loyalty_ledger_line_id
        self.assertEqual(
            ledger.idempotency_key,
            f"redeem:sale.order,{self.order.id}:{self.member.id}:{self.reward.id}:0",
        )

    def test_points_cannot_be_spent_without_a_code(self):
        with self.assertRaisesRegex(UserError, "code sent to the member"):
            self.order._flexi_loyalty_redeem(self.member, self.reward)
        self.assertEqual(self.member.points_balance, 500)

    def test_member_without_mobile_gets_the_code_by_email(self):
        self.member.phone = False
        otp = self.Otp._flexi_request(self.member, self.reward, self.order)
        self.assertEqual(otp.channel, "email")
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", otp._name), ("res_id", "=", otp.id)])
        )
        self.assertEqual(mail.email_to, self.member.email)
        self.assertRegex(mail.body_html, r"\d{6}")

    def test_manager_override_is_logged(self):
        otp = self.Otp._flexi_override(
            self.member, self.reward, self.order, "Phone broken, ID checked"
        )
        self.order._flexi_loyalty_redeem(self.member, self.reward, otp=otp)
        self.assertEqual(otp.state, "overridden")
        self.assertEqual(otp.override_reason, "Phone broken, ID checked")
        self.assertEqual(self.member.points_balance, 400)
        self.assertTrue(
            any(
                "Phone broken" in body
                for body in self.member.message_ids.mapped("body")
            )
        )

    def test_non_manager_cannot_override(self):
        clerk = new_test_user(
            self.env,
            login="clerk",
            groups="sales_team.group_sale_salesman,flexi_loyalty.flexi_loyalty_group_user",
        )
        with self.assertRaisesRegex(UserError, "Only loyalty managers"):
            self.Otp.with_user(clerk)._flexi_override(
                self.member, self.reward, self.order, "Trust me"
            )
        self.assertFalse(self.Otp.search([("channel", "=", "override")]))

    # ------------------------------------------------------------ the wizard says

    def _wizard(self, reward=None):
        action = self.order.action_flexi_loyalty_redeem()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.reward_id = reward or self.reward
        return form.save()

    def test_wizard_says_where_the_code_went_and_the_sms_speaks_to_the_counter(self):
        wizard = self._wizard()
        with self.mockSMSGateway():
            wizard.action_send_code()
        # The member's mobile is 0550 12 34 56: shown masked.
        self.assertIn("SMS", wizard.otp_message)
        self.assertIn("***3456", wizard.otp_message)
        self.assertNotIn("0550", wizard.otp_message)
        self.assertIn("staff", self._new_sms.body)
        self.assertNotIn("website", self._new_sms.body)

    def test_wizard_tells_the_truth_when_the_sms_fails(self):
        wizard = self._wizard()
        with (
            self.mockSMSGateway(sim_error="credit"),
            self.assertRaises(UserError) as refused,
        ):
            wizard.action_send_code()
        self.assertIn("could not be sent", refused.exception.args[0])
        self.assertIn("***3456", refused.exception.args[0])
        self.assertFalse(self._sms)
        self.assertFalse(wizard.otp_id)
        self.assertFalse(self.Otp.search([("subscription_id", "=", self.member.id)]))

    def test_wizard_refuses_a_reward_larger_than_the_order_before_any_code(self):
        # The quotation is 1190 DA; a 5000 DA credit cannot be taken off it.
        wizard = self._wizard(self._reward("credit", 100, credit_amount=5000.0))
        with self.mockSMSGateway(), self.assertRaises(UserError) as refused:
            wizard.action_send_code()
        self.assertIn("more than the", refused.exception.args[0])
        self.assertFalse(self._new_sms)
        self.assertFalse(self.Otp.search([("subscription_id", "=", self.member.id)]))
