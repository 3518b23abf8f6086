import re
from datetime import datetime

from odoo.tests import tagged

from .common import FmMarketingCommon

NIGHT = datetime(2025, 6, 15, 21, 30)  # 22:30 in Algiers: quiet hours
MORNING = datetime(2025, 6, 16, 7, 0)  # 08:00 in Algiers: released
AMINA, KARIM = "+213550123456", "+213661223344"


@tagged("post_install", "-at_install")
class TestHeldMessages(FmMarketingCommon):
    """SMS held overnight leave in the morning only if the customer still
    agrees to receive them."""

    def _hold(self, **vals):
        traces = self._run(self._campaign(**vals), NIGHT)
        self.assertEqual(set(traces.mapped("state")), {"scheduled"})
        self.assertFalse(self._new_sms)
        return traces

    def _release(self):
        return self.env["fm.marketing.trace"]._fm_release_scheduled(MORNING)

    def _send_queue(self):
        self.env["sms.sms"].sudo().search([("id", "in", self._new_sms.ids)]).send()

    def _skipped(self, traces, partner):
        trace = traces.filtered(lambda t: t.partner_id == partner)
        return trace.state, trace.skip_reason

    def test_attack_stop_after_hold_sends_nothing(self):
        with self.mockSMSGateway():
            traces = self._hold(offer=True, body="Code {code}")
            # Amina texts STOP overnight: Odoo blacklists her number.
            self.env["phone.blacklist"].sudo()._add([AMINA])
            self._release()
            self.assertNotIn(self.amina, self._new_sms.partner_id)
            self.assertSMSOutgoing(self.karim, KARIM, content="Code ")
            self._send_queue()
        self.assertSMSIapSent([KARIM])
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._skipped(traces, self.amina), ("skipped", "blacklisted"))
        amina = traces.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(amina.voucher_id.state, "cancelled", "code never sent")
        self.assertEqual(self._skipped(traces, self.karim), ("sent", False))

    def test_attack_consent_withdrawn_on_the_portal_after_hold_sends_nothing(self):
        nadia = self.env["res.users"].create(
            {
                "name": "Nadia Portal",
                "login": "nadia",
                "password": "nadia-portal-pw",
                "email": "nadia@example.com",
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        nadia.partner_id.write(
            {
                "mobile": "0770 11 22 33",
                "country_id": self.env.ref("base.dz").id,
                "fm_marketing_sms_consent": True,
            }
        )
        with self.mockSMSGateway():
            traces = self._hold()
            self.assertIn(nadia.partner_id, traces.partner_id)
            # Nadia unticks "Marketing SMS" in her account overnight.
            self.authenticate("nadia", "nadia-portal-pw")
            page = self.url_open("/my/account")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            self.url_open(
                "/my/account",
                data={
                    "csrf_token": token.group(1),
                    "name": "Nadia Portal",
                    "email": "nadia@example.com",
                    "phone": "0770 11 22 33",
                    "street": "1 rue Didouche Mourad",
                    "city": "Alger",
                    "country_id": str(self.env.ref("base.dz").id),
                },
            )
            self.assertFalse(nadia.partner_id.fm_marketing_sms_consent)
            self._release()
            self._send_queue()
        self.assertNotIn(nadia.partner_id, self._new_sms.partner_id)
        self.assertSMSIapSent([AMINA, KARIM])
        self.assertEqual(len(self._sms), 2)
        self.assertEqual(
            self._skipped(traces, nadia.partner_id), ("skipped", "no_consent")
        )

    def test_archived_or_moved_customer_after_hold_gets_nothing(self):
        other = self.env["res.company"].create({"name": "Autre Traiteur"})
        with self.mockSMSGateway():
            traces = self._hold()
            self.amina.active = False
            self.karim.sudo().company_id = other
            self._release()
        self.assertFalse(self._new_sms)
        self.assertEqual(self._skipped(traces, self.amina), ("skipped", "archived"))
        self.assertEqual(
            self._skipped(traces, self.karim), ("skipped", "other_company")
        )

    def test_new_number_after_hold_gets_the_message_not_the_old_one(self):
        with self.mockSMSGateway():
            traces = self._hold()
            self.amina.mobile = "0555 44 33 22"
            self._release()
            self._send_queue()
        self.assertSMSIapSent(["+213555443322", KARIM])
        self.assertEqual(len(self._sms), 2)
        amina = traces.filtered(lambda t: t.partner_id == self.amina)
        self.assertEqual(amina.recipient, "+213555443322")

    def test_still_allowed_is_sent_once_when_the_release_runs_twice(self):
        with self.mockSMSGateway():
            traces = self._hold()
            self._release()
            self._release()
            self._send_queue()
            self.assertFalse(self._release(), "nothing left to release")
        self.assertEqual(len(self._new_sms), 2)
        self.assertEqual(sorted(sms["number"] for sms in self._sms), [AMINA, KARIM])
        self.assertEqual(set(traces.mapped("state")), {"sent"})
