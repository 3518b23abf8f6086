import re
from unittest.mock import patch

from freezegun import freeze_time

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


@tagged("post_install", "-at_install")
class TestConcurrentAttacks(TwoTransactionsMixin, FlexiLoyaltyCommon):
    """Replays and guesses racing each other, in real transactions."""

    def _setup_committed(self):
        ids = TestConcurrency._setup_committed(self)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            member = env["flexi.loyalty.subscription"].browse(ids["member"])
            member.phone = "0550 99 88 77"
            reward = env["flexi.loyalty.reward"].browse(ids["reward"])
            order = env["sale.order"].browse(ids["orders"][0])
            otp = env["flexi.loyalty.otp"]._flexi_request(member, reward, order)
            sms = env["sms.sms"].search([("partner_id", "=", ids["partner"])])
            ids["otp"] = otp.id
            ids["code"] = re.search(r"\b(\d{6})\b", sms[-1:].body).group(1)
        return ids

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["sms.sms"].search([("partner_id", "=", ids["partner"])]).unlink()
        TestConcurrency._cleanup(self, ids)

    def _wrong(self, ids):
        return f"{(int(ids['code']) + 1) % 1000000:06d}"

    def _args(self, env, ids):
        return (
            env["flexi.loyalty.reward"].browse(ids["reward"]),
            env["sale.order"].browse(ids["orders"][0]),
        )

    def test_attack_wrong_code_while_the_right_one_is_used(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            otp1 = env1["flexi.loyalty.otp"].browse(ids["otp"])
            otp2 = env2["flexi.loyalty.otp"].browse(ids["otp"])
            # Both requests read the code while it is still pending.
            self.assertEqual(otp1.state, "pending")
            self.assertEqual(otp2.state, "pending")
            otp1._flexi_verify(ids["code"], *self._args(env1, ids))
            env1.cr.commit()
            result = otp2._flexi_check_code(self._wrong(ids), *self._args(env2, ids))
            self.assertEqual(result, "invalid")
            env2.cr.commit()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            otp = env["flexi.loyalty.otp"].browse(ids["otp"])
            self.assertEqual(otp.state, "used")
            self.assertEqual(otp.attempts, 1)
            # Used once: the right code opens nothing more.
            again = otp._flexi_check_code(ids["code"], *self._args(env, ids))
            self.assertEqual(again, "invalid")

    def test_attack_parallel_wrong_guesses_all_count(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        cursors = [self.registry.cursor() for _i in range(8)]
        try:
            envs = [self._env(cr) for cr in cursors]
            otps = [env["flexi.loyalty.otp"].browse(ids["otp"]) for env in envs]
            # Every guesser starts from the same picture: 0 attempts.
            self.assertEqual({otp.attempts for otp in otps}, {0})
            for env, otp in zip(envs, otps, strict=True):
                otp._flexi_check_code(self._wrong(ids), *self._args(env, ids))
                env.cr.commit()
        finally:
            for cr in cursors:
                cr.close()
        with self.registry.cursor() as cr:
            otp = self._env(cr)["flexi.loyalty.otp"].browse(ids["otp"])
            self.assertEqual(otp.attempts, 8)
            self.assertEqual(otp.state, "locked")

    def test_attack_same_redemption_submitted_twice_at_once(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            calls = []
            for env in (env1, env2):
                member = env["flexi.loyalty.subscription"].browse(ids["member"])
                member.program_id.invalidate_recordset()
                reward, order = self._args(env, ids)
                self.assertFalse(order.order_line.filtered("flexi_loyalty_reward_id"))
                calls.append(
                    lambda o=order, m=member, r=reward: o._flexi_loyalty_redeem(m, r)
                )
            calls[0]()
            env1.cr.commit()
            self.assertTrue(self._refusal(env2, calls[1]))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            order = env["sale.order"].browse(ids["orders"][0])
            self.assertEqual(
                len(order.order_line.filtered("flexi_loyalty_reward_id")), 1
            )
            redeemed = env["flexi.loyalty.ledger.line"].search(
                [("subscription_id", "=", ids["member"]), ("move_type", "=", "redeem")]
            )
            self.assertEqual(len(redeemed), 1)
            self.assertEqual(order.amount_total, 400.0)


@tagged("post_install", "-at_install")
class TestExpiryCronConcurrency(TwoTransactionsMixin, FlexiLoyaltyCommon):
    """The nightly expiry while the shop is open, in real transactions."""

    def _setup_committed(self):
        with self.registry.cursor() as cr, freeze_time("2024-01-10"):
            env = self._env(cr)
            program = env["flexi.loyalty.program"].create(
                {"name": "Expiry race", "otp_required": False, "validity_months": 18}
            )
            partners = env["res.partner"].create(
                [
                    {"name": "Amina", "email": "amina@example.com"},
                    {"name": "Karim", "email": "karim@example.com"},
                ]
            )
            members = env["flexi.loyalty.subscription"].create(
                [{"partner_id": p.id, "program_id": program.id} for p in partners]
            )
            for member in members:
                # Valid until 2025-07-10.
                member._flexi_adjust(150, "Opening balance", move_type="bonus")
            return {
                "program": program.id,
                "partners": partners.ids,
                "members": members.ids,
            }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            cr.execute(
                "DELETE FROM flexi_loyalty_ledger_line WHERE subscription_id IN %s",
                [tuple(ids["members"])],
            )
            env["flexi.loyalty.subscription"].browse(ids["members"]).unlink()
            env["flexi.loyalty.program"].browse(ids["program"]).unlink()
            env["res.partner"].browse(ids["partners"]).unlink()

    def _run_cron(self, env, during_run=None):
        """One run of the expiry cron as the scheduler starts it; returns
        (lines posted, members left for the next run)."""
        Line = type(env["flexi.loyalty.ledger.line"])
        read_due = Line._flexi_expiry_due

        shop_worked = []

        def read_then_let_the_shop_work(line_model, today, subscription_ids=None):
            due = read_due(line_model, today, subscription_ids)
            if during_run and not shop_worked:
                shop_worked.append(during_run())
            return due

        cron = env.ref("flexi_loyalty.flexi_loyalty_cron_expire")
        progress = env["ir.cron.progress"].create(
            {"cron_id": cron.id, "done": 0, "remaining": 0}
        )
        with (
            freeze_time("2026-01-01"),
            patch.object(Line, "_flexi_expire_chunk", 1),
            patch.object(Line, "_flexi_expiry_due", read_then_let_the_shop_work),
        ):
            posted = (
                env["flexi.loyalty.ledger.line"]
                .with_context(ir_cron_progress_id=progress.id)
                ._cron_flexi_loyalty_expire()
            )
        env.cr.commit()
        return posted, progress.remaining

    def test_points_moved_during_the_run_expire_at_the_next_run(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        amina, karim = ids["members"]

        def amina_earns_at_the_till():
            with self.registry.cursor() as cr, freeze_time("2026-01-01"):
                member = self._env(cr)["flexi.loyalty.subscription"].browse(amina)
                member._flexi_adjust(10, "Birthday", move_type="bonus")

        with self._two_transactions() as (env1, _env2):
            posted, left = self._run_cron(env1, during_run=amina_earns_at_the_till)
            # Karim's points expired; Amina's moved under the run: left for
            # the next run, the scheduler told one member remains.
            self.assertEqual((posted, left), (1, 1))
            posted, left = self._run_cron(env1)
            self.assertEqual((posted, left), (1, 0))
            # A third run finds nothing: every expiry was posted once.
            self.assertEqual(self._run_cron(env1), (0, 0))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            for member_id, balance in ((amina, 10), (karim, 0)):
                member = env["flexi.loyalty.subscription"].browse(member_id)
                lines = env["flexi.loyalty.ledger.line"].search(
                    [("subscription_id", "=", member_id)]
                )
                self.assertEqual(member.points_balance, balance)
                self.assertEqual(sum(lines.mapped("points")), balance)
                expired = lines.filtered(lambda ln: ln.move_type == "expire")
                self.assertEqual(expired.mapped("points"), [-150])
