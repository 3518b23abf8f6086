from odoo.tests import tagged

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLedger(FlexiLoyaltyCommon):
    def test_confirmation_earns_whole_points(self):
        order = self._order([(self.dish, 2), (self.drink, 3)])  # 2000 + 450 HT
        order.action_confirm()
        lines = self._lines()
        self.assertEqual(
            lines.mapped("points"), [24], lines.read(["points", "move_type"])
        )
        self.assertEqual(self.member.points_balance, 24)
        self.assertBalanceIsLedger()
