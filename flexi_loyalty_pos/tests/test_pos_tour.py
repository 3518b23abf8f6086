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
        # Earned on the 1,500 paid, not on the 2,000 of goods.
        self.assertEqual(order.flexi_loyalty_points_earned, 15)
        self.assertEqual(self._balance(), 215)

    def test_cashier_chooses_the_points_of_a_credit_per_point(self):
        """Cashier: member → credit per point → 80 of the 200 proposed → code → pay.

        (Refused choices are tested without a browser: the server's refusal
        is a warning in the log.)
        """
        self.env["flexi.loyalty.reward"].create(
            {
                "name": "Points en DA",
                "program_id": self.program.id,
                "reward_type": "points_credit",
                "points_cost": 50,
                "points_step": 10,
                "credit_per_point": 10.0,
            }
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with self._known_code(), self.mockSMSGateway():
            self.start_pos_tour("flexi_loyalty_pos_points_credit_tour")
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.amount_total, 1200.0)
        self.assertEqual(order.flexi_loyalty_points_used, 80)
        # 300 - 80 spent + 12 earned on the 1,200 paid.
        self.assertEqual(self._balance(), 232)

    def test_offline_redemption_shows_message_and_sale_goes_on(self):
        """Loyalty calls fail (no server): the cashier reads why and still sells."""
        tier = self.env["flexi.loyalty.tier"].create(
            {
                "name": "Or",
                "program_id": self.program.id,
                "threshold": 0,
                "discount_percent": 5.0,
            }
        )
        self._set_tier(self.member, tier)
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("flexi_loyalty_pos_offline_tour")
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.amount_total, 1900.0)
        self.assertTrue(order.lines.flexi_loyalty_tier_discount)
        self.assertFalse(self.env["flexi.loyalty.pos.redemption"].search([]))
        self.assertEqual(order.flexi_loyalty_points_used, 0)
        self.assertEqual(order.flexi_loyalty_points_earned, 19)
        self.assertEqual(self._balance(), 319)
