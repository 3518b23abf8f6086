import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytz

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from odoo.addons.fm_marketing.tools.schedule import is_personally_dormant

from .common import NOW, FmMarketingCommon

ALGIERS = pytz.timezone("Africa/Algiers")
TODAY = date(2025, 6, 15)  # NOW in Algiers


@tagged("post_install", "-at_install")
class TestPersonalDormancy(FmMarketingCommon):
    """Each customer's own rhythm: k x median gap, between a floor and a
    ceiling, checked against ``personal_dormancy_days`` customer by customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls._campaign(
            name="Tu nous manques", segment="dormant", dormancy_rule="personal"
        )

    def setUp(self):
        super().setUp()
        # The hand-built customers of the test (others may have orders too).
        self.base = self.env["res.partner"]

    def _orders(self, partner, *moments):
        """Confirmed orders of ``partner`` at these local moments (a date is
        10:00 that day). The segment reads only the customer, company, state
        and date of an order: orders without lines are enough here."""
        vals = []
        for moment in moments:
            if not isinstance(moment, datetime):
                moment = datetime.combine(moment, time(10))
            utc = ALGIERS.localize(moment).astimezone(pytz.utc).replace(tzinfo=None)
            vals.append({"partner_id": partner.id, "state": "sale", "date_order": utc})
        self.env["sale.order"].create(vals)

    def _regular(self, name, gap, count, days_ago, today=TODAY):
        """A customer with ``count`` orders ``gap`` days apart, the last one
        ``days_ago`` days before ``today``."""
        partner = self._customer(name, f"0550 {len(self.base):02d} 00 00")
        last = today - timedelta(days=days_ago)
        self._orders(partner, *(last - timedelta(days=gap * i) for i in range(count)))
        self.base |= partner
        return partner

    def _selected(self, campaign=None, now=NOW):
        campaign = campaign or self.campaign
        rows = campaign._fm_select_recipients(now)
        return (
            self.env["res.partner"].browse([partner_id for partner_id, _key in rows])
            & self.base
        )

    def _expected(self, campaign, now=NOW):
        """The Python rule applied to the same orders: {partner: run key}."""
        orders = self.env["sale.order"].search(
            [("partner_id", "in", self.base.ids), ("state", "=", "sale")]
        )
        days = defaultdict(list)
        for order in orders:
            local = pytz.utc.localize(order.date_order).astimezone(ALGIERS)
            days[order.partner_id].append(local.date())
        today = pytz.utc.localize(now).astimezone(ALGIERS).date()
        k = campaign.dormancy_factor
        floor = campaign.dormancy_floor_days
        ceiling = campaign.dormancy_ceiling_days
        return {
            partner.id: f"dormant:{max(order_days).isoformat()}"
            for partner, order_days in days.items()
            if partner.fm_marketing_sms_consent
            and is_personally_dormant(order_days, today, k, floor, ceiling)
        }

    def _assert_sql_agrees_with_python(self, campaign, now=NOW):
        rows = {
            partner_id: key
            for partner_id, key in campaign._fm_select_recipients(now)
            if partner_id in self.base.ids
        }
        expected = self._expected(campaign, now)
        self.assertTrue(expected, "a base where somebody is dormant")
        self.assertEqual(rows, expected)

    # ------------------------------------------------------------ named customers

    def test_weekly_customer_is_dormant_after_the_floor_of_30_days(self):
        day29 = self._regular("Hebdo 29", 7, 10, 29)
        day30 = self._regular("Hebdo 30", 7, 10, 30)
        self.assertEqual(self._selected(), day30)
        self.assertNotIn(day29, self._selected())

    def test_dormant_exactly_at_k_times_the_median_gap_not_a_day_before(self):
        self._regular("Tous les 20 jours, 39", 20, 4, 39)
        day40 = self._regular("Tous les 20 jours, 40", 20, 4, 40)
        self.assertEqual(self._selected(), day40)

    def test_even_number_of_gaps_uses_the_mean_of_the_middle_two(self):
        # Gaps 10, 30, 20, 45: median 25, threshold 50.
        for name, days_ago in (("Pair 49", 49), ("Pair 50", 50)):
            partner = self._customer(name, f"0550 99 00 {days_ago}")
            last = TODAY - timedelta(days=days_ago)
            self._orders(
                partner,
                *(last - timedelta(days=back) for back in (0, 45, 65, 95, 105)),
            )
            self.base |= partner
        self.assertEqual(self._selected().mapped("name"), ["Pair 50"])

    def test_fewer_than_three_orders_use_the_floor(self):
        self._regular("Deux commandes, 29", 90, 2, 29)
        two = self._regular("Deux commandes, 30", 90, 2, 30)
        one = self._regular("Une commande, 30", 90, 1, 30)
        self.assertEqual(self._selected(), two | one)

    def test_orders_on_the_same_day_count_as_one_visit(self):
        # Three orders on two days: no rhythm yet, dormant at the floor (with
        # the gap of 50 days counted, it would be 100 days).
        partner = self._customer("Panier partagé", "0550 77 00 00")
        last = TODAY - timedelta(days=30)
        self._orders(partner, last - timedelta(days=50), last, last)
        self.base |= partner
        self.assertEqual(self._selected(), partner)

    def test_irregular_customer_is_held_by_the_ceiling_of_120_days(self):
        self._regular("Rare 119", 150, 4, 119)
        day120 = self._regular("Rare 120", 150, 4, 120)
        self.assertEqual(self._selected(), day120)

    def test_order_days_are_local_days(self):
        # 23:30 UTC is 00:30 the next day in Algiers: the last order was 39
        # local days ago (40 by the UTC date), the threshold is 40.
        partner = self._customer("Minuit", "0550 66 00 00")
        last = datetime.combine(TODAY - timedelta(days=39), time(0, 30))
        self._orders(partner, *(last - timedelta(days=20 * i) for i in (3, 2, 1)), last)
        self.base |= partner
        self.assertFalse(self._selected())
        self.assertEqual(self._selected(now=NOW + timedelta(days=1)), partner)

    def test_fractional_threshold_rounds_up(self):
        # 1.5 x 21 = 31.5: dormant from the 32nd day.
        self.campaign.dormancy_factor = 1.5
        self.campaign.dormancy_floor_days = 1
        self._regular("Trois semaines, 31", 21, 3, 31)
        day32 = self._regular("Trois semaines, 32", 21, 3, 32)
        self.assertEqual(self._selected(), day32)

    def test_threshold_reached_on_29_february(self):
        # Gaps of 20 days: threshold 40; 40 days after 20 January 2024 is
        # 29 February.
        partner = self._regular("Bissextile", 20, 4, 0, today=date(2024, 1, 20))
        feb28, feb29 = datetime(2024, 2, 28, 10), datetime(2024, 2, 29, 10)
        self.assertFalse(self._selected(now=feb28))
        self.assertEqual(self._selected(now=feb29), partner)

    def test_gaps_across_29_february_count_the_leap_day(self):
        # 31 January, 29 February, 29 March 2024: gaps of 29 days, threshold 58.
        partner = self._customer("Mensuel", "0550 55 00 00")
        self._orders(partner, date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 29))
        self.base |= partner
        self.assertFalse(self._selected(now=datetime(2024, 5, 25, 10)))
        self.assertEqual(self._selected(now=datetime(2024, 5, 26, 10)), partner)

    def test_customer_without_consent_is_left_out(self):
        partner = self._regular("Sans accord", 7, 10, 60)
        partner.fm_marketing_sms_consent = False
        self.assertFalse(self._selected())

    def test_personal_dormancy_keeps_one_message_per_dormancy(self):
        partner = self._regular("Fidèle", 20, 4, 40)
        traces = self._run(self.campaign)
        self.assertEqual(traces.partner_id, partner)
        last = TODAY - timedelta(days=40)
        self.assertEqual(traces.run_key, f"dormant:{last.isoformat()}")
        self.assertFalse(self._run(self.campaign, NOW + timedelta(days=1)))
        # She orders again, then misses her rhythm again: a new dormancy.
        self._orders(partner, TODAY + timedelta(days=1))
        later = NOW + timedelta(days=1 + 40)
        self.assertEqual(self._run(self.campaign, later).partner_id, partner)

    # ------------------------------------------------------------ whole base

    def test_sql_and_python_rule_agree_on_every_customer(self):
        rng = random.Random(17)
        for i in range(40):
            partner = self._customer(
                f"Client {i}", f"0551 {i:02d} 00 00", sms=i % 9 != 0
            )
            day = TODAY - timedelta(days=rng.randint(0, 160))
            moments = []
            for _order in range(rng.randint(1, 7)):
                hour, minute = rng.choice([(10, 0), (0, 15), (23, 45)])
                moments.append(datetime.combine(day, time(hour, minute)))
                # Some customers order twice a day, some every few days,
                # some every few months.
                day -= timedelta(days=rng.choice([0, 1, 6, 7, 8, 15, 29, 45, 90]))
            self._orders(partner, *moments)
            self.base |= partner
        settings = [(2.0, 30, 120), (1.5, 10, 60), (3.25, 1, 365), (2.2, 45, 45)]
        for k, floor, ceiling in settings:
            self.campaign.write(
                {
                    "dormancy_factor": k,
                    "dormancy_floor_days": floor,
                    "dormancy_ceiling_days": ceiling,
                }
            )
            for now in (NOW, NOW + timedelta(days=11, hours=13), NOW + timedelta(45)):
                with self.subTest(k=k, floor=floor, ceiling=ceiling, now=now):
                    self._assert_sql_agrees_with_python(self.campaign, now)

    def test_fixed_days_are_the_rule_with_floor_equal_to_ceiling(self):
        self._regular("Hebdo", 7, 10, 35)
        self._regular("Rare", 150, 4, 35)
        self._regular("Rare récent", 150, 4, 34)
        fixed = self._campaign(segment="dormant", segment_days=35)
        personal = self._campaign(
            segment="dormant",
            dormancy_rule="personal",
            dormancy_floor_days=35,
            dormancy_ceiling_days=35,
        )
        self.assertEqual(self._selected(fixed), self._selected(personal))
        self.assertEqual(self._selected(fixed).mapped("name"), ["Hebdo", "Rare"])

    # ------------------------------------------------------------ settings

    def test_impossible_settings_are_refused(self):
        cases = [
            ((0, 30, 120), "must be above 0"),
            ((-1, 30, 120), "must be above 0"),
            ((2, 0, 120), "at least 1 day"),
            ((2, 60, 59), "no more than"),
        ]
        for (k, floor, ceiling), message in cases:
            with self.assertRaisesRegex(ValidationError, message):
                self.campaign.write(
                    {
                        "dormancy_factor": k,
                        "dormancy_floor_days": floor,
                        "dormancy_ceiling_days": ceiling,
                    }
                )
        # The floor may equal the ceiling: a fixed number of days.
        self.campaign.write({"dormancy_floor_days": 45, "dormancy_ceiling_days": 45})
        # Settings of another rule or segment are not checked: they are unused.
        self.campaign.write({"segment": "all", "dormancy_factor": 0})

    def test_form_shows_the_rhythm_settings_only_for_personal_dormancy(self):
        form = Form(self.env["fm.marketing.campaign"])
        form.name = "Tu nous manques"
        form.body = "Tu nous manques {first_name} !"
        form.segment = "all"
        with self.assertRaises(AssertionError):
            form.dormancy_factor = 3
        form.segment = "dormant"
        with self.assertRaises(AssertionError):
            form.dormancy_floor_days = 20
        form.dormancy_rule = "personal"
        with self.assertRaises(AssertionError):
            form.segment_days = 20
        form.dormancy_factor = 3
        form.dormancy_floor_days = 20
        form.dormancy_ceiling_days = 90
        campaign = form.save()
        self.assertEqual(campaign._fm_dormancy_bounds(), (3.0, 20, 90))
