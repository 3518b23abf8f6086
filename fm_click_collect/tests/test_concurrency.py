import psycopg2.errors

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import TwoTransactionsMixin


@tagged("post_install", "-at_install")
class TestSlotConcurrency(TwoTransactionsMixin, TransactionCase):
    """Two real transactions take the last place of a slot at once."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            calendar = env["resource.calendar"].create(
                {"name": "Concurrency", "tz": "Africa/Algiers"}
            )
            partner = env["res.partner"].create({"name": "Concurrency point"})
            point = env["fm.click_collect.point"].create(
                {
                    "name": "Concurrency point",
                    "warehouse_id": warehouse.id,
                    "partner_id": partner.id,
                    "opening_hours_id": calendar.id,
                    "capacity": 1,
                    "lead_time": 0,
                    "booking_days": 7,
                }
            )
            slot = env["fm.click_collect.slot"].browse(
                point._fm_available_slots()[-1]["id"]
            )
            customer = env["res.partner"].create({"name": "Concurrent customer"})
            product = env["product.product"].create({"name": "Plat", "list_price": 10})
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "fm_cc_point_id": point.id,
                        "fm_cc_slot_id": slot.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                    for _i in range(2)
                ]
            )
            return {
                "point": point.id,
                "slot": slot.id,
                "orders": orders.ids,
                "partners": [partner.id, customer.id],
                "product": product.id,
                "calendar": calendar.id,
            }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["sale.order"].browse(ids["orders"]).unlink()
            env["fm.click_collect.point"].browse(ids["point"]).unlink()
            env["product.product"].browse(ids["product"]).unlink()
            env["resource.calendar"].browse(ids["calendar"]).unlink()
            env["res.partner"].browse(ids["partners"]).unlink()

    def test_two_checkouts_for_the_last_place_book_it_once(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            # Both see one free place before either books.
            self.assertEqual(order1.fm_cc_slot_id.remaining, 1)
            self.assertEqual(order2.fm_cc_slot_id.remaining, 1)
            order1._fm_cc_book_slot()
            env1.cr.commit()
            refused = self._refusal(env2, order2._fm_cc_book_slot)
            self.assertTrue(refused, "the second booking must fail")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            slot = env["fm.click_collect.slot"].browse(ids["slot"])
            self.assertEqual(slot.booked_count, 1)
            self.assertEqual(
                env["sale.order"].browse(ids["orders"]).mapped("fm_cc_slot_booked"),
                [True, False],
            )

    def test_two_visitors_holding_the_last_place_at_once_hold_it_once(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            slot1, slot2 = order1.fm_cc_slot_id, order2.fm_cc_slot_id
            # Both see one free place before either holds it.
            self.assertEqual((slot1.remaining, slot2.remaining), (1, 1))
            order1._fm_cc_set_slot(slot1)
            env1.cr.commit()
            refused = self._refusal(env2, lambda: order2._fm_cc_set_slot(slot2))
            self.assertTrue(refused, "the second hold must fail")
        self._assert_one_place_taken(ids, booked=0)
        # Odoo retries the refused request: it now gets a clear message.
        with self.registry.cursor() as cr:
            env = self._env(cr)
            order2 = env["sale.order"].browse(ids["orders"][1])
            with self.assertRaisesRegex(UserError, "full"):
                order2._fm_cc_set_slot(order2.fm_cc_slot_id)

    def test_confirmation_racing_a_fresh_hold_for_the_last_place_fails(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            self.assertEqual(order2.fm_cc_slot_id.remaining, 1)
            order1._fm_cc_set_slot(order1.fm_cc_slot_id)
            env1.cr.commit()
            refused = self._refusal(env2, order2._fm_cc_book_slot)
            self.assertTrue(refused, "the confirmation must not take the held place")
        self._assert_one_place_taken(ids, booked=0)

    def _assert_one_place_taken(self, ids, booked):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            slot = env["fm.click_collect.slot"].browse(ids["slot"])
            self.assertEqual((slot.booked_count, slot.held_count), (booked, 1 - booked))
            orders = env["sale.order"].browse(ids["orders"])
            self.assertEqual([bool(o.fm_cc_hold_until) for o in orders], [True, False])

    def test_database_refuses_more_bookings_than_capacity(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        slot = self.env["fm.click_collect.slot"].browse(ids["slot"])
        with (
            self.assertRaises(psycopg2.errors.CheckViolation),
            mute_logger("odoo.sql_db"),
        ):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE fm_click_collect_slot"
                    " SET booked_count = capacity + 1 WHERE id = %s",
                    [slot.id],
                )
