from odoo import Command
from odoo.tests import tagged

from .common import FmAntiwastePosCommon


@tagged("post_install", "-at_install")
class TestPosTour(FmAntiwastePosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No lot asked at the till: the lots are picked when the stock moves.
        cls.main_pos_config.picking_type_id.write(
            {"use_create_lots": False, "use_existing_lots": False}
        )
        cls._fm_lot(cls.salad, 1)
        cls.markdown = cls._fm_markdowns()
        cls.basket = cls._fm_basket(cls.cake, 1, price=200.0)
        cls.basket.product_id.write(
            {"name": "Panier Surprise", "taxes_id": [Command.clear()]}
        )

    def test_capped_markdown_and_basket_sold_once_at_the_till(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("fm_antiwaste_pos_tour")
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(len(order), 1)
        salad_line = order.lines.filtered(lambda ln: ln.product_id == self.salad)
        # (1 x 70 + 2 x 100) / 3 = 90
        self.assertEqual(salad_line.qty, 3)
        self.assertEqual(salad_line.price_unit, 90.0)
        self.assertEqual(salad_line.fm_antiwaste_qty, 1.0)
        self.assertEqual(self.basket.state, "sold")
        self.assertEqual(self.basket.pos_order_line_id.order_id, order)
