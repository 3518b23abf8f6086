from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import FmAntiwasteCommon

EVENING = datetime(2025, 5, 10, 17, 30)  # 18:30 in Algiers
CLOSING = datetime(2025, 5, 10, 20, 30)  # 21:30 in Algiers
EXPIRY = datetime(2025, 5, 10, 22, 0)


@tagged("post_install", "-at_install")
@freeze_time(EVENING)
class TestBaskets(FmAntiwasteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cake = cls._product("Tarte aux fraises", 500.0)
        cls.salad_lot = cls._lot(cls.salad, EXPIRY, 4)
        cls.cake_lot = cls._lot(cls.cake, EXPIRY, 2)
        cls.env["ir.config_parameter"].set_param(
            "fm_antiwaste.basket_target_value", 700
        )
        cls.env["ir.config_parameter"].set_param("fm_antiwaste.basket_price_ratio", 0.4)

    def _propose(self):
        Basket = self.env["fm.antiwaste.basket"]
        Basket._cron_fm_antiwaste_baskets(EVENING)
        return Basket.search([("company_id", "=", self.company.id)])

    def _on_shelf(self, lot):
        return sum(
            self.env["stock.quant"]
            .search(
                [("lot_id", "=", lot.id), ("location_id", "child_of", self.stock.id)]
            )
            .mapped("quantity")
        )

    def test_baskets_reserve_their_contents(self):
        baskets = self._propose()
        # 4 x 100 + 2 x 500 = 1400 of goods, one basket per 700
        self.assertEqual(len(baskets), 2)
        self.assertEqual(sum(baskets.mapped("value")), 1400.0)
        self.assertEqual(sorted(baskets.mapped("price")), [280.0, 280.0])
        self.assertEqual(self._on_shelf(self.salad_lot), 0, "moved out of WH/Stock")
        self.assertEqual(self._on_shelf(self.cake_lot), 0)
        self.assertTrue(all(baskets.product_id.mapped("is_published")))

    def test_cron_proposes_baskets_once_a_day(self):
        first = self._propose()
        self.assertEqual(self._propose(), first)

    def test_no_basket_before_the_basket_time(self):
        self.env["fm.antiwaste.basket"]._cron_fm_antiwaste_baskets(
            datetime(2025, 5, 10, 15, 0)
        )
        self.assertFalse(self.env["fm.antiwaste.basket"].search([]))

    def test_basket_contents_cannot_be_sold_again(self):
        self._propose()
        order = self._order(self.salad, 2)
        order.action_confirm()
        self.assertFalse(order.picking_ids.move_line_ids, "no salad left on the shelf")

    def test_basket_is_sold_once(self):
        basket = self._propose()[0]
        first = self._order(basket.product_id, 1)
        second = self._order(basket.product_id, 1)
        first.action_confirm()
        self.assertEqual(basket.state, "sold")
        self.assertEqual(basket.sale_line_id.order_id, first)
        with (
            self.assertRaisesRegex(UserError, "no longer available"),
            self.env.cr.savepoint(),
        ):
            second.action_confirm()
        self.env.invalidate_all()
        self.assertEqual(second.state, "draft")

    def test_unsold_baskets_are_dissolved_at_closing(self):
        baskets = self._propose()
        baskets[0].sale_line_id = False
        sold = self._order(baskets[0].product_id, 1)
        sold.action_confirm()
        self.env["fm.antiwaste.basket"]._cron_fm_antiwaste_baskets(CLOSING)
        self.assertEqual(baskets[0].state, "sold")
        self.assertEqual(baskets[1].state, "dissolved")
        back = sum(
            baskets[1]
            .line_ids.filtered(lambda ln: ln.lot_id == self.cake_lot)
            .mapped("quantity")
        )
        self.assertEqual(self._on_shelf(self.cake_lot), back)
        self.assertFalse(baskets[1].product_id.active)

    def test_basket_price_above_value_is_refused(self):
        basket = self._propose()[0]
        with (
            self.assertRaisesRegex(ValidationError, "more than"),
            self.env.cr.savepoint(),
        ):
            basket.price = basket.value + 1
