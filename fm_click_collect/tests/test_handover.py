from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import FmClickCollectCommon


@tagged("post_install", "-at_install")
class TestHandover(FmClickCollectCommon, MockSMS):
    def test_pay_at_pickup_order_is_confirmed_reserved_and_payable(self):
        order = self._cc_order()
        tx = self._pay_on_site(order)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertEqual(tx.state, "pending")
        self.assertFalse(order.fm_cc_paid)
        self.assertEqual(order.fm_cc_payment_status, "To pay at pickup")
        self.assertEqual(order.picking_ids.state, "assigned")
        self.assertEqual(order.fm_cc_slot_id.booked_count, 1)

    def test_ready_sends_sms_with_pickup_code(self):
        order = self._cc_order()
        self._pay_on_site(order)
        with self.mockSMSGateway():
            order.action_fm_cc_ready()
            self.env["sms.sms"].sudo()._process_queue()
        self.assertEqual(order.fm_cc_state, "ready")
        sent = [sms for sms in self._sms if sms["number"] == "+213550123456"]
        self.assertEqual(len(sent), 1)
        self.assertIn(order.fm_cc_pickup_code, sent[0]["body"])
        self.assertIn("prête", sent[0]["body"])
        with self.assertRaises(UserError):
            order.action_fm_cc_ready()

    def test_refused_step_names_the_pickup_status_in_the_users_language(self):
        for lang in ("en_US", "fr_FR"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["fm_click_collect"], ["fr_FR"], overwrite=True
        )
        order = self._cc_order()
        self._pay_on_site(order)
        order.action_fm_cc_ready()
        with self.assertRaisesRegex(UserError, r"\(statut de retrait : Prête\)"):
            order.with_context(lang="fr_FR").action_fm_cc_ready()
        with self.assertRaisesRegex(UserError, r"\(pickup status: Ready\)"):
            order.with_context(lang="en_US").action_fm_cc_ready()

    def test_wrong_pickup_code_is_refused_and_nothing_changes(self):
        order = self._cc_order()
        self._pay_on_site(order)
        with self.assertRaisesRegex(UserError, "wrong"):
            order._fm_cc_collect(code="ZZZZZZ", journal=self.cash_journal)
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertFalse(order.invoice_ids)

    def test_collect_with_code_pays_invoice_and_closes_pending_payment(self):
        order = self._cc_order()
        tx = self._pay_on_site(order)
        order.action_fm_cc_ready()
        order._fm_cc_collect(
            code=order.fm_cc_pickup_code.lower(), journal=self.cash_journal
        )
        self.assertEqual(order.fm_cc_state, "collected")
        self.assertTrue(order.fm_cc_paid)
        self.assertIn(order.invoice_ids.payment_state, ("paid", "in_payment"))
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(order.picking_ids.state, "done")

    def test_unpaid_order_needs_a_payment_method_to_be_collected(self):
        order = self._cc_order()
        self._pay_on_site(order)
        with self.assertRaisesRegex(UserError, "not paid"):
            order._fm_cc_collect(code=order.fm_cc_pickup_code)
        self.assertEqual(order.fm_cc_state, "to_prepare")

    def test_override_without_code_needs_a_manager(self):
        order = self._cc_order()
        self._pay_on_site(order)
        clerk = self.env["res.users"].create(
            {
                "name": "Clerk",
                "login": "clerk_fmcc",
                "groups_id": [
                    (6, 0, [self.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        with self.assertRaises(AccessError):
            order.with_user(clerk)._fm_cc_collect(override_reason="Lost phone")
        order._fm_cc_collect(
            override_reason="Lost phone, ID checked", journal=self.cash_journal
        )
        self.assertEqual(order.fm_cc_state, "collected")
        self.assertEqual(order.fm_cc_override_reason, "Lost phone, ID checked")

    def test_no_show_cancels_releases_and_is_idempotent(self):
        order = self._cc_order()
        self._pay_on_site(order)
        slot = order.fm_cc_slot_id
        later = slot.end + timedelta(hours=self.post_point.no_show_delay, minutes=1)
        with freeze_time(slot.end + timedelta(minutes=30)):
            self.env["sale.order"]._cron_fm_cc_no_show()
        self.assertEqual(order.fm_cc_state, "to_prepare")
        with freeze_time(later):
            self.env["sale.order"]._cron_fm_cc_no_show()
            self.env["sale.order"]._cron_fm_cc_no_show()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(order.fm_cc_state, "no_show")
        self.assertEqual(slot.booked_count, 0)
        self.assertEqual(order.picking_ids.state, "cancel")
        self.assertTrue(any("annulée" in (m.subject or "") for m in order.message_ids))
