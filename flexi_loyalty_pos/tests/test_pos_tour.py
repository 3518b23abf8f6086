from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosTour(FlexiLoyaltyPosCommon):
    def test_find_member_redeem_with_code_pay_and_print_points(self):
        """Cashier: phone → member → reward → SMS code → pay → receipt."""
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with self._known_code(), self.mockSMSGateway():
            self.start_pos_tour("flexi_loyalty_pos_redeem_tour")
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.flexi_loyalty_points_used, 100)
        self.assertEqual(order.flexi_loyalty_points_earned, 20)
        self.assertEqual(self._balance(), 220)
