from datetime import datetime, time, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .common import FmMarketingCommon


@tagged("post_install", "-at_install")
class TestManagerJourney(FmMarketingCommon):
    """The marketing manager's journey, walked in Chromium in French."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["web", "mail", "fm_marketing"], ["fr_FR"], overwrite=True
        )
        cls.dormant = cls.env.ref("fm_marketing.fm_marketing_campaign_dormant")
        # Amina alone is dormant: keep her out of the hold-out group.
        cls.dormant.holdout_percent = 0
        cls.manager = new_test_user(
            cls.env,
            login="fm_journey_manager",
            groups="base.group_user,fm_marketing.fm_marketing_group_manager",
            lang="fr_FR",
        )
        cls.salesman = new_test_user(
            cls.env,
            login="fm_journey_salesman",
            groups="sales_team.group_sale_salesman",
        )
        now = fields.Datetime.now()
        # Amina last ordered 40 days ago; Karim ordered two days ago.
        cls._confirmed_order(cls.amina, now - timedelta(days=40))
        cls._confirmed_order(cls.karim, now - timedelta(days=2))

    def _hourly_job(self):
        """The campaigns' hourly job, run at 11:00 in Algiers (outside the
        quiet hours) today."""
        today = fields.Date.context_today(self.dormant)
        with freeze_time(datetime.combine(today, time(10, 0))):
            self.env.ref(
                "fm_marketing.fm_marketing_cron_run_campaigns"
            ).sudo().method_direct_trigger()

    def test_manager_activates_win_back_campaign_and_sees_the_conversion(self):
        url = "/odoo/action-fm_marketing.fm_marketing_campaign_action"
        self.assertFalse(self.dormant.active)
        self.start_tour(
            url, "fm_marketing_manager_activate_tour", login=self.manager.login
        )
        self.assertTrue(self.dormant.active)

        self._hourly_job()
        trace = self.env["fm.marketing.trace"].search(
            [("campaign_id", "=", self.dormant.id)]
        )
        # Only the dormant customer is reached (not Karim, who ordered two
        # days ago), with a code of her own.
        self.assertEqual(len(trace), 1)
        self.assertEqual(trace.partner_id, self.amina)
        self.assertEqual(trace.state, "queued")
        voucher = trace.voucher_id
        self.assertEqual((voucher.value_type, voucher.value), ("percent", 10.0))
        self.assertEqual(voucher.partner_id, self.amina)
        self.assertEqual(voucher.state, "valid")
        sms = self.env["sms.sms"].search([("uuid", "=", trace.sms_uuid)])
        self.assertEqual(sms.number, "+213550123456")
        self.assertIn(voucher.code, sms.body)
        self.assertIn("Amina", sms.body)

        # The SMS queue goes out.
        with self.mockSMSGateway():
            self.env["sms.sms"].sudo().browse(sms.id).send(raise_exception=False)
        self.assertSMSIapSent(["+213550123456"], content=voucher.code)
        self.assertEqual(trace.state, "sent")

        # A week later Amina calls in and orders with the code of the SMS.
        order = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": self.amina.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 2}
                        )
                    ],
                }
            )
        )
        action = order.action_flexi_loyalty_apply_voucher()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(action["context"])
            .create({"code": voucher.code})
        )
        wizard.action_apply()
        order.action_confirm()
        self.assertEqual(order.amount_untaxed, 1800.0)
        self.assertEqual(voucher.state, "used")
        self.assertEqual(trace.order_id, order)
        self.assertEqual(trace.conversions, 1)
        self.assertEqual(trace.revenue, 1800.0)
        self.assertEqual(self.dormant.converted_count, 1)
        self.assertEqual(self.dormant.conversion_rate, 100.0)
        self.assertEqual(self.dormant.revenue, 1800.0)

        self.start_tour(
            url, "fm_marketing_manager_conversion_tour", login=self.manager.login
        )

    def test_manager_reads_what_the_campaign_earned_against_the_hold_out(self):
        """A month of a daily flash campaign, a third of it held out; the
        hourly job runs it, the SMS go out, and customers of both groups
        order within five days: the manager reads the figures and the graph."""
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "mobile": f"0553{i:06d}",
                    "country_id": self.env.ref("base.dz").id,
                    "fm_marketing_sms_consent": True,
                }
                for i in range(120)
            ]
        )
        campaign = self._campaign(
            name="Plat du jour du mois",
            segment="domain",
            partner_domain=f"[('id', 'in', {customers.ids})]",
            holdout_percent=33,
            active=False,
        )
        campaign.with_user(self.manager).action_activate()
        self._hourly_job()
        traces = campaign.trace_ids
        held = traces.filtered(lambda t: t.state == "held_out")
        messaged = traces.filtered(lambda t: t.state == "queued")
        self.assertEqual(len(held) + len(messaged), 120)
        self.assertGreaterEqual(len(held), 20)
        self.assertGreaterEqual(len(messaged), 20)
        with self.mockSMSGateway():
            self.env["sms.sms"].sudo().search([]).send(raise_exception=False)
        self.assertEqual(set(messaged.mapped("state")), {"sent"})
        # Two days after the run, 20 messaged and 8 held-out customers order.
        run = traces[0].send_date
        for trace in messaged[:20] | held[:8]:
            self._confirmed_order(trace.partner_id, run + timedelta(days=2))
        # Too late to count: six days after the run.
        self._confirmed_order(messaged[25].partner_id, run + timedelta(days=6))

        self.start_tour(
            f"/odoo/action-fm_marketing.fm_marketing_campaign_action/{campaign.id}",
            "fm_marketing_manager_uplift_tour",
            login=self.manager.login,
        )
        campaign.invalidate_recordset()
        m, h = len(messaged), len(held)
        self.assertEqual(
            (campaign.messaged_count, campaign.messaged_converted_count), (m, 20)
        )
        self.assertEqual(
            (campaign.held_out_count, campaign.held_out_converted_count), (h, 8)
        )
        self.assertEqual(
            (campaign.messaged_revenue, campaign.held_out_revenue), (20000.0, 8000.0)
        )
        self.assertTrue(campaign.uplift_enough)
        self.assertEqual(campaign.uplift, round(100 * (20 / m - 8 / h), 1))
        self.assertLess(campaign.uplift_low, campaign.uplift)
        self.assertGreater(campaign.uplift_high, campaign.uplift)
