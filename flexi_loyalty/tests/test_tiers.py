from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestTiers(FlexiLoyaltyCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The customer's example: "Or" members (more than 50 orders) get -5%.
        cls.gold = cls.env["flexi.loyalty.tier"].create(
            {
                "name": "Or",
                "program_id": cls.program.id,
                "basis": "orders",
                "threshold": 51,
                "period": "lifetime",
                "discount_percent": 5.0,
                "sequence": 20,
            }
        )

    def _tier_messages(self):
        return self.member.message_ids.filtered(lambda m: "Tier " in (m.body or ""))

    def test_51st_order_upgrades_to_gold(self):
        self._confirmed_orders(49, "2025-03-01 10:00:00")
        self._order([(self.dish, 1)]).action_confirm()  # the 50th
        self.assertFalse(self.member.tier_id)
        with self.mockSMSGateway():
            self._order([(self.dish, 1)]).action_confirm()  # the 51st
        self.assertEqual(self.member.tier_id, self.gold)
        self.assertIn("Tier upgraded", self._tier_messages()[:1].body)
        self.assertSMSOutgoing(
            self.customer, "+213550123456", content="your loyalty tier is now Or"
        )

    def test_rolling_tier_ignores_orders_older_than_12_months(self):
        self.gold.period = "rolling_12"
        self._confirmed_orders(30, "2025-04-01 10:00:00")
        self._confirmed_orders(21, "2026-03-01 10:00:00")
        with freeze_time("2026-06-15"):
            self.member._flexi_requalify()
        self.assertFalse(self.member.tier_id)

    def test_lifetime_tier_counts_every_order(self):
        self._confirmed_orders(30, "2025-04-01 10:00:00")
        self._confirmed_orders(21, "2026-03-01 10:00:00")
        with freeze_time("2026-06-15"):
            self.member._flexi_requalify()
        self.assertEqual(self.member.tier_id, self.gold)

    def test_nightly_run_downgrades_when_orders_leave_the_window(self):
        self.gold.period = "rolling_12"
        self._confirmed_orders(51, "2025-06-01 10:00:00")
        with freeze_time("2026-05-01"):
            self.env["flexi.loyalty.subscription"]._cron_flexi_loyalty_requalify()
        self.assertEqual(self.member.tier_id, self.gold)
        with freeze_time("2026-06-10"), self.mockSMSGateway():
            self.env["flexi.loyalty.subscription"]._cron_flexi_loyalty_requalify()
        self.assertFalse(self.member.tier_id)
        self.assertIn("Tier downgraded", self._tier_messages()[:1].body)
        self.assertSMSOutgoing(
            self.customer,
            "+213550123456",
            content="your loyalty tier is now -. Discount on every order: 0%.",
        )

    def test_amount_tier_uses_program_base(self):
        silver = self.env["flexi.loyalty.tier"].create(
            {
                "name": "Argent",
                "program_id": self.program.id,
                "basis": "amount",
                "threshold": 2000,
                "sequence": 10,
            }
        )
        self._order([(self.dish, 1)]).action_confirm()  # 1000 HT, 1190 TTC
        self.assertFalse(self.member.tier_id)
        self._order([(self.dish, 1)]).action_confirm()  # 2000 HT in all
        self.assertEqual(self.member.tier_id, silver)

    def test_gold_member_gets_discount_line_per_tax(self):
        self._set_tier(self.member, self.gold)
        order = self._order([(self.dish, 2), (self.drink, 3)])  # 2000 taxed, 450 not
        discounts = order.order_line.filtered("flexi_loyalty_is_tier_discount")
        self.assertEqual(len(discounts), 2)
        taxed = discounts.filtered("tax_id")
        self.assertEqual(taxed.tax_id, self.tax_19)
        self.assertAlmostEqual(taxed.price_subtotal, -100.0)
        self.assertAlmostEqual((discounts - taxed).price_subtotal, -22.5)
        self.assertAlmostEqual(order.amount_untaxed, 2450 - 122.5)
        self.assertAlmostEqual(order.amount_tax, (2000 - 100) * 0.19)

    def test_discount_line_follows_order_changes(self):
        self._set_tier(self.member, self.gold)
        order = self._order([(self.dish, 2)])
        dish_line = order.order_line.filtered(lambda ln: ln.product_id == self.dish)
        order.write(
            {"order_line": [Command.update(dish_line.id, {"product_uom_qty": 4})]}
        )
        discount = order.order_line.filtered("flexi_loyalty_is_tier_discount")
        self.assertAlmostEqual(discount.price_subtotal, -200.0)
        order.write({"order_line": [Command.unlink(dish_line.id)]})
        self.assertFalse(order.order_line)

    def test_discount_line_earns_no_points(self):
        self._set_tier(self.member, self.gold)
        order = self._order([(self.dish, 2), (self.drink, 3)])
        data = order._flexi_loyalty_line_data(self.program)
        goods = [d["product"] for d in data if not d["deduction"]]
        self.assertEqual(goods, [self.dish, self.drink])
        # The discount lowers what the customer pays, so what they earn on:
        # 2,450 - 5 % = 2,327.50 before tax → 23 points (not 24).
        self.assertEqual(len([d for d in data if d["deduction"]]), 2)
        order.action_confirm()
        self.assertEqual(self._lines(move_type="earn").points, 23)
        self.assertAlmostEqual(self._lines(move_type="earn").base_amount, 2327.5)

    def test_no_discount_line_for_non_members(self):
        stranger = self.env["res.partner"].create({"name": "Karim"})
        order = self._order([(self.dish, 2)], partner=stranger)
        self.assertFalse(order.order_line.filtered("flexi_loyalty_is_tier_discount"))
        self.assertAlmostEqual(order.amount_untaxed, 2000.0)

    def test_confirmed_order_keeps_its_discount(self):
        self._set_tier(self.member, self.gold)
        order = self._order([(self.dish, 2)])
        order.action_confirm()
        self._set_tier(self.member, False)
        dish_line = order.order_line.filtered(lambda ln: ln.product_id == self.dish)
        order.write(
            {"order_line": [Command.update(dish_line.id, {"name": "Couscous"})]}
        )
        discount = order.order_line.filtered("flexi_loyalty_is_tier_discount")
        self.assertAlmostEqual(discount.price_subtotal, -100.0)
