from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestExpiry(FlexiLoyaltyCommon, SMSCase):
    def _earn_on(self, day, lines=None):
        """Confirm an order on ``day``: 2000 + 450 HT = 24 points, valid 18 months."""
        with freeze_time(day):
            self._order(lines or [(self.dish, 2), (self.drink, 3)]).action_confirm()

    def _expire_on(self, day):
        with freeze_time(day):
            self.env["flexi.loyalty.ledger.line"]._cron_flexi_loyalty_expire()

    def _remind_on(self, day):
        with freeze_time(day):
            self.env[
                "flexi.loyalty.subscription"
            ]._cron_flexi_loyalty_expiry_reminders()

    def test_points_expire_18_months_and_a_day_later(self):
        self._earn_on("2025-01-10")
        self._expire_on("2026-07-11")
        expired = self._lines(move_type="expire")
        self.assertEqual(expired.points, -24)
        self.assertEqual(expired.partner_id, self.customer)
        self.assertEqual(expired.program_id, self.program)
        self.assertEqual(self.member.points_balance, 0)
        self.assertEqual(self.member.points_available, 0)
        self.assertBalanceIsLedger()

    def test_points_still_spendable_on_their_last_day(self):
        self._earn_on("2025-01-10")
        self._expire_on("2026-07-10")
        self.assertFalse(self._lines(move_type="expire"))
        with freeze_time("2026-07-10"):
            self.assertEqual(self.member._flexi_spendable(), 24)

    def test_redemption_consumes_oldest_points_first(self):
        self._earn_on("2025-01-10")  # 24 points valid until 2026-07-10
        self._earn_on("2025-06-10")  # 24 points valid until 2026-12-10
        with freeze_time("2025-07-01"):
            self.member._flexi_debit(30, "redeem", "Couscous offert")
        self._expire_on("2026-07-11")
        self.assertFalse(self._lines(move_type="expire"))
        self._expire_on("2026-12-11")
        self.assertEqual(self._lines(move_type="expire").points, -18)
        self.assertEqual(self.member.points_balance, 0)
        self.assertBalanceIsLedger()

    def test_expiry_cron_twice_posts_once(self):
        self._earn_on("2025-01-10")
        self._expire_on("2026-07-11")
        self._expire_on("2026-07-11")
        self.assertEqual(len(self._lines(move_type="expire")), 1)
        self.assertBalanceIsLedger()

    def test_reminder_sent_once_per_expiry_date(self):
        self._earn_on("2025-01-10")
        with self.mockSMSGateway():
            self._remind_on("2026-06-20")
        self.assertSMSOutgoing(
            self.customer, "+213550123456", content="your 24 points expire on"
        )
        self.assertEqual(str(self.member.expiry_reminder_date), "2026-07-10")
        with self.mockSMSGateway():
            self._remind_on("2026-06-21")
        self.assertFalse(self._new_sms)

    def test_no_reminder_before_the_window(self):
        self._earn_on("2025-01-10")
        with self.mockSMSGateway():
            self._remind_on("2026-06-01")  # 39 days before, program says 30
        self.assertFalse(self._new_sms)

    def test_reminder_not_sent_to_blacklisted_number(self):
        self._earn_on("2025-01-10")
        self.env["phone.blacklist"].sudo().add("+213550123456")
        with self.mockSMSGateway():
            self._remind_on("2026-06-20")
        self.assertFalse(self._new_sms.filtered(lambda s: s.state == "outgoing"))
        self.assertSMSCanceled(self.customer, "+213550123456", "sms_blacklist")

    def test_reminder_not_emailed_to_blacklisted_address(self):
        self.member.notify_channel = "email"
        self._earn_on("2025-01-10")
        self.env["mail.blacklist"].sudo()._add("amina@example.com")
        self._remind_on("2026-06-20")
        mails = self.env["mail.mail"].search([("email_to", "=", "amina@example.com")])
        self.assertFalse(mails.filtered(lambda m: "expire" in (m.subject or "")))

    def test_reminder_emailed_when_member_prefers_email(self):
        self.member.notify_channel = "email"
        self._earn_on("2025-01-10")
        self._remind_on("2026-06-20")
        mails = self.env["mail.mail"].search([("email_to", "=", "amina@example.com")])
        self.assertIn("24", mails.filtered(lambda m: "expire" in m.subject).body_html)
