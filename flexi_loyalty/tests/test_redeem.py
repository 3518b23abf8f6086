from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRedeem(FlexiLoyaltyCommon):
    """Rewards on a quotation (codes are covered by test_otp)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.otp_required = False
        cls._give(500)
        # 1000 HT + 19% = 1190, plus 150 without tax: 1340 to pay.
        cls.order = cls._order([(cls.dish, 1), (cls.drink, 1)])

    def _redeem(self, reward, order=None):
        return (order or self.order)._flexi_loyalty_redeem(self.member, reward)

    def test_credit_splits_per_tax_group_and_keeps_taxes(self):
        reward = self._reward("credit", 100, credit_amount=670.0)
        ledger = self._redeem(reward)
        lines = self.order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertEqual(len(lines), 2)
        taxed = lines.filtered("tax_id")
        self.assertEqual(taxed.tax_id, self.tax_19)
        self.assertAlmostEqual(taxed.price_unit, -500.0)
        self.assertAlmostEqual((lines - taxed).price_unit, -75.0)
        self.assertAlmostEqual(self.order.amount_total, 670.0)
        self.assertAlmostEqual(self.order.amount_tax, 95.0)
        self.assertEqual(lines.flexi_loyalty_ledger_line_id, ledger)
        self.assertEqual(lines.product_id, reward.reward_product_id)
        self.assertEqual(ledger.points, -100)
        self.assertEqual(ledger.reward_id, reward)
        self.assertAlmostEqual(ledger.base_amount, 1340.0)
        self.assertEqual(
            (ledger.res_model, ledger.res_id), ("sale.order", self.order.id)
        )
        self.assertEqual(self.member.points_balance, 400)
        self.assertBalanceIsLedger()

    def test_credit_above_order_total_is_refused_and_nothing_moves(self):
        reward = self._reward("credit", 100, credit_amount=2000.0)
        with self.assertRaisesRegex(UserError, "more than the"):
            self._redeem(reward)
        self.assertFalse(self._lines(move_type="redeem"))
        self.assertEqual(self.member.points_balance, 500)
        self.assertFalse(self.order.order_line.filtered("flexi_loyalty_reward_id"))

    def test_percentage_discount_takes_percent_off_the_total(self):
        self._redeem(self._reward("discount", 200, discount_percent=10.0))
        self.assertAlmostEqual(self.order.amount_total, 1206.0)
        self.assertAlmostEqual(self.order.amount_tax, 171.0)
        self.assertEqual(self.member.points_balance, 300)

    def test_free_product_is_a_zero_price_line(self):
        self._redeem(self._reward("product", 50, product_id=self.dish.id))
        line = self.order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertEqual(line.product_id, self.dish)
        self.assertEqual(line.price_unit, 0.0)
        self.assertAlmostEqual(self.order.amount_total, 1340.0)
        self.assertEqual(self.member.points_balance, 450)

    def test_reward_product_is_created_as_a_non_earning_service(self):
        product = self._reward("credit").reward_product_id
        self.assertEqual(product.type, "service")
        self.assertFalse(product.sale_ok or product.purchase_ok)
        self.assertTrue(product.flexi_loyalty_no_earn)
        self.assertFalse(self._reward("product").reward_product_id)

    def test_more_than_the_balance_is_refused_and_nothing_written(self):
        reward = self._reward("credit", 600, credit_amount=100.0)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self._redeem(reward)
        self.assertFalse(self._lines(move_type="redeem"))
        self.assertFalse(self.order.order_line.filtered("flexi_loyalty_reward_id"))
        self.assertEqual(self.member.points_balance, 500)

    def test_negative_balance_cannot_redeem(self):
        self.env["flexi.loyalty.ledger.line"]._flexi_post(
            [
                {
                    "subscription_id": self.member.id,
                    "move_type": "reversal",
                    "points": -550,
                    "reason": "Refund after the points were spent",
                }
            ]
        )
        with self.assertRaisesRegex(UserError, "negative balance"):
            self._redeem(self._reward("credit", 10, credit_amount=10.0))
        self.assertEqual(self.member.points_balance, -50)

    def test_member_below_minimum_tier_cannot_pick_the_reward(self):
        gold = self.env["flexi.loyalty.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 10000}
        )
        reward = self._reward("credit", 100, min_tier_id=gold.id)
        with self.assertRaisesRegex(UserError, "Gold"):
            self._redeem(reward)
        wizard = self.env["flexi.loyalty.redeem.wizard"].create(
            {"order_id": self.order.id}
        )
        self.assertNotIn(reward, wizard.available_reward_ids)
        self.assertFalse(self._lines(move_type="redeem"))

    def test_wizard_lists_only_affordable_rewards_and_applies_one(self):
        cheap = self._reward("credit", 100)
        dear = self._reward("credit", 900)
        action = self.order.action_flexi_loyalty_redeem()
        form = Form(self.env[action["res_model"]].with_context(action["context"]))
        self.assertEqual(form.subscription_id, self.member)
        wizard = form.save()
        self.assertIn(cheap, wizard.available_reward_ids)
        self.assertNotIn(dear, wizard.available_reward_ids)
        wizard.reward_id = cheap
        wizard.action_apply()
        self.assertAlmostEqual(self.order.amount_total, 840.0)
        self.assertEqual(self.member.points_balance, 400)

    def test_confirmed_order_is_refused(self):
        self.order.action_confirm()
        with self.assertRaisesRegex(UserError, "quotations only"):
            self._redeem(self._reward("credit", 100))

    def test_cancel_gives_points_back_and_removes_reward_lines(self):
        reward = self._reward("credit", 100)
        self._redeem(reward)
        self.order.action_confirm()
        self.order._action_cancel()
        self.assertFalse(self.order.order_line.filtered("flexi_loyalty_reward_id"))
        self.member.invalidate_recordset()
        # 500 back to 500, plus nothing earned once cancelled.
        self.assertEqual(self.member.points_balance, 500)
        self.assertBalanceIsLedger()

    def test_removing_the_reward_line_gives_points_back(self):
        self._redeem(self._reward("credit", 100))
        self.order.write(
            {
                "order_line": [
                    Command.unlink(line.id)
                    for line in self.order.order_line.filtered(
                        "flexi_loyalty_reward_id"
                    )
                ]
            }
        )
        self.assertEqual(self.member.points_balance, 500)
        self.assertBalanceIsLedger()

    def test_salesman_duplicates_a_quotation_with_a_reward(self):
        """Odoo's "Duplicate": the goods come along, the reward does not (the
        copy spent no points) and the member's points do not move."""
        salesman = new_test_user(
            self.env,
            "dup_salesman",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        self._redeem(self._reward("credit", 100, credit_amount=200.0))
        balance = self.member.points_balance
        copy = self.order.with_user(salesman).copy()
        self.assertEqual(
            copy.order_line.product_id, self.dish | self.drink, "only the goods"
        )
        self.assertFalse(copy.order_line.filtered("flexi_loyalty_reward_id"))
        self.assertAlmostEqual(copy.amount_total, 1340.0)
        self.assertEqual(self.member.points_balance, balance)
        self.assertEqual(len(self.order.order_line), 4, "the original keeps its reward")
