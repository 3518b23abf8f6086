import psycopg2.errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestSlotConcurrency(TransactionCase):
    """Two real transactions take the last place of a slot at once."""

    def _env(self, cr):
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

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
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            env1, env2 = self._env(cr1), self._env(cr2)
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            # Both see one free place before either books.
            self.assertEqual(order1.fm_cc_slot_id.remaining, 1)
            self.assertEqual(order2.fm_cc_slot_id.remaining, 1)
            order1._fm_cc_book_slot()
            cr1.commit()
            refused = None
            try:
                with mute_logger("odoo.sql_db"):
                    order2._fm_cc_book_slot()
            except (psycopg2.errors.SerializationFailure, UserError) as error:
                refused = error
            cr2.rollback()
            self.assertTrue(refused, "the second booking must fail")
        finally:
            cr1.close()
            cr2.close()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            slot = env["fm.click_collect.slot"].browse(ids["slot"])
            self.assertEqual(slot.booked_count, 1)
            self.assertEqual(
                env["sale.order"].browse(ids["orders"]).mapped("fm_cc_slot_booked"),
                [True, False],
            )

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
