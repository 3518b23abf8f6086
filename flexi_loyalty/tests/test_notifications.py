from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestNotifications(FlexiLoyaltyCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.karim = cls.env["res.partner"].create(
            {
                "name": "Karim Haddad",
                "email": "karim@example.com",
                "mobile": "0661 22 33 44",
                "country_id": cls.env.ref("base.dz").id,
            }
        )

    def test_welcome_sms_on_enrolment(self):
        with self.mockSMSGateway():
            self.env["flexi.loyalty.subscription"]._flexi_enroll(
                self.karim, self.program
            )
        self.assertSMSOutgoing(self.karim, "+213661223344", content="Welcome to")

    def test_welcome_email_without_mobile(self):
        self.karim.mobile = False
        member = self.env["flexi.loyalty.subscription"]._flexi_enroll(
            self.karim, self.program
        )
        self.assertEqual(member.notify_channel, "email")
        mail = self.env["mail.mail"].search([("email_to", "=", "karim@example.com")])
        self.assertIn("Welcome to", mail.subject)

    def test_no_welcome_to_blacklisted_number(self):
        self.env["phone.blacklist"].sudo().add("+213661223344")
        with self.mockSMSGateway():
            self.env["flexi.loyalty.subscription"]._flexi_enroll(
                self.karim, self.program
            )
        self.assertFalse(self._new_sms.filtered(lambda s: s.state == "outgoing"))

    def test_member_choosing_no_messages_gets_none(self):
        self.member.notify_channel = "none"
        tier = self.env["flexi.loyalty.tier"].create(
            {"name": "Or", "program_id": self.program.id, "threshold": 51}
        )
        self._set_tier(self.member, tier)
        with self.mockSMSGateway():
            self.member._flexi_notify("tier")
        self.assertFalse(self._new_sms)

    def test_reward_reached_told_once(self):
        self.env["flexi.loyalty.reward"].create(
            {
                "name": "Citronnade offerte",
                "program_id": self.program.id,
                "points_cost": 40,
                "credit_amount": 150,
            }
        )
        order = self._order([(self.dish, 2), (self.drink, 3)])  # 24 points
        with self.mockSMSGateway():
            order.action_confirm()
        self.assertFalse(self._new_sms)
        with self.mockSMSGateway():
            self._order([(self.dish, 2), (self.drink, 3)]).action_confirm()  # 48
        self.assertSMSOutgoing(
            self.customer, "+213550123456", content="enough for a reward"
        )
        with self.mockSMSGateway():
            self._order([(self.dish, 2), (self.drink, 3)]).action_confirm()  # 72
        self.assertFalse(self._new_sms)

    def test_orders_confirmed_together_tell_each_crossing_customer_once(self):
        self.env["flexi.loyalty.reward"].create(
            {
                "name": "Citronnade offerte",
                "program_id": self.program.id,
                "points_cost": 40,
                "credit_amount": 150,
            }
        )
        karim = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": self.karim.id, "program_id": self.program.id}
        )
        self._give(30, karim)
        self._order([(self.dish, 2), (self.drink, 3)]).action_confirm()  # 24
        orders = self._order([(self.dish, 2), (self.drink, 3)]) | self._order(
            [(self.dish, 2), (self.drink, 3)], partner=self.karim
        )
        with self.mockSMSGateway():
            orders.action_confirm()  # Amina 24 -> 48, Karim 30 -> 54
        self.assertEqual(len(self._new_sms), 2)
        self.assertSMSOutgoing(
            self.customer, "+213550123456", content="you have 48 points"
        )
        self.assertSMSOutgoing(
            self.karim, "+213661223344", content="you have 54 points"
        )
        self.assertEqual((self.member.points_balance, karim.points_balance), (48, 54))
        with self.mockSMSGateway():
            (
                self._order([(self.dish, 2)])
                | self._order([(self.dish, 2)], partner=self.karim)
            ).action_confirm()
        self.assertFalse(self._new_sms, "already told: not again")

    def test_default_channel_from_settings(self):
        settings = self.env["res.config.settings"].create({})
        settings.flexi_loyalty_notify_channel = "email"
        settings.execute()
        member = self.env["flexi.loyalty.subscription"]._flexi_enroll(
            self.karim, self.program
        )
        self.assertEqual(member.notify_channel, "email")

    def test_expiry_reminders_switched_off_in_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.flexi_loyalty_expiry_reminder)
        settings.flexi_loyalty_expiry_reminder = False
        settings.execute()
        self.assertFalse(
            self.env["res.config.settings"].create({}).flexi_loyalty_expiry_reminder
        )
        with freeze_time("2025-01-10"):
            self._order([(self.dish, 2)]).action_confirm()
        with freeze_time("2026-06-20"), self.mockSMSGateway():
            self.env[
                "flexi.loyalty.subscription"
            ]._cron_flexi_loyalty_expiry_reminders()
        self.assertFalse(self._new_sms)
        self.assertFalse(self.member.expiry_reminder_date)
