from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools.uplift import is_held_out, newcombe
from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestHoldout(FmMarketingCommon):
    """200 consenting customers; each run holds a share of them out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "mobile": f"0550{i:06d}",
                    "country_id": cls.env.ref("base.dz").id,
                    "fm_marketing_sms_consent": True,
                }
                for i in range(1, 201)
            ]
        )

    def _holdout_campaign(self, percent=10, **vals):
        return self._campaign(
            segment="domain",
            partner_domain=f"[('id', 'in', {self.customers.ids})]",
            offer=True,
            body="{first_name} : -10 % avec le code {code}",
            holdout_percent=percent,
            **vals,
        )

    def _expected_held_out(self, campaign, run_key):
        return self.customers.filtered(
            lambda p: is_held_out(campaign.id, run_key, p.id, campaign.holdout_percent)
        )

    def _sms_partners(self):
        return self.env["sms.sms"].sudo().search([]).partner_id

    def test_held_out_customers_get_no_sms_and_no_code(self):
        campaign = self._holdout_campaign()
        traces = self._run(campaign)
        held = traces.filtered(lambda t: t.state == "held_out")
        expected = self._expected_held_out(campaign, "day:2025-06-15")
        self.assertEqual(held.partner_id, expected)
        # About 10 % of 200.
        self.assertTrue(10 <= len(held) <= 30, len(held))
        self.assertEqual(len(traces), 200)
        messaged = traces - held
        self.assertEqual(set(messaged.mapped("state")), {"queued"})
        self.assertFalse(held.voucher_id)
        self.assertFalse(any(held.mapped("body")))
        self.assertFalse(any(held.mapped("sms_uuid")))
        vouchers = self.env["flexi.loyalty.voucher"].search(
            [("partner_id", "in", self.customers.ids)]
        )
        self.assertEqual(vouchers.partner_id, messaged.partner_id)
        sms_partners = self._sms_partners()
        self.assertFalse(sms_partners & held.partner_id)
        self.assertEqual(sms_partners & self.customers, messaged.partner_id)
        self.assertEqual(
            (campaign.messaged_count, campaign.held_out_count),
            (
                len(messaged),
                len(held),
            ),
        )

    def test_retried_run_holds_out_the_same_customers_once(self):
        # No frequency cap: the next day's run reaches everybody again.
        self.env["ir.config_parameter"].set_param("fm_marketing.sms_cap_days", "0")
        campaign = self._holdout_campaign()
        first = self._run(campaign)
        held = first.filtered(lambda t: t.state == "held_out").partner_id
        # The cron retries the run: nobody is traced twice.
        self.assertFalse(self._run(campaign))
        # A run whose second half was lost (crash before its commit) is
        # retried: the lost customers are drawn as before.
        lost = first.filtered(lambda t: t.partner_id in self.customers[100:])
        lost.unlink()
        retried = self._run(campaign)
        self.assertEqual(retried.partner_id, self.customers[100:])
        self.assertEqual(
            retried.filtered(lambda t: t.state == "held_out").partner_id,
            held & self.customers[100:],
        )
        self.assertEqual(len(campaign.trace_ids), 200)
        self.assertFalse(self._sms_partners() & held)
        # The next day's run draws its own hold-out group.
        next_day = self._run(campaign, NOW + timedelta(days=1))
        self.assertEqual(
            next_day.filtered(lambda t: t.state == "held_out").partner_id,
            self._expected_held_out(campaign, "day:2025-06-16"),
        )

    def test_zero_percent_holds_out_nobody(self):
        campaign = self._holdout_campaign(percent=0)
        traces = self._run(campaign)
        self.assertEqual(set(traces.mapped("state")), {"queued"})
        self.assertEqual(self._sms_partners() & self.customers, self.customers)
        self.assertEqual(campaign.held_out_count, 0)
        self.assertFalse(campaign.uplift_enough)

    def test_campaign_figures_are_those_counted_by_hand(self):
        campaign = self._holdout_campaign(percent=50)
        traces = self._run(campaign)
        held = traces.filtered(lambda t: t.state == "held_out").partner_id
        messaged = traces.partner_id - held
        # Within the 15 days of the voucher: 30 messaged and 10 held-out
        # customers order for 1,000 DA each.
        for partner in messaged[:30]:
            self._confirmed_order(partner, NOW + timedelta(days=2))
        for partner in held[:10]:
            self._confirmed_order(partner, NOW + timedelta(days=3))
        # Not counted: ordered before the run, or after the window.
        self._confirmed_order(messaged[40], NOW - timedelta(days=1))
        self._confirmed_order(held[20], NOW + timedelta(days=16))

        m, h = len(messaged), len(held)
        campaign.invalidate_recordset()
        self.assertEqual((campaign.messaged_count, campaign.held_out_count), (m, h))
        self.assertEqual(campaign.messaged_converted_count, 30)
        self.assertEqual(campaign.held_out_converted_count, 10)
        self.assertEqual(campaign.messaged_revenue, 30000.0)
        self.assertEqual(campaign.held_out_revenue, 10000.0)
        self.assertEqual(campaign.messaged_rate, round(100 * 30 / m, 1))
        self.assertEqual(campaign.held_out_rate, round(100 * 10 / h, 1))
        self.assertTrue(campaign.uplift_enough)
        uplift = 30 / m - 10 / h
        self.assertEqual(campaign.uplift, round(100 * uplift, 1))
        low, high = newcombe(30, m, 10, h)
        self.assertEqual(
            (campaign.uplift_low, campaign.uplift_high),
            (round(100 * low, 1), round(100 * high, 1)),
        )
        self.assertLess(campaign.uplift_low, campaign.uplift)
        self.assertGreater(campaign.uplift_high, campaign.uplift)
        # Extra customers ordering because of the SMS, at 1,000 DA each.
        self.assertAlmostEqual(campaign.uplift_revenue, uplift * m * 1000.0, places=2)

        action = campaign.action_view_uplift_report()
        rows = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(
            [
                (r.customer_group, r.customer_count, r.converted_count, r.revenue)
                for r in rows
            ],
            [("held_out", h, 10, 10000.0), ("messaged", m, 30, 30000.0)],
        )
        self.assertEqual({str(r.run_date) for r in rows}, {"2025-06-15"})

    def test_small_groups_show_not_enough_data(self):
        campaign = self._campaign(
            holdout_percent=50,
            segment="domain",
            partner_domain=f"[('id', 'in', {(self.amina | self.karim).ids})]",
        )
        self._run(campaign)
        self.assertEqual(campaign.messaged_count + campaign.held_out_count, 2)
        self.assertFalse(campaign.uplift_enough)

    def test_nobody_changes_the_hold_out_group_by_hand(self):
        traces = self._run(self._holdout_campaign())
        held = traces.filtered(lambda t: t.state == "held_out")[0]
        messaged = traces.filtered(lambda t: t.state == "queued")[0]
        salesman = new_test_user(
            self.env,
            login="fm_holdout_salesman",
            groups="sales_team.group_sale_salesman",
        )
        portal = new_test_user(
            self.env, login="fm_holdout_portal", groups="base.group_portal"
        )
        for user in (salesman, portal):
            with self.assertRaises(AccessError):
                held.with_user(user).write({"state": "queued"})
        manager = new_test_user(
            self.env,
            login="fm_holdout_manager",
            groups="base.group_user,fm_marketing.fm_marketing_group_manager",
        )
        with self.assertRaises(UserError):
            held.with_user(manager).write({"state": "queued"})
        with self.assertRaises(UserError):
            messaged.with_user(manager).write({"state": "held_out"})
        self.assertEqual((held.state, messaged.state), ("held_out", "queued"))

    def test_hold_out_share_out_of_range_is_refused(self):
        for percent in (-1, 51):
            with self.assertRaises(ValidationError):
                self._holdout_campaign(percent=percent)
