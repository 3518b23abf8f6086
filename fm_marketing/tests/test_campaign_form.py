from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestCampaignAudience(FmMarketingCommon):
    def test_next_run_audience_lists_who_the_run_would_reach(self):
        self._customer("Sans accord", "0770 11 22 33", sms=False)
        campaign = self._campaign()
        self.assertEqual(campaign._fm_next_audience(NOW), (self.amina | self.karim).ids)
        self.assertEqual(campaign.audience_count, 2)
        action = campaign.action_view_audience()
        listed = self.env["res.partner"].search(action["domain"])
        self.assertIn(self.amina, listed)
        self.assertNotIn(self.env.ref("base.partner_admin"), listed)
        # Once run, nobody is left to reach today.
        with self.mockSMSGateway():
            self._run(campaign)
        self.assertEqual(campaign._fm_next_audience(NOW), [])

    def test_one_off_campaign_already_sent_has_no_next_audience(self):
        campaign = self._campaign(schedule_type="once")
        campaign.last_run_at = NOW
        self.assertEqual(campaign.audience_count, 0)
        self.assertEqual(campaign.action_view_audience()["domain"], [("id", "in", [])])

    def test_sms_samples_end_with_the_stop_line_and_need_marketing_rights(self):
        samples = self.env["fm.marketing.campaign"].get_sms_samples()
        self.assertTrue(samples["stop"].startswith("\nSTOP: http"))
        self.assertGreaterEqual(len(samples["code"]), 12)
        salesman = new_test_user(
            self.env,
            login="fm_mkt_sms_salesman",
            groups="sales_team.group_sale_salesman",
        )
        with self.assertRaises(AccessError):
            self.env["fm.marketing.campaign"].with_user(salesman).get_sms_samples()


@tagged("post_install", "-at_install")
class TestCampaignSmsCounter(HttpCase):
    def test_sms_counter_counts_the_stop_line_and_the_encoding(self):
        campaign = self.env.ref("fm_marketing.fm_marketing_campaign_daily_dish")
        self.start_tour(
            f"/odoo/action-fm_marketing.fm_marketing_campaign_action/{campaign.id}",
            "fm_marketing_sms_counter",
            login="admin",
        )
        self.assertEqual(campaign.body, "Reçu, {first_name} !")
