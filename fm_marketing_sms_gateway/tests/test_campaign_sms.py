from urllib.parse import urlencode

from odoo.tests import tagged

from odoo.addons.fm_marketing.tests.common import NOW, FmMarketingCommon
from odoo.addons.fm_sms_gateway.tests.common import SmsGatewayCase


class CampaignSmsCase(SmsGatewayCase, FmMarketingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.fm_sms_segment_price = 4.5

    def sent_bodies(self):
        requests = self.sms_provider.requests
        return [r["body"].get("Body") or r["body"].get("msg") for r in requests]


@tagged("post_install", "-at_install")
class TestCampaignCost(CampaignSmsCase):
    def test_counters_name_the_character_that_forces_unicode(self):
        campaign = self._campaign(body="Fête des mères : -10 %, {first_name} !")
        self.assertEqual(campaign.sms_encoding, "ucs2")
        self.assertIn("« ê »", campaign.sms_unicode_warning)
        self.assertNotIn("è", campaign.sms_unicode_warning, "è is in the GSM table")
        # The STOP line makes it longer than one Unicode SMS.
        self.assertEqual(campaign.sms_segment_count, 2)
        self.assertEqual(campaign.audience_count, 2)
        self.assertEqual(campaign.sms_estimated_cost, 2 * 2 * 4.5)
        campaign.sms_fold_gsm7 = True
        self.assertEqual(campaign.sms_encoding, "gsm7")
        self.assertFalse(campaign.sms_unicode_warning)
        self.assertEqual(campaign.sms_segment_count, 1)
        self.assertEqual(campaign.sms_estimated_cost, 1 * 2 * 4.5)

    def test_arabic_campaign_costs_more_segments(self):
        latin = self._campaign(body="Votre plat du jour vous attend, " * 3)
        arabic = self._campaign(body="طبق اليوم في انتظارك، تعال اليوم " * 3)
        self.assertEqual(latin.sms_encoding, "gsm7")
        self.assertEqual(arabic.sms_encoding, "ucs2")
        self.assertGreater(arabic.sms_segment_count, latin.sms_segment_count)
        self.assertEqual(
            latin.sms_char_count, latin._fm_sms_count(latin.get_sms_samples()).units
        )


@tagged("post_install", "-at_install")
class TestCampaignThroughProviders(CampaignSmsCase):
    def run_campaign(self, campaign):
        self._run(campaign, NOW)
        self.env["sms.sms"]._process_queue()
        # A second run of the SMS cron finds nothing left to send.
        self.env["sms.sms"]._process_queue()

    def trackers(self, campaign):
        return self.env["sms.tracker"].search(
            [("fm_marketing_trace_id", "in", campaign.trace_ids.ids)]
        )

    def assert_cost_kept_at_the_price_of_the_day(self, campaign, cost):
        self.assertEqual(campaign.sms_cost_spent, cost)
        self.company.fm_sms_segment_price = 10.0
        campaign.invalidate_recordset(["sms_cost_spent"])
        self.assertEqual(campaign.sms_cost_spent, cost, "spent at the old price")
        self.assertGreater(campaign.sms_estimated_cost, 0)

    def test_campaign_goes_out_through_twilio_and_counts_what_it_cost(self):
        self.use_twilio()
        campaign = self._campaign(body="Prête pour vous, {first_name} !")
        campaign.sms_fold_gsm7 = True
        self.run_campaign(campaign)
        numbers = sorted(r["body"]["To"] for r in self.sms_provider.requests)
        self.assertEqual(numbers, ["+213550123456", "+213661223344"], "each once")
        for body in self.sent_bodies():
            self.assertTrue(body.startswith("Prete pour vous, "), "folded")
        traces = campaign.trace_ids
        self.assertEqual(set(traces.mapped("state")), {"sent"})
        trackers = self.trackers(campaign)
        self.assertEqual(len(trackers), 2)
        self.assertEqual(
            set(trackers.mapped("fm_provider_message_id")),
            {f"SM{1:032d}", f"SM{2:032d}"},
        )
        self.assertEqual(campaign.sms_segments_sent, 2)
        self.assert_cost_kept_at_the_price_of_the_day(campaign, 9.0)

        # Twilio reports one of them undelivered: its trace says so.
        response = self.post_twilio(
            "/fm_sms_gateway/twilio/status",
            {
                "AccountSid": self.company.sudo().fm_sms_twilio_account_sid,
                "MessageSid": f"SM{1:032d}",
                "MessageStatus": "undelivered",
                "ErrorCode": "30003",
            },
        )
        self.assertEqual(response.status_code, 204)
        failed = trackers.filtered(
            lambda t: t.fm_provider_message_id == f"SM{1:032d}"
        ).fm_marketing_trace_id
        failed.invalidate_recordset()
        self.assertEqual(failed.state, "failed")

    def test_campaign_goes_out_through_the_http_provider(self):
        self.use_http()
        self.sms_provider.answer(
            (200, {"status": "ok", "data": {"id": "a1"}}),
            (400, {"status": "error", "message": "Numero inconnu"}),
        )
        campaign = self._campaign()
        self.run_campaign(campaign)
        numbers = sorted(r["body"]["to"] for r in self.sms_provider.requests)
        self.assertEqual(numbers, ["+213550123456", "+213661223344"], "each once")
        states = sorted(campaign.trace_ids.mapped("state"))
        self.assertEqual(states, ["failed", "sent"])
        trackers = self.trackers(campaign)
        self.assertEqual(
            sorted(trackers.mapped("fm_provider_message_id"), key=bool), [False, "a1"]
        )
        self.assertEqual(campaign.sms_segments_sent, 1, "failed SMS cost nothing")
        self.assert_cost_kept_at_the_price_of_the_day(campaign, 4.5)

    def test_stop_reply_withdraws_the_marketing_consent_and_start_gives_it_back(self):
        self.use_http()
        token = self.company.sudo().fm_sms_webhook_token
        url = f"/fm_sms_gateway/{self.company.id}/inbound?" + urlencode(
            {"token": token}
        )
        self.url_open(url, data={"from": "+213550123456", "text": "ARRET"})
        self.assertFalse(self.amina.fm_marketing_sms_consent)
        self.assertTrue(self.amina.phone_sanitized_blacklisted)
        campaign = self._campaign()
        self.assertEqual(campaign.audience_count, 1)
        self.url_open(url, data={"from": "+213550123456", "text": "Start"})
        self.amina.invalidate_recordset()
        self.assertTrue(self.amina.fm_marketing_sms_consent)


@tagged("post_install", "-at_install")
class TestCampaignLiveCounters(CampaignSmsCase):
    def test_counters_follow_the_text_and_the_folding_while_it_is_typed(self):
        campaign = self._campaign()
        self.assertEqual(campaign.audience_count, 2)
        self.start_tour(
            f"/odoo/action-fm_marketing.fm_marketing_campaign_action/{campaign.id}",
            "fm_marketing_sms_gateway_campaign_counters",
            login="admin",
        )
        # What the tour saved last: Arabic stays in Unicode, folded or not.
        self.assertEqual(campaign.body, "طبق اليوم في انتظارك يا {first_name}")
        self.assertTrue(campaign.sms_fold_gsm7)
        self.assertEqual(campaign.sms_encoding, "ucs2")
        self.assertEqual(campaign.sms_segment_count, 2)
        self.assertEqual(campaign.sms_estimated_cost, 2 * 2 * 4.5)
