import threading
import time

import psycopg2.errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.flexi_loyalty.tests.common import TwoTransactionsMixin


@tagged("post_install", "-at_install")
class TestBasketConcurrency(TwoTransactionsMixin, TransactionCase):
    """Two customers confirm the last basket in two real transactions."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env.ref("base.main_company")
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", company.id)], limit=1
            )
            Location = env["stock.location"]
            had_location = bool(
                Location.search(
                    [
                        ("fm_antiwaste_basket", "=", True),
                        ("warehouse_id", "=", warehouse.id),
                    ],
                    limit=1,
                )
            )
            location = Location._fm_antiwaste_basket_location(warehouse)
            partners = env["res.partner"].create(
                [{"name": "Concurrent Customer A"}, {"name": "Concurrent Customer B"}]
            )
            salad = env["product.product"].create(
                {
                    "name": "Concurrent salad",
                    "list_price": 100.0,
                    "is_storable": True,
                    "tracking": "lot",
                }
            )
            lot = env["stock.lot"].create(
                {"name": "CONC-1", "product_id": salad.id, "company_id": company.id}
            )
            env["stock.quant"]._update_available_quantity(
                salad, location, 3, lot_id=lot
            )
            Basket = env["fm.antiwaste.basket"]
            product = env["product.product"].create(
                Basket._fm_product_vals("Concurrent basket", 120.0, 300.0)
            )
            basket = Basket.create(
                {
                    "name": "Concurrent basket",
                    "company_id": company.id,
                    "date": "2025-05-10",
                    "warehouse_id": warehouse.id,
                    "location_id": location.id,
                    "product_id": product.id,
                    "price": 120.0,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": salad.id,
                                "lot_id": lot.id,
                                "quantity": 3,
                                "unit_value": 100.0,
                            }
                        )
                    ],
                }
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            Command.create(
                                {"product_id": product.id, "product_uom_qty": 1}
                            )
                        ],
                    }
                    for partner in partners
                ]
            )
            ids = {
                "location": False if had_location else location.id,
                "partners": partners.ids,
                "products": (salad | product).ids,
                "basket": basket.id,
                "orders": orders.ids,
            }
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cr.execute(
                "SELECT stock_picking_id FROM fm_antiwaste_basket_stock_picking_rel"
                " WHERE fm_antiwaste_basket_id = %s",
                [ids["basket"]],
            )
            pickings = [row[0] for row in cr.fetchall()]
            # Its contents (basket lines) go with it.
            cr.execute("DELETE FROM fm_antiwaste_basket WHERE id = %s", [ids["basket"]])
            # Done moves cannot be deleted through the ORM; test data goes by SQL.
            products = tuple(ids["products"])
            for table in (
                "stock_valuation_layer",
                "stock_move_line",
                "stock_move",
                "stock_quant",
                "stock_lot",
            ):
                cr.execute(f"DELETE FROM {table} WHERE product_id IN %s", [products])
            for model, res_ids in (
                ("stock.picking", pickings),
                ("sale.order", ids["orders"]),
            ):
                if res_ids:
                    for table, column in (
                        ("mail_message", "model"),
                        ("mail_followers", "res_model"),
                    ):
                        cr.execute(
                            f"DELETE FROM {table} WHERE {column} = %s AND res_id IN %s",
                            [model, tuple(res_ids)],
                        )
            if pickings:
                cr.execute(
                    "DELETE FROM stock_picking WHERE id IN %s", [tuple(pickings)]
                )
            cr.execute(
                "DELETE FROM sale_order_line WHERE order_id IN %s",
                [tuple(ids["orders"])],
            )
            cr.execute("DELETE FROM sale_order WHERE id IN %s", [tuple(ids["orders"])])
            env.invalidate_all()
            env["product.product"].browse(ids["products"]).product_tmpl_id.unlink()
            env["res.partner"].browse(ids["partners"]).unlink()
            if ids["location"]:
                env["stock.location"].browse(ids["location"]).unlink()

    def _lock_waits(self, cr, pid):
        cr.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE pid = %s AND wait_event_type = 'Lock'",
            [pid],
        )
        return cr.fetchone()[0]

    def test_two_customers_confirming_the_last_basket_only_one_gets_it(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        outcome = {}
        with self._two_transactions() as (env1, env2):
            for env in (env1, env2):
                # Both customers see the basket on offer before either confirms.
                basket = env["fm.antiwaste.basket"].browse(ids["basket"])
                self.assertEqual(basket.state, "published")
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            order1.action_confirm()  # holds the basket row lock, not committed

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
            # The second confirmation waits on the row lock of the first.
            self.assertTrue(thread.is_alive(), outcome.get("second"))
            env1.cr.commit()
            thread.join(15)
            self.assertFalse(thread.is_alive())
        self.assertIsInstance(
            outcome.get("second"),
            psycopg2.errors.SerializationFailure | UserError,
            "the second confirmation must fail",
        )
        with self.registry.cursor() as cr:
            env = self._env(cr)
            basket = env["fm.antiwaste.basket"].browse(ids["basket"])
            orders = env["sale.order"].browse(ids["orders"])
            self.assertEqual(basket.state, "sold")
            self.assertEqual(basket.sale_line_id.order_id.id, ids["orders"][0])
            self.assertEqual(orders.mapped("state"), ["sale", "draft"])
            delivered = sum(
                basket.picking_ids.move_ids.filtered(
                    lambda m: m.location_dest_id.usage == "customer"
                ).mapped("quantity")
            )
            self.assertEqual(delivered, 3, "the contents are delivered once")
