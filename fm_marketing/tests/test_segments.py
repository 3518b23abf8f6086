from datetime import date, datetime, timedelta

from odoo.tests import tagged

from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestSegments(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dormant = cls._campaign(
            name="Tu nous manques", segment="dormant", segment_days=30
        )

    def _reached(self, traces):
        return traces.filtered(lambda t: t.state != "skipped").partner_id

    def test_dormant_from_day_30_not_day_29(self):
        day29 = self._customer("Day 29", "0550 00 00 29")
        day30 = self._customer("Day 30", "0550 00 00 30")
        day31 = self._customer("Day 31", "0550 00 00 31")
        for partner, age in ((day29, 29), (day30, 30), (day31, 31)):
            self._confirmed_order(partner, self._days_ago(age))
        reached = self._reached(self._run(self.dormant))
        self.assertEqual(reached, day30 | day31)

    def test_dormant_customer_is_reached_once_per_dormancy(self):
        self._confirmed_order(self.amina, self._days_ago(40))
        self.assertEqual(self._reached(self._run(self.dormant)), self.amina)
        next_day = NOW + timedelta(days=1)
        self.assertFalse(self._run(self.dormant, next_day), "same dormancy")
        # She orders again, then goes dormant again: a new dormancy.
        self._confirmed_order(self.amina, next_day)
        self.assertFalse(self._run(self.dormant, next_day + timedelta(days=10)))
        later = next_day + timedelta(days=31)
        self.assertEqual(self._reached(self._run(self.dormant, later)), self.amina)

    def test_customer_without_consent_is_not_in_the_segment(self):
        self.amina.fm_marketing_sms_consent = False
        self._confirmed_order(self.amina, self._days_ago(40))
        self.assertFalse(self._run(self.dormant))

    def test_birthday_today_but_not_yesterday(self):
        self.amina.fm_marketing_birthdate = date(1990, 6, 15)
        self.karim.fm_marketing_birthdate = date(1985, 6, 14)
        birthday = self._campaign(segment="birthday", body="Joyeux anniversaire !")
        self.assertEqual(self._reached(self._run(birthday)), self.amina)
        self.assertFalse(self._run(birthday, NOW + timedelta(hours=3)), "once a year")

    def test_leap_day_birthday_on_28_february_in_common_years(self):
        self.amina.fm_marketing_birthdate = date(2000, 2, 29)
        birthday = self._campaign(segment="birthday", body="Joyeux anniversaire !")
        self.assertFalse(self._run(birthday, datetime(2025, 2, 27, 10)))
        self.assertEqual(
            self._reached(self._run(birthday, datetime(2025, 2, 28, 10))), self.amina
        )
        self.assertFalse(self._run(birthday, datetime(2025, 3, 1, 10)))

    def test_leap_day_birthday_on_29_february_in_leap_years(self):
        self.amina.fm_marketing_birthdate = date(2000, 2, 29)
        birthday = self._campaign(segment="birthday", body="Joyeux anniversaire !")
        self.assertFalse(self._run(birthday, datetime(2024, 2, 28, 10)))
        self.assertEqual(
            self._reached(self._run(birthday, datetime(2024, 2, 29, 10))), self.amina
        )

    def test_never_purchased_reaches_registered_customers_without_order(self):
        portal = self.env["res.users"].create(
            {
                "name": "Nadia Portal",
                "login": "nadia@example.com",
                "mobile": "0770 11 22 33",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        portal.partner_id.fm_marketing_sms_consent = True
        buyer = self.env["res.users"].create(
            {
                "name": "Yacine Buyer",
                "login": "yacine@example.com",
                "mobile": "0770 44 55 66",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        buyer.partner_id.fm_marketing_sms_consent = True
        self._confirmed_order(buyer.partner_id, NOW)
        first = self._campaign(segment="never_purchased", segment_days=3)
        later = datetime.now() + timedelta(days=4)
        # Amina and Karim never registered: not in the segment.
        self.assertEqual(self._reached(self._run(first, later)), portal.partner_id)

    def test_domain_and_tier_segments(self):
        by_city = self._campaign(
            segment="domain", partner_domain="[('name', 'ilike', 'karim')]"
        )
        self.assertEqual(self._reached(self._run(by_city)), self.karim)
        program = self.env["flexi.loyalty.program"].create(
            {"name": "Fidélité", "amount_per_point": 100.0}
        )
        gold = self.env["flexi.loyalty.tier"].create(
            {"name": "Gold", "program_id": program.id, "threshold": 1000}
        )
        member = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": self.amina.id, "program_id": program.id}
        )
        # Tiers are the engine's to set (requalification).
        with member._flexi_trusted():
            member.write({"tier_id": gold.id})
        gold_members = self._campaign(segment="tier", tier_ids=[(6, 0, gold.ids)])
        self.assertEqual(self._reached(self._run(gold_members)), self.amina)
