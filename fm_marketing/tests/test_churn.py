from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools.churn import churn_risk, median_gap, spend_reference, year_start
from .common import NOW, FmMarketingCommon

TODAY = date(2025, 6, 15)  # NOW in Algiers


@tagged("post_install", "-at_install")
class TestChurnRisk(FmMarketingCommon):
    """A hand-built customer base scored by the nightly job."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {"name": "Fidélité", "amount_per_point": 100.0}
        )
        cls.Member = cls.env["flexi.loyalty.subscription"]

    @classmethod
    def _member(cls, partner):
        return cls.Member.create(
            {"partner_id": partner.id, "program_id": cls.program.id}
        )

    def _order_days_ago(self, partner, *ages):
        for age in ages:
            self._confirmed_order(partner, self._days_ago(age))

    def _expected(self, member, today=TODAY):
        """tools/churn.py applied to the member's orders, read with the ORM."""
        orders = self.env["sale.order"].search(
            [("partner_id", "=", member.partner_id.id), ("state", "=", "sale")]
        )
        # 10:00 UTC is 11:00 in Algiers: the UTC day is the local day here.
        days = [order.date_order.date() for order in orders]
        recent = orders.filtered(lambda o: o.date_order.date() >= year_start(today))
        # The reference: what the job stored for every customer of the company.
        spends = {
            m.partner_id.id: m.fm_churn_spend_year
            for m in self.Member.search([("company_id", "=", self.company.id)])
        }
        return churn_risk(
            (today - max(days)).days if days else None,
            median_gap(days),
            len(recent),
            sum(recent.mapped("amount_untaxed")),
            spend_reference(list(spends.values())),
        )

    def test_nightly_score_is_the_rule_on_each_members_orders(self):
        regular = self._member(self.amina)  # every 30 days, last 75 days ago
        self._order_days_ago(self.amina, 75, 105, 135)
        once = self._member(self.karim)  # one order: the default rhythm
        self._order_days_ago(self.karim, 40)
        twice_a_day = self._member(self._customer("Sami Twice", "0550 00 00 02"))
        self._order_days_ago(twice_a_day.partner_id, 10, 10, 20, 30, 400)
        never = self._member(self._customer("Nadia Never", "0550 00 00 03"))
        self.Member._fm_churn_compute(NOW)
        for member in regular | once | twice_a_day:
            expected = self._expected(member)
            self.assertEqual(
                (member.fm_churn_score, member.fm_churn_at_risk),
                (expected.score, expected.at_risk),
                member.partner_id.name,
            )
            self.assertEqual(
                member.fm_churn_reason_codes or "",
                ",".join(code for code, _p in expected.reasons),
            )
        self.assertEqual(regular.fm_churn_rhythm, 30)
        self.assertEqual(regular.fm_churn_last_order_date, TODAY - timedelta(75))
        self.assertEqual((once.fm_churn_rhythm, once.fm_churn_orders_year), (0, 1))
        # Two orders on one day are one visit for the rhythm, two orders.
        self.assertEqual(twice_a_day.fm_churn_orders_year, 4)
        self.assertEqual(twice_a_day.fm_churn_rhythm, 10)
        self.assertEqual(twice_a_day.fm_churn_spend_year, 4000)
        self.assertEqual((never.fm_churn_score, never.fm_churn_at_risk), (0, False))
        self.assertEqual(never.fm_churn_reason, "No confirmed order yet")
        self.assertEqual(never.fm_churn_date, TODAY)

    def test_rhythm_across_a_leap_day(self):
        member = self._member(self.amina)
        for day in (date(2024, 1, 30), date(2024, 2, 29), date(2024, 3, 30)):
            self._confirmed_order(
                self.amina, datetime.combine(day, datetime.min.time())
            )
        self.Member._fm_churn_compute(datetime(2024, 4, 29, 10))
        self.assertEqual(member.fm_churn_rhythm, 30)
        self.assertEqual(member.fm_churn_last_order_date, date(2024, 3, 30))
        # 30 days since the last order, exactly the rhythm: late (25 points).
        self.assertEqual(member.fm_churn_reason_codes.split(",")[0], "late")

    def test_orders_of_the_last_365_days_count(self):
        member = self._member(self.amina)
        self._order_days_ago(self.amina, 364, 365)
        self.Member._fm_churn_compute(NOW)
        self.assertEqual(member.fm_churn_orders_year, 1)
        self.assertEqual(member.fm_churn_spend_year, 1000)

    def test_reason_in_words_in_english_and_french(self):
        member = self._member(self.amina)
        with member._flexi_trusted():
            member.write(
                {
                    "fm_churn_score": 65,
                    "fm_churn_at_risk": True,
                    "fm_churn_date": TODAY,
                    "fm_churn_last_order_date": TODAY - timedelta(75),
                    "fm_churn_rhythm": 30,
                    "fm_churn_orders_year": 2,
                    "fm_churn_reason_codes": "late_2x,few_orders",
                }
            )
        self.assertEqual(
            member.with_context(lang="en_US").fm_churn_reason,
            "Last order 75 days ago, 2.5 times their usual 30 days; "
            "2 orders in the last 365 days",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(
            member.with_context(lang="fr_FR").fm_churn_reason,
            "Dernière commande il y a 75 jours, 2,5 fois son rythme habituel "
            "de 30 jours; 2 commandes sur les 365 derniers jours",
        )
        self.assertEqual(self.amina.fm_churn_score, 65)
        self.assertTrue(self.amina.fm_churn_at_risk)
        # On time, ordered today, no rhythm of her own yet.
        with member._flexi_trusted():
            member.write(
                {
                    "fm_churn_last_order_date": TODAY,
                    "fm_churn_rhythm": 0,
                    "fm_churn_reason_codes": False,
                }
            )
        self.assertEqual(
            member.with_context(lang="en_US").fm_churn_reason,
            "Last order today, within the 30 days assumed until they order more",
        )
        self.assertEqual(
            member.with_context(lang="fr_FR").fm_churn_reason,
            "Dernière commande aujourd'hui, dans les 30 jours retenus en attendant "
            "plus de commandes",
        )

    def test_retried_job_changes_nothing(self):
        self._member(self.amina)
        self._order_days_ago(self.amina, 75, 105, 135)
        self._member(self.karim)
        self.assertTrue(self.Member._fm_churn_compute(NOW))
        self.assertEqual(self.Member._fm_churn_compute(NOW), 0)
        # The next day, only the date and what follows from it change.
        self.assertTrue(self.Member._fm_churn_compute(NOW + timedelta(days=1)))

    def test_the_nightly_job_scores_every_member(self):
        member = self._member(self.amina)
        # The job scores at the real now, not at the tests' NOW.
        self._confirmed_order(self.amina, fields.Datetime.now() - timedelta(days=75))
        self.env.ref("fm_marketing.fm_marketing_cron_churn").method_direct_trigger()
        self.assertTrue(member.fm_churn_date)
        self.assertEqual(member.fm_churn_orders_year, 1)

    def test_salesman_and_portal_cannot_write_the_score(self):
        member = self._member(self.amina)
        salesman = new_test_user(
            self.env, "churn_salesman", groups="sales_team.group_sale_salesman"
        )
        portal = new_test_user(self.env, "churn_portal", groups="base.group_portal")
        for user in (salesman, portal):
            for context in ({}, {"flexi_loyalty_trusted": True, "fm_churn": True}):
                with self.assertRaises(AccessError):
                    member.with_user(user).with_context(**context).write(
                        {"fm_churn_score": 0, "fm_churn_at_risk": False}
                    )
        with self.assertRaises(AccessError):
            self.Member.with_user(salesman).with_context(
                default_fm_churn_at_risk=True
            ).create(
                {
                    "partner_id": self.karim.id,
                    "program_id": self.program.id,
                    "fm_churn_score": 99,
                }
            )
        # The salesman reads it, on the member and on the customer.
        self.assertEqual(member.with_user(salesman).fm_churn_score, 0)
        self.assertFalse(self.amina.with_user(salesman).fm_churn_at_risk)


@tagged("post_install", "-at_install")
class TestAtRiskCampaign(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {"name": "Fidélité", "amount_per_point": 100.0}
        )
        cls.Member = cls.env["flexi.loyalty.subscription"]
        cls.campaign = cls._campaign(
            name="On ne t'oublie pas", segment="at_risk", body="{first_name} ?"
        )

    @classmethod
    def _member(cls, partner, at_risk, last_order_age=75):
        member = cls.Member.create(
            {"partner_id": partner.id, "program_id": cls.program.id}
        )
        cls._confirmed_order(partner, NOW - timedelta(days=last_order_age))
        with member._flexi_trusted():
            member.write(
                {
                    "fm_churn_at_risk": at_risk,
                    "fm_churn_score": 80 if at_risk else 10,
                    "fm_churn_date": TODAY,
                    "fm_churn_last_order_date": TODAY - timedelta(last_order_age),
                }
            )
        return member

    def _reached(self, traces):
        return traces.filtered(lambda t: t.state != "skipped").partner_id

    def test_segment_is_the_flagged_members_with_consent(self):
        self._member(self.amina, at_risk=True)
        self._member(self.karim, at_risk=False)
        no_consent = self._customer("Sans Accord", "0550 00 00 11", sms=False)
        self._member(no_consent, at_risk=True)
        came_back = self._customer("Revenu", "0550 00 00 12")
        self._member(came_back, at_risk=True)
        # Ordered after the night's score: not at risk any more.
        self._confirmed_order(came_back, NOW - timedelta(hours=1))
        traces = self._run(self.campaign)
        self.assertEqual(self._reached(traces), self.amina)
        self.assertEqual(traces.run_key, f"at_risk:{TODAY - timedelta(75)}")

    def test_once_per_at_risk_episode(self):
        member = self._member(self.amina, at_risk=True)
        self.assertEqual(self._reached(self._run(self.campaign)), self.amina)
        tomorrow = NOW + timedelta(days=1)
        self.assertFalse(self._run(self.campaign, tomorrow), "same episode")
        # She orders, drifts away again: a new episode, a new message.
        later = NOW + timedelta(days=80)
        self._confirmed_order(self.amina, NOW + timedelta(days=2))
        with member._flexi_trusted():
            member.fm_churn_last_order_date = TODAY + timedelta(days=2)
        self.assertEqual(self._reached(self._run(self.campaign, later)), self.amina)


@tagged("post_install", "-at_install")
class TestNextRewardPlaceholder(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {"name": "Fidélité", "amount_per_point": 100.0}
        )
        for name, cost in (("Bon de 500 DA", 100), ("Bon de 1500 DA", 250)):
            cls.env["flexi.loyalty.reward"].create(
                {
                    "name": name,
                    "program_id": cls.program.id,
                    "points_cost": cost,
                    "credit_amount": 5 * cost,
                }
            )
        cls.member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.amina.id, "program_id": cls.program.id}
        )
        cls.member._flexi_adjust(92, "Opening balance", move_type="bonus")
        cls.campaign = cls._campaign(body="{first_name}, {next_reward} !")

    def test_member_8_points_short(self):
        traces = self._run(self.campaign)
        by_partner = {t.partner_id: t.body for t in traces}
        self.assertEqual(
            by_partner[self.amina], "Amina, 8 more points for Bon de 500 DA !"
        )
        # Karim is no member: the placeholder is empty.
        self.assertEqual(by_partner[self.karim], "Karim,  !")

    def test_in_the_customers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.amina.lang = "fr_FR"
        self.assertEqual(
            self.amina._fm_next_reward_text(self.company),
            "plus que 8 points pour Bon de 500 DA",
        )

    def test_one_point_short_and_affordable(self):
        self.member._flexi_adjust(7, "Bonus", move_type="bonus")
        self.assertEqual(
            self.amina._fm_next_reward_text(self.company),
            "1 more point for Bon de 500 DA",
        )
        self.member._flexi_adjust(1, "Bonus", move_type="bonus")
        self.assertEqual(
            self.amina._fm_next_reward_text(self.company),
            "your points already pay for Bon de 500 DA",
        )

    def test_sms_counter_knows_the_placeholder(self):
        samples = self.env["fm.marketing.campaign"].get_sms_samples()
        self.assertEqual(samples["next_reward"], "88 more points for Bon de 1500 DA")
