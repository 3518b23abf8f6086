from datetime import timedelta

import psycopg2.errors
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import (
    FmClickCollectCommon,
    FmClickCollectPaymentCommon,
    TwoTransactionsMixin,
)


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


@tagged("post_install", "-at_install")
class TestHandoverPayment(FmClickCollectPaymentCommon, MockSMS):
    """Pay at pickup: the counter hands the goods over, then cashes in the
    total the handover screen shows, whatever each product's invoicing
    policy, lots and rewards."""

    def test_mixed_invoicing_policies_are_paid_for_the_amount_shown(self):
        order = self._order_of((self.couscous, 1), (self.bread, 1))
        self._pay_on_site(order)
        order.action_fm_cc_ready()
        shown, _wizard = self._hand_over(order, user=self.cashier)
        self.assertGreater(shown, 1800)
        self._assert_collected_and_paid_in_full(order, shown)
        self.assertEqual(
            order.invoice_ids.invoice_line_ids.product_id, self.couscous | self.bread
        )

    def test_order_invoiced_only_on_delivery_is_handed_over_and_paid(self):
        order = self._order_of((self.couscous, 2))
        self._pay_on_site(order)
        shown, _wizard = self._hand_over(order)
        self._assert_collected_and_paid_in_full(order, shown)
        self.assertEqual(order.order_line.filtered("product_id").qty_delivered, 2)

    def test_tracked_product_leaves_with_its_reserved_lot(self):
        order = self._order_of((self.tajine, 2), (self.bread, 3))
        self._pay_on_site(order)
        shown, _wizard = self._hand_over(order, user=self.cashier)
        self._assert_collected_and_paid_in_full(order, shown)
        tajine_lines = order.picking_ids.move_line_ids.filtered(
            lambda ml: ml.product_id == self.tajine
        )
        self.assertEqual(tajine_lines.lot_id, self.lot)
        self.assertEqual(sum(tajine_lines.mapped("quantity")), 2)
        self.assertEqual(self.tajine.with_context(lot_id=self.lot.id).qty_available, 3)

    def test_tracked_product_without_stock_asks_for_lots_and_nothing_moves(self):
        order = self._order_of((self.tajine, 7))
        self._pay_on_site(order)
        with self.assertRaises(UserError):
            order._fm_cc_collect(
                code=order.fm_cc_pickup_code, journal=self.cash_journal
            )
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertFalse(order.invoice_ids)
        self.assertNotEqual(order.picking_ids.state, "done")

    def test_order_paid_online_is_not_invoiced_or_paid_again(self):
        order = self._order_of((self.couscous, 1), (self.bread, 1))
        order._fm_cc_book_slot()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state="done",
            amount=order.amount_total,
            reference=f"{order.name}-online",
        )
        tx._post_process()
        self.assertTrue(order.fm_cc_paid)
        invoices = order.invoice_ids
        payments = self.env["account.payment"].search_count([])
        shown, _wizard = self._hand_over(order, user=self.cashier)
        self.assertEqual(shown, 0.0)
        self.assertEqual(order.fm_cc_state, "collected")
        self.assertEqual(order.picking_ids.state, "done")
        self.assertEqual(order.invoice_ids, invoices)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)

    def test_second_hand_over_does_nothing_more(self):
        order = self._order_of((self.couscous, 1), (self.bread, 1))
        self._pay_on_site(order)
        _shown, wizard = self._hand_over(order, user=self.cashier)
        payments = self.env["account.payment"].search_count([])
        collected_on = order.fm_cc_collected_date
        # Double click, or the browser retrying the same click.
        wizard.with_user(self.cashier).action_collect()
        with self.assertRaises(UserError):
            order.with_user(self.cashier)._fm_cc_collect(
                code=order.fm_cc_pickup_code, journal=self.cash_journal
            )
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(self.env["account.payment"].search_count([]), payments)
        self.assertEqual(order.fm_cc_collected_date, collected_on)

    def test_attack_nobody_types_the_pickup_status_or_code(self):
        """Administrators included, whatever the context: the pickup status,
        its code and the handover trail follow the order's flow only."""
        order = self._order_of((self.couscous, 1))
        self._pay_on_site(order)
        code = order.fm_cc_pickup_code
        for vals in (
            {"fm_cc_state": "collected"},
            {"fm_cc_pickup_code": "AAAAAA"},
            {"fm_cc_collected_date": "2026-01-01 10:00:00"},
            {"fm_cc_override_reason": "trust me"},
        ):
            with self.assertRaises(AccessError):
                order.sudo().write(vals)
            with self.assertRaises(AccessError):
                self.env["sale.order"].sudo().create(
                    dict(vals, partner_id=self.partner.id)
                )
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertEqual(order.fm_cc_pickup_code, code)
        forged = (
            self.env["sale.order"]
            .with_user(self.cashier)
            .with_context(
                default_fm_cc_state="collected", default_fm_cc_pickup_code="AAAAAA"
            )
            .create({"partner_id": self.partner.id})
        )
        self.assertFalse(forged.fm_cc_state)
        self.assertFalse(forged.fm_cc_pickup_code)

    def test_attack_cashier_marks_collected_without_the_code(self):
        order = self._order_of((self.couscous, 1))
        self._pay_on_site(order)
        as_cashier = order.with_user(self.cashier)
        with self.assertRaises(AccessError):
            as_cashier.write({"fm_cc_state": "collected"})
        with self.assertRaises(AccessError):
            get_public_method(as_cashier, "_fm_cc_collect")
        Wizard = self.env["fm.click_collect.collect.wizard"].with_user(self.cashier)
        values = {"order_id": order.id, "journal_id": self.cash_journal.id}
        with self.assertRaises(UserError):
            Wizard.create(dict(values, code="ZZZZZZ")).action_collect()
        with self.assertRaises(AccessError):
            Wizard.create(
                dict(values, use_override=True, override_reason="Trust me")
            ).action_collect()
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertFalse(order.invoice_ids)

    def test_attack_payment_on_a_journal_that_takes_no_money(self):
        order = self._order_of((self.couscous, 1))
        self._pay_on_site(order)
        sales_journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", order.company_id.id)],
            limit=1,
        )
        wizard = (
            self.env["fm.click_collect.collect.wizard"]
            .with_user(self.cashier)
            .create(
                {
                    "order_id": order.id,
                    "code": order.fm_cc_pickup_code,
                    "journal_id": sales_journal.id,
                }
            )
        )
        with self.assertRaises(UserError):
            wizard.action_collect()
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertFalse(order.invoice_ids)
        self.assertNotEqual(order.picking_ids.state, "done")

    def test_ready_tells_the_staff_the_customer_got_the_sms(self):
        order = self._order_of((self.bread, 1))
        self._pay_on_site(order)
        with self.mockSMSGateway():
            action = order.with_user(self.cashier).action_fm_cc_ready()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("notified by SMS", action["params"]["message"])
        self.assertIn(order.name, action["params"]["message"])

    def test_ready_warns_when_no_sms_could_be_sent(self):
        self.partner.write({"mobile": False, "phone": False, "email": False})
        order = self._order_of((self.bread, 1))
        self._pay_on_site(order)
        with self.mockSMSGateway():
            action = order.with_user(self.cashier).action_fm_cc_ready()
        self.assertEqual(order.fm_cc_state, "ready")
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("could not be notified", action["params"]["message"])


@tagged("post_install", "-at_install")
class TestHandoverConcurrency(TwoTransactionsMixin, TransactionCase):
    """Two clicks on "Hand Over" reach the server at once."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create({"name": "Client pressé"})
            product = env["product.product"].create({"name": "Plat", "list_price": 10})
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            return {"order": order.id, "partner": partner.id, "product": product.id}

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["sale.order"].browse(ids["order"]).unlink()
            env["product.product"].browse(ids["product"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()

    def test_twin_handover_waits_then_is_refused_by_the_database(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["order"])
            order2 = env2["sale.order"].browse(ids["order"])
            # The twin request has read the order before the first one ends.
            self.assertFalse(order2.fm_cc_state)
            order1._fm_cc_lock()
            with order1._fm_cc_trusted():
                order1.write({"fm_cc_state": "collected"})
            env1.cr.commit()
            refused = self._refusal(
                env2, lambda: order2._fm_cc_collect(code="ANY", journal=None)
            )
            self.assertIsInstance(refused, psycopg2.errors.SerializationFailure)
