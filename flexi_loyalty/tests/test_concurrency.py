import psycopg2.errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestConcurrency(FlexiLoyaltyCommon):
    """Real transactions: the test's own data is invisible to other cursors,
    so this test commits its own data and removes it at the end."""

    def _env(self, cr):
        # Never wait forever on a row the test transaction might hold.
        cr.execute("SET lock_timeout = '10s'")
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

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
        cr1, cr2 = self.registry.cursor(), self.registry.cursor()
        try:
            env1, env2 = self._env(cr1), self._env(cr2)
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
            cr1.commit()
            refused = None
            try:
                # The refused FOR UPDATE is logged by the SQL layer; expected here.
                with mute_logger("odoo.sql_db"):
                    order2._flexi_loyalty_redeem(subs[1], reward2)
            except (psycopg2.errors.SerializationFailure, UserError) as error:
                refused = error
            cr2.rollback()
            self.assertTrue(refused, "the second redemption must fail")
        finally:
            cr1.close()
            cr2.close()
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
