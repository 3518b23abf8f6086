from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestVoucher(FlexiLoyaltyCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.otp_required = False
        cls._give(500)
        cls.reward = cls._reward("voucher", 200, voucher_value=300.0)
        cls.other = cls.env["res.partner"].create(
            {"name": "Karim Haddad", "email": "karim@example.com"}
        )

    def _issue(self, partner=None, value_type="amount", value=300.0, days=30):
        return self.env["flexi.loyalty.voucher"]._flexi_issue(
            partner or self.customer, value_type, value, days, "Campaign test"
        )

    def _apply(self, order, code):
        action = order.action_flexi_loyalty_apply_voucher()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        form.code = code
        return form.save().action_apply()

    def test_voucher_reward_issues_a_code_sent_by_sms_and_email(self):
        order = self._order([(self.dish, 1)])
        with self.mockSMSGateway():
            ledger = order._flexi_loyalty_redeem(self.member, self.reward)
        voucher = self.env["flexi.loyalty.voucher"].search(
            [("ledger_line_id", "=", ledger.id)]
        )
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(voucher.partner_id, self.customer)
        self.assertEqual(voucher.value, 300.0)
        self.assertGreaterEqual(len(voucher.code), 12)
        self.assertFalse(order.order_line.filtered("flexi_loyalty_reward_id"))
        self.assertEqual(self.member.points_balance, 300)
        self.assertSMSOutgoing(self.customer, self.member.phone, content=voucher.code)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", voucher._name), ("res_id", "=", voucher.id)])
        )
        self.assertIn(voucher.code, mail.body_html)
        self.assertEqual(mail.email_to, "amina@example.com")

    def test_voucher_is_used_later_on_another_order(self):
        with self.mockSMSGateway():
            self._order([(self.dish, 1)])._flexi_loyalty_redeem(
                self.member, self.reward
            )
        voucher = self.env["flexi.loyalty.voucher"].search(
            [("reward_id", "=", self.reward.id)]
        )
        later = self._order([(self.dish, 1), (self.drink, 1)])
        typed = "-".join([voucher.code[:4], voucher.code[4:].lower()])
        self._apply(later, typed)
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.order_id, later)
        self.assertAlmostEqual(later.amount_total, 1040.0)
        self.assertEqual(
            later.order_line.filtered("flexi_loyalty_voucher_id").product_id,
            self.reward.reward_product_id,
        )

    def test_used_unknown_expired_and_others_codes_get_one_message(self):
        used = self._issue()
        self._apply(self._order([(self.dish, 1)]), used.code)
        expired = self._issue(days=1)
        others = self._issue(partner=self.other)
        order = self._order([(self.dish, 1)])
        with freeze_time(expired.date_expiry.strftime("%Y-%m-%d 12:00:00")):
            self.assertTrue(expired._flexi_usable_by(self.customer))
        for code in (used.code, "UNKNOWNCODE1234", others.code):
            with self.assertRaisesRegex(UserError, "not valid for this customer"):
                self._apply(order, code)
        expired.date_expiry = "2000-01-01"
        with self.assertRaisesRegex(UserError, "not valid for this customer"):
            self._apply(order, expired.code)
        self.assertFalse(order.order_line.filtered("flexi_loyalty_voucher_id"))

    def test_removing_the_voucher_line_makes_it_valid_again(self):
        voucher = self._issue()
        order = self._order([(self.dish, 1)])
        self._apply(order, voucher.code)
        order.order_line.filtered("flexi_loyalty_voucher_id").unlink()
        self.assertEqual(voucher.state, "valid")
        self.assertFalse(voucher.order_id)

    def test_cancelling_the_order_makes_the_voucher_valid_again(self):
        voucher = self._issue(value_type="percent", value=10.0)
        order = self._order([(self.dish, 1)])
        self._apply(order, voucher.code)
        self.assertAlmostEqual(order.amount_total, 1071.0)
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(voucher.state, "valid")

    def test_cancelling_the_order_that_paid_a_voucher_cancels_it(self):
        order = self._order([(self.dish, 1)])
        with self.mockSMSGateway():
            order._flexi_loyalty_redeem(self.member, self.reward)
        voucher = self.env["flexi.loyalty.voucher"].search(
            [("reward_id", "=", self.reward.id)]
        )
        order._action_cancel()
        self.assertEqual(voucher.state, "cancelled")
        self.assertEqual(self.member.points_balance, 500)

    def test_voucher_worth_more_than_the_order_is_refused(self):
        voucher = self._issue(value=5000.0)
        order = self._order([(self.drink, 1)])
        with self.assertRaisesRegex(UserError, "more than the"):
            self._apply(order, voucher.code)
        self.assertEqual(voucher.state, "valid")

    def test_daily_cron_expires_vouchers_past_their_last_day(self):
        voucher = self._issue(days=10)
        keep = self._issue(days=40)
        with freeze_time(voucher.date_expiry.strftime("%Y-%m-%d 12:00:00")):
            self.env["flexi.loyalty.voucher"]._cron_flexi_expire()
            self.assertEqual(voucher.state, "valid")
        next_day = voucher.date_expiry + timedelta(days=1)
        with freeze_time(next_day.strftime("%Y-%m-%d 12:00:00")):
            self.env["flexi.loyalty.voucher"]._cron_flexi_expire()
        self.assertEqual(voucher.state, "expired")
        self.assertEqual(keep.state, "valid")
