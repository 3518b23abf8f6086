from datetime import timedelta

from odoo.tests import tagged

from .common import NOW, FmMarketingCommon


@tagged("post_install", "-at_install")
class TestFrequencyCap(FmMarketingCommon):
    """One cap per channel across every campaign (7 days by default): a
    customer it stops is deferred to the next run, not lost."""

    def _traces_of(self, campaign, partner):
        return campaign.trace_ids.filtered(lambda t: t.partner_id == partner)

    def test_capped_dormant_customer_is_deferred_then_reached(self):
        flash = self._campaign(
            name="Flash",
            segment="domain",
            partner_domain=f"[('id', '=', {self.amina.id})]",
        )
        dormant = self._campaign(
            name="Tu nous manques", segment="dormant", segment_days=30
        )
        self._confirmed_order(self.amina, NOW - timedelta(days=40))
        self._confirmed_order(self.karim, NOW - timedelta(days=40))
        with self.mockSMSGateway():
            self._run(flash, NOW - timedelta(days=2))
            first = self._run(dormant)
        amina = self._traces_of(dormant, self.amina)
        self.assertEqual((amina.state, amina.skip_reason), ("deferred", "frequency"))
        self.assertEqual(self._traces_of(dormant, self.karim).state, "queued")
        self.assertEqual(first.partner_id, self.amina | self.karim)
        self.assertEqual(dormant.deferred_count, 1)
        self.assertFalse(amina.body, "nothing written for a deferred customer")
        self.assertIn(self.amina.id, dormant._fm_next_audience(NOW))

        # Still within the week of the flash SMS: deferred again, once.
        with self.mockSMSGateway():
            again = self._run(dormant, NOW + timedelta(days=1))
            self.assertFalse(self._new_sms)
        self.assertEqual(again.partner_id, self.amina)
        amina = self._traces_of(dormant, self.amina)
        self.assertEqual(amina.mapped("state"), ["deferred"])

        # The week is over: the same dormancy reaches her now, and only once.
        later = NOW + timedelta(days=5, hours=1)
        with self.mockSMSGateway():
            reached = self._run(dormant, later)
            self.assertEqual(len(self._new_sms), 1)
        self.assertEqual(reached.partner_id, self.amina)
        amina = self._traces_of(dormant, self.amina)
        self.assertEqual(amina.mapped("state"), ["queued"])
        self.assertEqual(
            amina.run_key, "dormant:" + str((NOW - timedelta(days=40)).date())
        )
        dormant.invalidate_recordset()
        self.assertEqual(dormant.deferred_count, 0)
        with self.mockSMSGateway():
            self.assertFalse(self._run(dormant, later + timedelta(days=1)))

    def test_cap_counts_messages_of_the_channel_not_held_out_customers(self):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Client {i}",
                    "mobile": f"0552{i:06d}",
                    "email": f"client{i}@example.com",
                    "country_id": self.env.ref("base.dz").id,
                    "fm_marketing_sms_consent": True,
                    "fm_marketing_email_consent": True,
                }
                for i in range(30)
            ]
        )
        audience = f"[('id', 'in', {customers.ids})]"
        newsletter = self._campaign(
            name="Lettre",
            channel="email",
            email_subject="Nouveautés",
            segment="domain",
            partner_domain=audience,
        )
        sms_a = self._campaign(
            name="SMS A", segment="domain", partner_domain=audience, holdout_percent=50
        )
        sms_b = self._campaign(name="SMS B", segment="domain", partner_domain=audience)
        with self.mockSMSGateway():
            self._run(newsletter, NOW - timedelta(days=2))
            first = self._run(sms_a, NOW - timedelta(days=1))
            second = self._run(sms_b)
        held = first.filtered(lambda t: t.state == "held_out").partner_id
        messaged = first.filtered(lambda t: t.state == "queued").partner_id
        self.assertTrue(held and messaged)
        # The email did not stop any SMS; the held-out customers got nothing,
        # so nothing stops them either.
        self.assertEqual(
            second.filtered(lambda t: t.state == "queued").partner_id, held
        )
        self.assertEqual(
            second.filtered(lambda t: t.state == "deferred").partner_id, messaged
        )
