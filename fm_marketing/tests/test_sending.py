from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestSending(FmMarketingCommon):
    def test_sms_goes_through_the_queue_and_gateway(self):
        campaign = self._campaign()
        with self.mockSMSGateway():
            traces = self._run(campaign)
            self.assertSMSOutgoing(
                self.amina, "+213550123456", content="Couscous Royal, Amina !"
            )
            self.assertEqual(set(traces.mapped("state")), {"queued"})
            self.env["sms.sms"].sudo().search([("id", "in", self._new_sms.ids)]).send()
        self.assertSMSIapSent(["+213550123456", "+213661223344"], content="STOP: ")
        self.assertEqual(set(traces.mapped("state")), {"sent"})
        self.assertEqual(campaign.sent_count, 2)

    def test_gateway_failure_is_recorded_on_the_trace(self):
        campaign = self._campaign()
        with self.mockSMSGateway(nbr_t_error={"+213550123456": "wrong_number_format"}):
            traces = self._run(campaign)
            self.env["sms.sms"].sudo().search([("id", "in", self._new_sms.ids)]).send()
        failed = traces.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(failed.state, "failed")
        self.assertEqual(failed.failure_reason, "sms_number_format")

    def test_unreachable_customers_are_skipped_with_the_reason(self):
        nobody = self._customer("Sans Numéro")
        wrong = self._customer("Mauvais Numéro", "12")
        listed = self._customer("Liste Noire", "0555 98 76 54")
        self.env["phone.blacklist"].sudo()._add(["+213555987654"])
        self._customer("Pas d'accord", "0555 11 11 11", sms=False)
        with self.mockSMSGateway():
            traces = self._run(self._campaign())
        reasons = {t.partner_id: t.skip_reason for t in traces if t.state == "skipped"}
        self.assertEqual(
            reasons,
            {nobody: "no_number", wrong: "invalid_number", listed: "blacklisted"},
        )
        self.assertEqual(len(self._new_sms), 2, "Amina and Karim only")

    def test_frequency_cap_one_sms_a_week(self):
        first, second = self._campaign(), self._campaign(name="Second")
        with self.mockSMSGateway():
            self._run(first)
            capped = self._run(second, NOW + timedelta(days=6))
            again = self._run(first, NOW + timedelta(days=7, hours=1))
        self.assertEqual(set(capped.mapped("skip_reason")), {"frequency"})
        self.assertEqual(set(again.mapped("state")), {"queued"})

    def test_frequency_cap_holds_until_the_last_hour_of_the_week(self):
        first, second = self._campaign(), self._campaign(name="Second")
        with self.mockSMSGateway():
            self._run(first)
            capped = self._run(second, NOW + timedelta(days=6, hours=23))
        self.assertEqual(set(capped.mapped("skip_reason")), {"frequency"})

    def test_night_sms_wait_for_the_morning(self):
        campaign = self._campaign()
        night = datetime(2025, 6, 15, 21, 30)  # 22:30 in Algiers
        with self.mockSMSGateway():
            traces = self._run(campaign, night)
            self.assertEqual(set(traces.mapped("state")), {"scheduled"})
            self.assertFalse(self._new_sms)
            # 08:00 in Algiers is 07:00 UTC.
            self.assertEqual(
                set(traces.mapped("send_date")), {datetime(2025, 6, 16, 7)}
            )
            Trace = self.env["fm.marketing.trace"]
            self.assertFalse(Trace._fm_release_scheduled(datetime(2025, 6, 16, 6, 59)))
            Trace._fm_release_scheduled(datetime(2025, 6, 16, 7, 0))
            self.assertSMSOutgoing(self.amina, "+213550123456")
        self.assertEqual(set(traces.mapped("state")), {"queued"})

    def test_email_campaign_with_unsubscribe_link(self):
        self.amina.email = "amina@example.com"
        self.amina.fm_marketing_email_consent = True
        self.env["mail.blacklist"].sudo()._add("karim@example.com")
        self.karim.write(
            {"email": "karim@example.com", "fm_marketing_email_consent": True}
        )
        campaign = self._campaign(channel="email", email_subject="Plat du jour")
        traces = self._run(campaign)
        sent = traces.filtered(lambda t: t.state == "queued")
        self.assertEqual(sent.partner_id, self.amina)
        self.assertEqual(
            traces.filtered(lambda t: t.partner_id == self.karim).skip_reason,
            "blacklisted",
        )
        mail = self.env["mail.mail"].sudo().browse(sent.mail_mail_id_int)
        self.assertEqual(mail.email_to, "amina@example.com")
        self.assertIn(sent._fm_unsubscribe_url(), mail.body_html)

    def test_unsubscribe_link_blacklists_the_number(self):
        with self.mockSMSGateway():
            trace = self._run(self._campaign()).filtered(
                lambda t: t.partner_id == self.amina
            )
        url = f"/fm/u/{trace.id}/{trace._fm_token()}"
        self.assertEqual(self.url_open(f"/fm/u/{trace.id}/wrongtoken").status_code, 404)
        self.assertEqual(self.url_open(url).status_code, 200)
        self.assertFalse(
            self.env["phone.blacklist"].search([("number", "=", "+213550123456")])
        )
        response = self.url_open(url, data={"confirm": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            self.env["phone.blacklist"].search([("number", "=", "+213550123456")])
        )
        self.assertFalse(self.amina.fm_marketing_sms_consent)
