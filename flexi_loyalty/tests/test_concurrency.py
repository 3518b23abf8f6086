from odoo.tests import tagged

from .common import FlexiLoyaltyCommon, TwoTransactionsMixin


@tagged("post_install", "-at_install")
class TestConcurrency(TwoTransactionsMixin, FlexiLoyaltyCommon):
    """Two redemptions of the same points in two real transactions."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create(
                {
                    "name": "Concurrent Customer",
                    "email": "concurrent@example.com",
                    "country_id": env.ref("base.dz").id,
                }
            )
            program = env["flexi.loyalty.program"].create(
                {"name": "Concurrency", "otp_required": False}
            )
            reward = env["flexi.loyalty.reward"].create(
                {
                    "name": "100 DA",
                    "program_id": program.id,
                    "points_cost": 100,
                    "credit_amount": 100.0,
                }
            )
            member = env["flexi.loyalty.subscription"].create(
                {"partner_id": partner.id, "program_id": program.id}
            )
            member._flexi_adjust(150, "Opening balance", move_type="bonus")
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [
                            (
                                0,
                                0,
                                {
                                    "product_id": reward.reward_product_id.id,
                                    "name": "Meal",
                                    "price_unit": 500.0,
                                },
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            ids = {
                "partner": partner.id,
                "program": program.id,
                "reward": reward.id,
                "product": reward.reward_product_id.id,
                "member": member.id,
                "orders": orders.ids,
            }
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # The ledger is append-only through the ORM; test data goes by SQL.
            cr.execute(
                "DELETE FROM flexi_loyalty_ledger_line WHERE subscription_id = %s",
                [ids["member"]],
            )
            env["sale.order"].browse(ids["orders"]).unlink()
            env["flexi.loyalty.subscription"].browse(ids["member"]).unlink()
            env["flexi.loyalty.reward"].browse(ids["reward"]).unlink()
            env["product.product"].browse(ids["product"]).unlink()
            env["flexi.loyalty.program"].browse(ids["program"]).unlink()
            env["res.partner"].browse(ids["partner"]).unlink()

    def test_two_redemptions_at_once_leave_one_and_no_negative_balance(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            subs = []
            for env in (env1, env2):
                sub = env["flexi.loyalty.subscription"].browse(ids["member"])
                # Both transactions see 150 points before either spends.
                self.assertEqual(sub.points_balance, 150)
                subs.append(sub)
            order1 = env1["sale.order"].browse(ids["orders"][0])
            order2 = env2["sale.order"].browse(ids["orders"][1])
            reward1 = env1["flexi.loyalty.reward"].browse(ids["reward"])
            reward2 = env2["flexi.loyalty.reward"].browse(ids["reward"])
            order1._flexi_loyalty_redeem(subs[0], reward1)
            env1.cr.commit()
            refused = self._refusal(
                env2, lambda: order2._flexi_loyalty_redeem(subs[1], reward2)
            )
            self.assertTrue(refused, "the second redemption must fail")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            sub = env["flexi.loyalty.subscription"].browse(ids["member"])
            lines = env["flexi.loyalty.ledger.line"].search(
                [("subscription_id", "=", sub.id)]
            )
            self.assertEqual(sub.points_balance, 50)
            self.assertEqual(sum(lines.mapped("points")), 50)
            self.assertEqual(
                len(lines.filtered(lambda ln: ln.move_type == "redeem")), 1
            )
            reward_lines = env["sale.order.line"].search(
                [
                    ("order_id", "in", ids["orders"]),
                    ("flexi_loyalty_reward_id", "!=", False),
                ]
            )
            self.assertEqual(reward_lines.order_id.ids, ids["orders"][:1])
