from odoo.tests import tagged

from .test_pos_antiwaste_points import FlexiLoyaltyAntiwastePosCommon


@tagged("post_install", "-at_install")
class TestPosAntiwasteTour(FlexiLoyaltyAntiwastePosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No lot asked at the till: the lots are picked when the stock moves.
        cls.main_pos_config.picking_type_id.write(
            {"use_create_lots": False, "use_existing_lots": False}
        )
        cls._fm_lot(cls.salad, 1)
        cls._fm_markdowns()

    def test_receipt_prints_doubled_points_and_meals_saved(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("flexi_loyalty_antiwaste_pos_tour")
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.partner_a)
        self.assertEqual(order.lines.fm_antiwaste_qty, 1.0)
        self.assertEqual(order.flexi_loyalty_points_earned, 14)
        self.assertEqual(order.flexi_antiwaste_meals_saved, 1)
        self.assertEqual(self._balance(), 14)
