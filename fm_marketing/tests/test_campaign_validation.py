from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import FmMarketingCommon


@tagged("post_install", "-at_install")
class TestCampaignValidation(FmMarketingCommon):
    def test_campaign_without_message_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "needs a message"):
            self._campaign(body="  ")

    def test_invalid_domain_is_refused(self):
        for domain in ("[('name', '=',", "[('no_such_field', '=', 1)]", "42"):
            with self.assertRaisesRegex(ValidationError, "not a valid domain"):
                self._campaign(segment="domain", partner_domain=domain)

    def test_sending_in_the_past_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "in the past"):
            self._campaign(
                schedule_type="once",
                scheduled_at=fields.Datetime.now() - timedelta(hours=2),
            )

    def test_unknown_placeholder_and_code_without_offer_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "not valid"):
            self._campaign(body="Bonjour {prenom}")
        with self.assertRaisesRegex(ValidationError, "offers no voucher"):
            self._campaign(body="Code {code}")

    def test_one_off_campaign_is_sent_by_hand_only_once(self):
        campaign = self._campaign(schedule_type="once")
        with self.mockSMSGateway():
            campaign.action_send_now()
        self.assertEqual(len(campaign.trace_ids), 2)
        with self.assertRaisesRegex(UserError, "already sent"):
            campaign.action_send_now()
