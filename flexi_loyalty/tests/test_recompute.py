from odoo import Command
from odoo.tests import tagged

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestRecompute(FlexiLoyaltyCommon):
    """Rewards survive every price and tax recomputation Odoo does on a
    quotation: "Update prices", a new pricelist, a new fiscal position."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.otp_required = False
        cls._give(500)
        # 1000 HT + 19% = 1190, plus 150 without tax: 1340 to pay.
        cls.order = cls._order([(cls.dish, 1), (cls.drink, 1)])
        cls.credit = cls._reward("credit", 100, credit_amount=670.0)
        cls.percent = cls._reward("discount", 200, discount_percent=10.0)

    def _reward_lines(self):
        return self.order.order_line.filtered("flexi_loyalty_reward_id")

    def _redeem(self, reward):
        return self.order._flexi_loyalty_redeem(self.member, reward)

    def test_update_prices_keeps_a_credit_and_its_points(self):
        self._redeem(self.credit)
        before = sorted(self._reward_lines().mapped("price_unit"))
        self.order.action_update_prices()
        self.assertEqual(sorted(self._reward_lines().mapped("price_unit")), before)
        self.assertAlmostEqual(self.order.amount_total, 670.0)
        self.assertAlmostEqual(self.order.amount_tax, 95.0)
        self.assertEqual(self.member.points_balance, 400)
        self.assertBalanceIsLedger()

    def test_new_pricelist_then_update_prices_reprices_goods_not_rewards(self):
        self._redeem(self.credit)
        self._redeem(self.percent)
        # 10% off every product.
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Revendeurs",
                "currency_id": self.order.currency_id.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "3_global",
                            "compute_price": "percentage",
                            "percent_price": 10.0,
                        }
                    )
                ],
            }
        )
        self.order.pricelist_id = pricelist
        self.order.action_update_prices()
        goods = self.order.order_line - self._reward_lines()
        self.assertAlmostEqual(sum(goods.mapped("price_subtotal")), 900.0 + 135.0)
        # Goods 900 x 1.19 + 135 = 1206; the credit still 670; 10% of the
        # goods as they are now (the percentage follows them, the credit not).
        goods_total = 1071.0 + 135.0
        credit_lines = self._reward_lines().filtered(
            lambda ln: ln.flexi_loyalty_reward_id == self.credit
        )
        percent_lines = self._reward_lines() - credit_lines
        self.assertAlmostEqual(sum(credit_lines.mapped("price_total")), -670.0)
        self.assertAlmostEqual(sum(percent_lines.mapped("price_total")), -120.6)
        self.assertAlmostEqual(self.order.amount_total, goods_total - 670.0 - 120.6)
        self.assertEqual(self.member.points_balance, 200)
        self.assertBalanceIsLedger()

    def test_new_fiscal_position_keeps_the_credit_on_the_new_taxes(self):
        self._redeem(self.credit)
        exempt = self.env["account.tax"].create(
            {
                "name": "TVA 0% (export)",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        export = self.env["account.fiscal.position"].create(
            {
                "name": "Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_19.id, "tax_dest_id": exempt.id}
                    )
                ],
            }
        )
        self.order.fiscal_position_id = export
        self.order.action_update_taxes()
        dish_line = self.order.order_line.filtered(
            lambda ln: ln.product_id == self.dish
        )
        self.assertEqual(dish_line.tax_id, exempt)
        # Goods now 1000 + 150 without tax: the credit still takes 670 off.
        self.assertAlmostEqual(sum(self._reward_lines().mapped("price_total")), -670.0)
        self.assertAlmostEqual(self.order.amount_total, 480.0)
        self.assertAlmostEqual(self.order.amount_tax, 0.0)
        self.assertNotIn(self.tax_19, self._reward_lines().tax_id)
        self.assertEqual(self.member.points_balance, 400)
        self.assertBalanceIsLedger()
        # Back to the domestic position: the reward follows again, same points.
        self.order.fiscal_position_id = False
        self.order.action_update_taxes()
        self.assertAlmostEqual(self.order.amount_total, 670.0)
        self.assertAlmostEqual(self.order.amount_tax, 95.0)
        self.assertEqual(self.member.points_balance, 400)

    def test_update_taxes_without_change_keeps_the_rewards_as_they_are(self):
        self._redeem(self.credit)
        self._redeem(self.percent)
        lines = self._reward_lines()
        self.order.action_update_taxes()
        self.assertEqual(self._reward_lines(), lines)
        # 1340 - 670 - 10% of the goods (134) = 536.
        self.assertAlmostEqual(self.order.amount_total, 536.0)
        self.assertEqual(self.member.points_balance, 200)

    def test_confirm_after_update_prices_earns_on_what_is_paid(self):
        self._redeem(self.credit)
        self.order.action_update_prices()
        self.order.action_update_taxes()
        self.order.action_confirm()
        self.assertAlmostEqual(self.order.amount_total, 670.0)
        self.assertAlmostEqual(self.order.amount_untaxed, 575.0)
        # 100 DA HT = 1 point: 575 HT paid earns 5 points.
        self.assertEqual(self.member.points_balance, 405)
        self.assertBalanceIsLedger()
