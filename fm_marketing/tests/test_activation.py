from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import FmMarketingCommon


@tagged("post_install", "-at_install")
class TestActivation(FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dormant = cls.env.ref("fm_marketing.fm_marketing_campaign_dormant")
        cls.manager = new_test_user(
            cls.env,
            login="fm_mkt_manager",
            groups="base.group_user,fm_marketing.fm_marketing_group_manager",
        )
        cls.marketer = new_test_user(
            cls.env,
            login="fm_mkt_user",
            groups="base.group_user,fm_marketing.fm_marketing_group_user",
        )
        cls.salesman = new_test_user(
            cls.env,
            login="fm_mkt_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
        )

    def test_manager_activates_then_pauses_a_shipped_campaign(self):
        self.assertFalse(self.dormant.active)
        campaign = self.dormant.with_user(self.manager)
        campaign.action_activate()
        self.assertTrue(self.dormant.active)
        # The hourly job runs the campaigns it finds: now this one too.
        self.assertIn(self.dormant, self.env["fm.marketing.campaign"].search([]))
        campaign.action_deactivate()
        self.assertFalse(self.dormant.active)
        self.assertNotIn(self.dormant, self.env["fm.marketing.campaign"].search([]))

    def test_attack_salesman_and_marketing_user_cannot_activate(self):
        """What /web/dataset/call_kw runs: the method as that user, context
        of their choosing."""
        for user in (self.salesman, self.marketer):
            campaign = self.dormant.with_user(user).with_context(
                active_test=False, fm_marketing_commit=True
            )
            with self.assertRaises(AccessError):
                campaign.action_activate()
            self.assertFalse(self.dormant.active)
        self.dormant.active = True
        for user in (self.salesman, self.marketer):
            with self.assertRaises(AccessError):
                self.dormant.with_user(user).action_deactivate()
            self.assertTrue(self.dormant.active)
