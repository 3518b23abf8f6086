from odoo import Command, fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestReports(FlexiLoyaltyCommon):
    """Two member orders (one with a 300 DA reward) and one non-member order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.walk_in = cls.env["res.partner"].create({"name": "Walk-in Customer"})
        cls.credit_product = cls.env["product.product"].create(
            {"name": "Loyalty Credit", "type": "service", "taxes_id": [Command.clear()]}
        )
        cls.reward = cls.env["flexi.loyalty.reward"].create(
            {
                "name": "300 DA off",
                "program_id": cls.program.id,
                "reward_type": "credit",
                "credit_amount": 300.0,
                "points_cost": 20,
                "reward_product_id": cls.credit_product.id,
            }
        )
        cls.member_order_1 = cls._order([(cls.dish, 1)])
        cls.member_order_2 = cls._order([(cls.dish, 2)])
        # A reward line as the engine writes it.
        with cls.env["sale.order.line"]._flexi_trusted():
            cls.member_order_2.order_line = [
                Command.create(
                    {
                        "product_id": cls.credit_product.id,
                        "product_uom_qty": 1,
                        "price_unit": -300.0,
                        "flexi_loyalty_reward_id": cls.reward.id,
                    }
                )
            ]
        cls.walk_in_order = cls._order([(cls.drink, 4)], partner=cls.walk_in)
        cls.draft_order = cls._order([(cls.dish, 5)])
        cls.orders = cls.member_order_1 | cls.member_order_2 | cls.walk_in_order
        cls.orders.action_confirm()

    def _report(self, groupby, aggregates, domain=None):
        self.env.flush_all()
        return self.env["flexi.loyalty.report.sale"]._read_group(
            [("partner_id", "in", (self.customer | self.walk_in).ids)] + (domain or []),
            groupby,
            aggregates,
        )

    def test_revenue_orders_and_repeat_rate_split_by_membership(self):
        rows = {
            is_member: rest
            for is_member, *rest in self._report(
                ["is_member"],
                ["order_count:sum", "amount_untaxed:sum", "repeat_rate:avg"],
            )
        }
        # Members: 1000 + (2000 - 300 reward); the draft order is left out.
        self.assertEqual(rows[True], [2, 2700.0, 100.0])
        self.assertEqual(rows[False], [1, 600.0, 0.0])

    def test_cost_of_rewards_beside_member_revenue_per_month(self):
        month = fields.Date.today().replace(day=1)
        rows = self._report(
            ["date:month"],
            ["amount_untaxed:sum", "reward_cost:sum"],
            [("is_member", "=", True)],
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][0].date(), month)
        self.assertEqual(rows[0][1:], (2700.0, 300.0))

    def test_order_before_enrolment_counts_as_non_member(self):
        self.member_order_1.date_order = fields.Datetime.subtract(
            self.member.consent_date, days=1
        )
        rows = dict(
            self._report(["order_id"], ["__count"], [("is_member", "=", False)])
        )
        self.assertIn(self.member_order_1, rows)
        self.assertNotIn(self.member_order_2, rows)

    def test_report_hides_other_companies(self):
        other_company = self.env["res.company"].create({"name": "Other Shop"})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": other_company.id,
                "order_line": [Command.create({"product_id": self.drink.id})],
            }
        )
        order.action_confirm()
        self.env.flush_all()
        user = new_test_user(
            self.env,
            login="flexi.report",
            groups="flexi_loyalty.flexi_loyalty_group_user",
        )
        Report = self.env["flexi.loyalty.report.sale"]
        self.assertTrue(Report.search([("order_id", "=", order.id)]))
        self.assertFalse(Report.with_user(user).search([("order_id", "=", order.id)]))
        self.assertTrue(
            Report.with_user(user).search([("order_id", "=", self.member_order_1.id)])
        )

    def test_most_redeemed_rewards_counts_redemptions(self):
        self.member._flexi_debit(20, "redeem", "300 DA off", reward_id=self.reward.id)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flexi_loyalty.flexi_loyalty_ledger_line_action_report_reward"
        )
        rows = self.env["flexi.loyalty.ledger.line"]._read_group(
            safe_eval(action["domain"]), ["reward_id"], ["__count", "points:sum"]
        )
        self.assertEqual(rows, [(self.reward, 1, -20)])
