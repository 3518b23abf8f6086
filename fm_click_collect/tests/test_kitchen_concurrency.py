from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from .common import TwoTransactionsMixin


@tagged("post_install", "-at_install")
class TestKitchenConcurrency(TwoTransactionsMixin, TransactionCase):
    """Two customers take the last kitchen minutes of a slot at once, in two
    real transactions: one of them gets them."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            calendar = env["resource.calendar"].create(
                {"name": "Kitchen race", "tz": "Africa/Algiers"}
            )
            partner = env["res.partner"].create({"name": "Kitchen race point"})
            # Orders are no limit here: 60 kitchen minutes are.
            point = env["fm.click_collect.point"].create(
                {
                    "name": "Kitchen race point",
                    "warehouse_id": warehouse.id,
                    "partner_id": partner.id,
                    "opening_hours_id": calendar.id,
                    "capacity": 10,
                    "capacity_type": "minutes",
                    "capacity_minutes": 60,
                    "lead_time": 0,
                    "booking_days": 7,
                }
            )
            slot = env["fm.click_collect.slot"].browse(
                point._fm_available_slots()[-1]["id"]
            )
            customer = env["res.partner"].create({"name": "Hungry customer"})
            couscous = env["product.product"].create(
                {"name": "Couscous royal", "list_price": 10, "fm_cc_prep_minutes": 20}
            )
            # Each cart takes 40 of the 60 minutes: both cannot have them.
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "fm_cc_point_id": point.id,
                        "fm_cc_slot_id": slot.id,
                        "order_line": [
                            Command.create(
                                {"product_id": couscous.id, "product_uom_qty": 2}
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            return {
                "point": point.id,
                "slot": slot.id,
                "orders": orders.ids,
                "partners": [partner.id, customer.id],
                "product": couscous.id,
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

    def _race(self, ids, take):
        """Both see 60 free minutes; the first takes 40 and commits, then
        the second tries; returns what refused the second."""
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            self.assertEqual(order1.fm_cc_slot_id.minutes_left, 60)
            self.assertEqual(order2.fm_cc_slot_id.minutes_left, 60)
            self.assertEqual(order2.fm_cc_prep_minutes, 40)
            take(order1)
            env1.cr.commit()
            return self._refusal(env2, lambda: take(order2))

    def _slot_minutes(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            slot = env["fm.click_collect.slot"].browse(ids["slot"])
            orders = env["sale.order"].browse(ids["orders"])
            return (
                slot.booked_minutes,
                slot.held_minutes,
                orders.mapped("fm_cc_slot_booked"),
            )

    def test_two_confirmations_for_the_last_kitchen_minutes_book_them_once(self):
        ids = self._setup_committed()
        refused = self._race(ids, lambda order: order._fm_cc_book_slot())
        self.assertTrue(refused, "the second booking must fail")
        self.assertEqual(self._slot_minutes(ids), (40, 0, [True, False]))

    def test_two_carts_holding_the_last_kitchen_minutes_hold_them_once(self):
        ids = self._setup_committed()
        refused = self._race(
            ids, lambda order: order._fm_cc_set_slot(order.fm_cc_slot_id)
        )
        self.assertTrue(refused, "the second hold must fail")
        self.assertEqual(self._slot_minutes(ids), (0, 40, [False, False]))
        # Odoo retries the refused request: it now gets a clear message.
        with self.registry.cursor() as cr:
            env = self._env(cr)
            order2 = env["sale.order"].browse(ids["orders"][1])
            with self.assertRaisesRegex(UserError, "kitchen has no time left"):
                order2._fm_cc_set_slot(order2.fm_cc_slot_id)
