from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import FmAntiwasteCommon


@tagged("post_install", "-at_install")
class TestExpiryReport(FmAntiwasteCommon):
    """Stock by expiry date with the best-before date and the sales pace.

    The report reads the database clock: dates are relative to now.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        now = fields.Datetime.now()
        cls.customers = cls.env.ref("stock.stock_location_customers")
        sold = cls._lot(cls.salad, now + timedelta(days=30), 78, name="SOLD")
        # 7 units 3 days ago, 21 ten days ago: 28 in 28 days, 1 a day.
        # The 50 of 40 days ago are out of the window.
        for qty, days_ago in ((7, 3), (21, 10), (50, 40)):
            cls._deliver(sold, qty, now - timedelta(days=days_ago))
        cls.soon = cls._lot(cls.salad, now + timedelta(days=2), 10, name="SOON")
        cls.soon.use_date = now + timedelta(days=1)
        cls.later = cls._lot(cls.salad, now + timedelta(days=40), 20, name="LATER")
        cls.slow = cls._product("Taboulé", 80.0)
        cls.slow_lot = cls._lot(cls.slow, now + timedelta(days=60), 5, name="SLOW")
        cls.env.flush_all()

    @classmethod
    def _deliver(cls, lot, qty, date):
        move = cls.env["stock.move"].create(
            {
                "name": "Sale",
                "product_id": lot.product_id.id,
                "product_uom": lot.product_id.uom_id.id,
                "product_uom_qty": qty,
                "location_id": cls.stock.id,
                "location_dest_id": cls.customers.id,
            }
        )
        move._action_confirm()
        move.move_line_ids.unlink()
        move.write(
            {
                "move_line_ids": [
                    Command.create(
                        {
                            "product_id": lot.product_id.id,
                            "product_uom_id": lot.product_id.uom_id.id,
                            "lot_id": lot.id,
                            "quantity": qty,
                            "location_id": cls.stock.id,
                            "location_dest_id": cls.customers.id,
                        }
                    )
                ],
                "picked": True,
            }
        )
        move._action_done()
        move.move_line_ids.date = date

    def _rows(self):
        return self.env["fm.antiwaste.expiry.report"].search(
            [("product_id", "in", (self.salad | self.slow).ids)]
        )

    def test_lots_show_expiry_best_before_and_sales_pace(self):
        rows = self._rows()
        soon = rows.filtered(lambda r: r.lot_id == self.soon)
        self.assertEqual(soon.expiration_date, self.soon.expiration_date)
        self.assertEqual(soon.use_date, self.soon.use_date)
        self.assertEqual(soon.quantity, 10)
        self.assertEqual(soon.sold_7d, 7)
        self.assertEqual(soon.sold_28d, 28)
        self.assertAlmostEqual(soon.daily_sales, 1.0)
        self.assertFalse(rows.filtered(lambda r: r.lot_id.name == "SOLD"), "sold out")

    def test_days_of_stock_count_the_lots_sold_before_in_fefo_order(self):
        rows = self._rows()
        soon = rows.filtered(lambda r: r.lot_id == self.soon)
        later = rows.filtered(lambda r: r.lot_id == self.later)
        # 10 units at 1 a day; the later lot waits for them: 30 days.
        self.assertAlmostEqual(soon.days_of_stock, 10.0)
        self.assertAlmostEqual(later.days_of_stock, 30.0)
        self.assertTrue(soon.at_risk, "10 days to sell, expires in 2")
        self.assertFalse(later.at_risk, "30 days to sell, expires in 40")

    def test_lots_at_risk_come_first_and_unsold_products_are_at_risk(self):
        rows = self._rows()
        slow = rows.filtered(lambda r: r.lot_id == self.slow_lot)
        self.assertEqual(slow.sold_28d, 0)
        self.assertFalse(slow.days_of_stock)
        self.assertTrue(slow.at_risk, "nothing sold in 28 days")
        self.assertEqual(rows.lot_id.mapped("name"), ["SOON", "SLOW", "LATER"])
