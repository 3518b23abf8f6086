import threading
import time
from datetime import timedelta

import psycopg2.errors

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.flexi_loyalty.tests.common import TwoTransactionsMixin


@tagged("post_install", "-at_install")
class TestMarkdownConcurrency(TwoTransactionsMixin, TransactionCase):
    """Two carts hold the last 2 marked-down units and are confirmed in two
    real transactions at the same time."""

    def _setup_committed(self):
        now = fields.Datetime.now()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
            partners = env["res.partner"].create(
                [{"name": "Racing Customer A"}, {"name": "Racing Customer B"}]
            )
            salad = env["product.product"].create(
                {
                    "name": "Racing salad",
                    "list_price": 100.0,
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                    "taxes_id": [Command.clear()],
                }
            )
            lots = env["stock.lot"].create(
                [
                    {
                        "name": name,
                        "product_id": salad.id,
                        "company_id": company.id,
                        "expiration_date": now + timedelta(days=days),
                    }
                    for name, days in (("RACE-NEAR", 1), ("RACE-FRESH", 10))
                ]
            )
            for lot, qty in zip(lots, (2, 10), strict=True):
                env["stock.quant"]._update_available_quantity(
                    salad, warehouse.lot_stock_id, qty, lot_id=lot
                )
            pricelist = env["product.pricelist"].create(
                {"name": "Racing shop", "currency_id": company.currency_id.id}
            )
            markdown = env["fm.antiwaste.markdown"].create(
                {
                    "company_id": company.id,
                    "product_id": salad.id,
                    "lot_ids": [Command.set(lots[:1].ids)],
                    "discount": 30.0,
                    "days_left": 1,
                    "quantity": 2,
                    "date_from": now - timedelta(hours=1),
                    "date_to": now + timedelta(days=1),
                }
            )
            markdown._fm_create_pricelist_items()
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "pricelist_id": pricelist.id,
                        "order_line": [
                            Command.create(
                                {"product_id": salad.id, "product_uom_qty": 2}
                            )
                        ],
                    }
                    for partner in partners
                ]
            )
            self.assertEqual(orders.mapped("amount_untaxed"), [140.0, 140.0])
            return {
                "partners": partners.ids,
                "product": salad.id,
                "pricelist": pricelist.id,
                "markdown": markdown.id,
                "orders": orders.ids,
            }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            orders = tuple(ids["orders"])
            cr.execute("SELECT id FROM stock_picking WHERE sale_id IN %s", [orders])
            pickings = tuple(row[0] for row in cr.fetchall())
            # Reserved moves and their quants cannot go through the ORM in any
            # order; test data goes by SQL.
            for table in (
                "stock_valuation_layer",
                "stock_move_line",
                "stock_move",
                "stock_quant",
                "stock_lot",
            ):
                cr.execute(
                    f"DELETE FROM {table} WHERE product_id = %s", [ids["product"]]
                )
            for model, res_ids in (("stock.picking", pickings), ("sale.order", orders)):
                if res_ids:
                    for table, column in (
                        ("mail_message", "model"),
                        ("mail_followers", "res_model"),
                    ):
                        cr.execute(
                            f"DELETE FROM {table} WHERE {column} = %s AND res_id IN %s",
                            [model, res_ids],
                        )
            if pickings:
                cr.execute("DELETE FROM stock_picking WHERE id IN %s", [pickings])
            cr.execute("DELETE FROM procurement_group WHERE sale_id IN %s", [orders])
            cr.execute("DELETE FROM sale_order_line WHERE order_id IN %s", [orders])
            cr.execute("DELETE FROM sale_order WHERE id IN %s", [orders])
            cr.execute(
                "DELETE FROM fm_antiwaste_markdown WHERE id = %s", [ids["markdown"]]
            )
            env.invalidate_all()
            env["product.pricelist"].browse(ids["pricelist"]).unlink()
            env["product.product"].browse(ids["product"]).product_tmpl_id.unlink()
            env["res.partner"].browse(ids["partners"]).unlink()

    def _lock_waits(self, cr, pid):
        cr.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE pid = %s AND wait_event_type = 'Lock'",
            [pid],
        )
        return cr.fetchone()[0]

    def test_two_carts_confirming_the_last_reduced_units_only_one_keeps_them(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        outcome = {}
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            # Both customers see the reduced price before either confirms.
            for order in (order1, order2):
                self.assertEqual(order.amount_untaxed, 140.0)
            order1.action_confirm()  # holds the markdown's row lock

            def confirm_second():
                outcome["second"] = (
                    self._refusal(env2, order2.action_confirm) or "confirmed"
                )

            pid2 = env2.cr._cnx.get_backend_pid()
            thread = threading.Thread(target=confirm_second)
            thread.start()
            with self.registry.cursor() as watcher:
                deadline = time.monotonic() + 10
                while not self._lock_waits(watcher, pid2) and thread.is_alive():
                    self.assertLess(time.monotonic(), deadline, "no lock wait")
                    time.sleep(0.05)
            # The second confirmation waits on the lock of the first.
            self.assertTrue(thread.is_alive(), outcome.get("second"))
            env1.cr.commit()
            thread.join(15)
            self.assertFalse(thread.is_alive())
        self.assertIsInstance(
            outcome.get("second"),
            psycopg2.errors.SerializationFailure,
            "the second confirmation must not go through on what it read before",
        )
        # Odoo retries a transaction that failed to serialize: the retry sees
        # the units the first order reserved.
        with self.registry.cursor() as cr:
            self._env(cr)["sale.order"].browse(ids["orders"][1]).action_confirm()
        with self.registry.cursor() as cr:
            orders = self._env(cr)["sale.order"].browse(ids["orders"])
            self.assertEqual(orders.mapped("state"), ["sale", "sale"])
            self.assertEqual(orders.mapped("amount_untaxed"), [140.0, 200.0])
            self.assertEqual(orders.order_line.mapped("fm_antiwaste_qty"), [2.0, 0.0])
            self.assertIn(
                "Anti-waste prices updated",
                " ".join(orders[1].message_ids.mapped("body")),
            )
