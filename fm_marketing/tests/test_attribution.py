from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from ..tools.uplift import is_held_out
from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestAttribution(FmMarketingCommon):
    """Which campaign an order is credited to: its code's, else the last
    message the customer received within the channel's window (5 days by
    default for SMS); held-out customers get the same window from their run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two campaigns may message the same customer days apart.
        cls.env["ir.config_parameter"].set_param("fm_marketing.sms_cap_days", "0")
        cls.first = cls._campaign(name="Lundi")
        cls.second = cls._campaign(name="Mercredi")

    def _set_window(self, days):
        """The manager sets the SMS window in Settings."""
        with Form(self.env["res.config.settings"]) as form:
            form.fm_marketing_sms_attribution_days = days
        form.record.execute()
        self.assertEqual(self.first._fm_attribution_days()["sms"], days)

    def _credited(self, *campaigns):
        """{campaign name: {customer: revenue}} as the uplift figures count."""
        result = {}
        for campaign in campaigns:
            traces = campaign.trace_ids
            result[campaign.name] = {
                traces.browse(trace_id).partner_id.name: revenue
                for trace_id, revenue in campaign._fm_conversions().items()
            }
        return result

    def test_order_is_credited_once_to_the_last_message(self):
        with self.mockSMSGateway():
            self._run(self.first)
            self._run(self.second, NOW + timedelta(days=2))
        # Within the window of both messages: the second, sent last, gets it.
        self._confirmed_order(self.amina, NOW + timedelta(days=3))
        # Karim ordered before the second message: the first gets it.
        self._confirmed_order(self.karim, NOW + timedelta(days=1))
        self.assertEqual(
            self._credited(self.first, self.second),
            {"Lundi": {"Karim Haddad": 1000.0}, "Mercredi": {"Amina Benali": 1000.0}},
        )
        for campaign in (self.first, self.second):
            campaign.invalidate_recordset()
        self.assertEqual(
            self.first.messaged_revenue + self.second.messaged_revenue, 2000.0
        )
        self.assertEqual(
            (self.first.messaged_converted_count, self.second.messaged_converted_count),
            (1, 1),
        )

    def test_window_boundaries(self):
        with self.mockSMSGateway():
            self._run(self.first)
        sent = self.first.trace_ids.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(sent.send_date, NOW)
        nadia = self._customer("Nadia Saadi", "0770 11 22 33")
        yacine = self._customer("Yacine Mansouri", "0770 44 55 66")
        with self.mockSMSGateway():
            self._run(self.first, NOW + timedelta(hours=1))
        late = NOW + timedelta(hours=1)
        # Before the message: not credited; at its very moment and up to the
        # last second of the 5th day: credited; from 5 days on: not.
        self._confirmed_order(self.amina, NOW - timedelta(seconds=1))
        self._confirmed_order(self.karim, NOW + timedelta(days=5, seconds=-1))
        self._confirmed_order(nadia, late)
        self._confirmed_order(yacine, late + timedelta(days=5))
        self.assertEqual(
            self._credited(self.first),
            {"Lundi": {"Karim Haddad": 1000.0, "Nadia Saadi": 1000.0}},
        )

    def test_order_with_the_code_counts_for_its_campaign_whatever_came_after(self):
        offer = self._campaign(
            name="Code",
            offer=True,
            offer_validity_days=30,
            body="{first_name} : -10 % avec {code}",
        )
        with self.mockSMSGateway():
            traces = self._run(offer)
            self._run(self.second, NOW + timedelta(days=8))
        voucher = traces.filtered(lambda t: t.partner_id == self.amina).voucher_id
        order = self.env["sale.order"].create(
            {
                "partner_id": self.amina.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order._flexi_loyalty_apply_voucher(voucher.code)
        order.action_confirm()
        order.date_order = NOW + timedelta(days=9)
        # 9 days after the code's SMS, 1 day after the other campaign's.
        self.assertEqual(
            self._credited(offer, self.second),
            {"Code": {"Amina Benali": 900.0}, "Mercredi": {}},
        )

    def test_cancelled_order_is_not_credited(self):
        with self.mockSMSGateway():
            self._run(self.first)
        order = self._confirmed_order(self.amina, NOW + timedelta(days=1))
        self.assertEqual(
            self._credited(self.first), {"Lundi": {"Amina Benali": 1000.0}}
        )
        order._action_cancel()
        self.assertEqual(self._credited(self.first), {"Lundi": {}})

    def test_window_setting_of_zero_credits_only_orders_with_the_code(self):
        self._set_window(0)
        with self.mockSMSGateway():
            self._run(self.first)
        self._confirmed_order(self.amina, NOW + timedelta(minutes=5))
        self.assertEqual(self._credited(self.first), {"Lundi": {}})
        self._set_window(2)
        self.assertEqual(
            self._credited(self.first), {"Lundi": {"Amina Benali": 1000.0}}
        )
        self._confirmed_order(self.karim, NOW + timedelta(days=2))
        self.assertEqual(
            self._credited(self.first), {"Lundi": {"Amina Benali": 1000.0}}
        )

    def test_negative_window_is_refused(self):
        with self.assertRaises(ValidationError):
            with Form(self.env["res.config.settings"]) as settings:
                settings.fm_marketing_email_attribution_days = -1
        self.assertEqual(self.first._fm_attribution_days(), {"sms": 5, "email": 5})

    def test_held_out_customer_is_credited_from_the_run_twice_held_out(self):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "mobile": f"0551{i:06d}",
                    "country_id": self.env.ref("base.dz").id,
                    "fm_marketing_sms_consent": True,
                }
                for i in range(40)
            ]
        )
        campaign = self._campaign(
            name="Retenue",
            holdout_percent=50,
            segment="domain",
            partner_domain=f"[('id', 'in', {customers.ids})]",
        )
        day2 = NOW + timedelta(days=1)
        twice = customers.filtered(
            lambda p: (
                is_held_out(campaign.id, "day:2025-06-15", p.id, 50)
                and is_held_out(campaign.id, "day:2025-06-16", p.id, 50)
            )
        )[:1]
        self.assertTrue(twice, "40 customers at 50 %: some are held out twice")
        with self.mockSMSGateway():
            self._run(campaign)
            self._run(campaign, day2)
        held = campaign.trace_ids.filtered(lambda t: t.partner_id == twice)
        self.assertEqual(held.mapped("state"), ["held_out", "held_out"])
        # Within both runs' windows: the second run only.
        self._confirmed_order(twice, day2 + timedelta(days=1))
        conversions = campaign._fm_conversions()
        self.assertEqual(
            {campaign.trace_ids.browse(t).run_key for t in conversions},
            {"day:2025-06-16"},
        )
        rows = campaign.env["fm.marketing.uplift.report"]._fm_build(campaign)
        self.assertEqual(
            [
                (str(r.run_date), r.customer_group, r.converted_count)
                for r in rows
                if r.converted_count
            ],
            [("2025-06-16", "held_out", 1)],
        )

    def test_night_run_credits_both_groups_from_the_morning(self):
        campaign = self._campaign(name="Soir", holdout_percent=50)
        night = datetime(2025, 6, 15, 21, 30)  # 22:30 in Algiers
        with self.mockSMSGateway():
            traces = self._run(campaign, night)
        # Messaged and held out alike wait for 08:00 (07:00 UTC).
        self.assertEqual(set(traces.mapped("send_date")), {datetime(2025, 6, 16, 7)})
        self.assertLessEqual(set(traces.mapped("state")), {"scheduled", "held_out"})
        with self.mockSMSGateway():
            self.env["fm.marketing.trace"]._fm_release_scheduled(
                datetime(2025, 6, 16, 7)
            )
        # An order that night, before any SMS left, is nobody's conversion.
        self._confirmed_order(self.amina, datetime(2025, 6, 15, 22, 0))
        self._confirmed_order(self.karim, datetime(2025, 6, 16, 9, 0))
        self.assertEqual(self._credited(campaign), {"Soir": {"Karim Haddad": 1000.0}})

    def test_order_shows_its_campaign_and_moves_with_the_rules(self):
        night = datetime(2025, 6, 15, 21, 30)  # 22:30 in Algiers: held till 08:00
        with self.mockSMSGateway():
            traces = self._run(self.first, night)
        # Ordered at 23:00, before the SMS left: confirmed while the SMS waits,
        # and still nobody's once it has gone.
        night_order = self._confirmed_order(self.amina, night + timedelta(minutes=30))
        with self.mockSMSGateway():
            self.env["fm.marketing.trace"]._fm_release_scheduled(
                datetime(2025, 6, 16, 7)
            )
        self.assertFalse(night_order.fm_marketing_campaign_id)
        morning = self._confirmed_order(self.amina, datetime(2025, 6, 16, 9))
        sent = traces.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(
            (morning.fm_marketing_campaign_id, morning.fm_marketing_trace_id),
            (self.first, sent),
        )
        # The manager opens the campaign's credited sales: that order.
        action = self.first.action_view_credited_orders()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), morning)
        # The gateway reports the SMS failed: the order is nobody's.
        sent._fm_set_failed("Numéro injoignable")
        self.assertFalse(morning.fm_marketing_campaign_id)
        self.assertEqual(self._credited(self.first), {"Lundi": {}})

    def test_attack_nobody_credits_an_order_by_hand(self):
        with self.mockSMSGateway():
            self._run(self.first)
        order = self._confirmed_order(self.karim, NOW + timedelta(days=1))
        self.assertEqual(order.fm_marketing_campaign_id, self.first)
        marketer = new_test_user(
            self.env,
            login="fm_mkt_seller",
            groups="sales_team.group_sale_salesman_all_leads,"
            "fm_marketing.fm_marketing_group_manager",
        )
        salesman = new_test_user(
            self.env,
            login="fm_mkt_seller_only",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        for user in (marketer, salesman):
            as_user = order.with_user(user)
            with self.assertRaises(UserError):
                as_user.write({"fm_marketing_campaign_id": self.second.id})
            with self.assertRaises(UserError):
                as_user.write({"fm_marketing_trace_id": False})
            with self.assertRaises(UserError):
                as_user.copy({"fm_marketing_campaign_id": self.second.id})
        # A salesman does not even see which campaign an order is credited to.
        with self.assertRaises(AccessError):
            order.with_user(salesman).read(["fm_marketing_campaign_id"])
        self.assertEqual(order.fm_marketing_campaign_id, self.first)
        self.assertEqual(
            self._credited(self.first, self.second),
            {"Lundi": {"Karim Haddad": 1000.0}, "Mercredi": {}},
        )
