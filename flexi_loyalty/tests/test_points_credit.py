"""Credit per point on quotations: the member chooses how many points to use.

The shop's reward: 10 DA per point, from 50 points, in steps of 10. The
quotation is 1000 DA + 19 % (1190) and 150 DA without tax: 1340 DA to pay.
"""

import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.sms.tests.common import MockSMS, SMSCase

from .common import FlexiLoyaltyCommon, TwoTransactionsMixin


class PointsCreditCommon(FlexiLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._give(500)
        cls.per_point = cls._points_credit()
        cls.order = cls._order([(cls.dish, 1), (cls.drink, 1)])

    @classmethod
    def _points_credit(cls, minimum=50, step=10, per_point=10.0, **vals):
        return cls.env["flexi.loyalty.reward"].create(
            {
                "name": "Points en DA",
                "program_id": cls.program.id,
                "reward_type": "points_credit",
                "points_cost": minimum,
                "points_step": step,
                "credit_per_point": per_point,
                **vals,
            }
        )

    def _reward_lines(self, order=None):
        return (order or self.order).order_line.filtered("flexi_loyalty_reward_id")


@tagged("post_install", "-at_install")
class TestPointsCredit(PointsCreditCommon):
    """The choice, its boundaries and what happens to the points after."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.otp_required = False

    def _redeem(self, points, order=None, reward=None):
        return (order or self.order)._flexi_loyalty_redeem(
            self.member, reward or self.per_point, points=points
        )

    def assertNothingMoved(self, order=None):
        self.assertFalse(self._lines(move_type="redeem"))
        self.assertEqual(self.member.points_balance, 500)
        self.assertFalse(self._reward_lines(order))

    def test_exactly_the_minimum_is_spent_and_credited(self):
        ledger = self._redeem(50)
        self.assertEqual(ledger.points, -50)
        self.assertEqual(ledger.reward_id, self.per_point)
        self.assertAlmostEqual(self.order.amount_total, 840.0)
        self.assertEqual(self.member.points_balance, 450)
        self.assertIn("50 points", self._reward_lines()[0].name)
        self.assertBalanceIsLedger()

    def test_chosen_points_are_split_per_tax_group(self):
        ledger = self._redeem(80)
        lines = self._reward_lines()
        self.assertEqual(len(lines), 2)
        self.assertEqual(lines.flexi_loyalty_ledger_line_id, ledger)
        self.assertEqual(lines.product_id, self.per_point.reward_product_id)
        self.assertAlmostEqual(sum(lines.mapped("price_total")), -800.0)
        self.assertAlmostEqual(self.order.amount_total, 540.0)
        self.assertEqual(self.member.points_balance, 420)

    def test_text_from_a_form_is_read_as_a_number(self):
        self.assertEqual(self._redeem(" 60 ").points, -60)

    def test_a_step_not_reached_is_refused_with_the_choices_around_it(self):
        with self.assertRaisesRegex(UserError, "choose 50 or 60 points, not 55"):
            self._redeem(55)
        self.assertNothingMoved()

    def test_one_point_under_the_minimum_zero_and_negative_are_refused(self):
        for points in (49, 0, -50):
            with self.assertRaisesRegex(UserError, "at least 50 points"):
                self._redeem(points)
        self.assertNothingMoved()

    def test_what_is_no_whole_number_is_refused(self):
        for points in ("abc", "60.5", 60.5, [60], True):
            with self.assertRaisesRegex(UserError, "whole number of points"):
                self._redeem(points)
        with self.assertRaisesRegex(UserError, "Say how many points"):
            self._redeem(None)
        self.assertNothingMoved()

    def test_all_the_balance_is_allowed_one_step_more_is_refused(self):
        order = self._order([(self.dish, 5)])
        with self.assertRaisesRegex(UserError, "can spend 500 points, 510 asked"):
            self._redeem(510, order=order)
        self.assertNothingMoved(order)
        self._redeem(500, order=order)
        self.assertEqual(self.member.points_balance, 0)
        self.assertAlmostEqual(order.amount_total, 5950.0 - 5000.0)

    def test_credit_above_what_is_left_to_pay_says_the_most_allowed(self):
        # 140 points are 1400 DA on 1340 DA: 130 points at most.
        with self.assertRaisesRegex(UserError, "use at most 130 points"):
            self._redeem(140)
        self.assertNothingMoved()
        self._redeem(130)
        self.assertAlmostEqual(self.order.amount_total, 40.0)

    def test_credit_equal_to_the_order_leaves_nothing_to_pay(self):
        order = self._order([(self.drink, 4)])  # 600 DA without tax
        self._redeem(60, order=order)
        self.assertAlmostEqual(order.amount_total, 0.0)
        self.assertEqual(self.member.points_balance, 440)

    def test_an_order_too_small_for_the_minimum_is_refused(self):
        order = self._order([(self.drink, 1)])  # 150 DA
        with self.assertRaisesRegex(UserError, "too small for Points en DA"):
            self._redeem(50, order=order)
        self.assertNothingMoved(order)

    def test_what_is_left_to_pay_counts_earlier_rewards(self):
        self._redeem(100, reward=self._reward("credit", 100, credit_amount=1000.0))
        # 340 DA left: 30 points at most, under the minimum.
        with self.assertRaisesRegex(UserError, "too small"):
            self._redeem(50)
        self.assertEqual(self.member.points_balance, 400)

    def test_a_fixed_reward_spends_its_cost_and_no_other_number(self):
        credit = self._reward("credit", 100)
        with self.assertRaisesRegex(UserError, "costs 100 points, no other number"):
            self._redeem(300, reward=credit)
        self.assertEqual(self._redeem(None, reward=credit).points, -100)

    def test_the_same_reward_twice_on_an_order_is_refused(self):
        self._redeem(50)
        with self.assertRaisesRegex(UserError, "already applied"):
            self._redeem(60)
        self.assertEqual(self.member.points_balance, 450)

    def test_removing_the_credit_gives_the_points_back_and_another_number_can_be_used(
        self,
    ):
        self._redeem(80)
        self._reward_lines().unlink()
        self.assertEqual(self.member.points_balance, 500)
        self._redeem(120)
        self.assertEqual(self.member.points_balance, 380)
        self.assertAlmostEqual(self.order.amount_total, 140.0)
        self.assertBalanceIsLedger()

    def test_cancel_gives_back_exactly_the_points_chosen(self):
        self._redeem(70)
        self.order.action_confirm()
        # The 640 DA left to pay earn their points.
        self.assertEqual(self.member.points_balance, 430 + 5)
        self.order._action_cancel()
        self.assertEqual(self.member.points_balance, 500)
        reversal = self._lines(move_type="reversal").filtered(lambda ln: ln.points > 0)
        self.assertEqual(reversal.points, 70)
        self.assertBalanceIsLedger()

    def test_confirmed_order_earns_on_what_is_left_to_pay(self):
        self._redeem(100)
        # Points are earned on what is left to pay (291 DA tax excluded).
        self.order.action_confirm()
        self.assertEqual(self.member.points_balance, 400 + 2)
        self.assertAlmostEqual(self.order.amount_total, 340.0)

    def test_the_credit_stays_when_goods_are_added(self):
        self._redeem(80)
        self.order.order_line = [(0, 0, {"product_id": self.dish.id})]
        self.assertAlmostEqual(sum(self._reward_lines().mapped("price_total")), -800.0)
        self.assertAlmostEqual(self.order.amount_total, 1730.0)

    def test_the_goods_cannot_shrink_below_the_credit(self):
        self._redeem(130)
        goods = self.order.order_line.filtered(lambda ln: ln.product_id == self.dish)
        with self.assertRaisesRegex(UserError, "worth more than"):
            goods.product_uom_qty = 0

    def test_update_prices_and_taxes_keep_the_points_chosen(self):
        self._redeem(80)
        self.order.action_update_prices()
        self.assertAlmostEqual(sum(self._reward_lines().mapped("price_total")), -800.0)
        exempt = self.env["account.tax"].create(
            {
                "name": "TVA 0% (export)",
                "amount": 0.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": self.company.id,
            }
        )
        self.order.fiscal_position_id = self.env["account.fiscal.position"].create(
            {
                "name": "Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_19.id, "tax_dest_id": exempt.id}
                    )
                ],
            }
        )
        self.order.action_update_taxes()
        # Goods now 1150 without tax: the 80 points still take 800 off.
        lines = self._reward_lines()
        self.assertAlmostEqual(sum(lines.mapped("price_total")), -800.0)
        self.assertAlmostEqual(self.order.amount_total, 350.0)
        self.assertTrue(all("80 points" in name for name in lines.mapped("name")))
        self.assertEqual(self.member.points_balance, 420)
        self.assertBalanceIsLedger()

    def test_a_credit_per_point_needs_an_amount_and_a_step(self):
        with self.assertRaisesRegex(ValidationError, "amount per point"):
            self._points_credit(per_point=0.0)
        with self.assertRaisesRegex(ValidationError, "steps of at least one"):
            self._points_credit(step=0)

    def test_the_rule_is_said_in_words(self):
        rule = self.per_point._flexi_points_rule()
        self.assertIn("per point, from 50 points, in steps of 10", rule)
        self.assertEqual(self.per_point._flexi_max_points(500, 1340.0), 130)
        self.assertEqual(self.per_point._flexi_max_points(45, 1340.0), 0)


@tagged("post_install", "-at_install")
class TestPointsCreditCode(PointsCreditCommon, SMSCase):
    """The staff's wizard: the code sent is bound to the points chosen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            "credit_salesman",
            groups="sales_team.group_sale_salesman",
            email="credit.salesman@example.com",
        )
        cls.manager = new_test_user(
            cls.env,
            "credit_loyalty_manager",
            groups="sales_team.group_sale_salesman_all_leads,"
            "flexi_loyalty.flexi_loyalty_group_manager",
        )
        cls.order.user_id = cls.salesman

    def _wizard(self, points=None, user=None):
        env = self.env(user=user or self.salesman)
        action = env["sale.order"].browse(self.order.id).action_flexi_loyalty_redeem()
        form = Form(env[action["res_model"]].with_context(action["context"]))
        form.reward_id = self.per_point
        if points is not None:
            form.points = points
        return form.save()

    def _send_code(self, wizard):
        with self.mockSMSGateway():
            wizard.action_send_code()
        return re.search(r"\b(\d{6})\b", self._new_sms[-1:].body).group(1)

    def test_wizard_offers_the_most_points_allowed_and_the_credit(self):
        wizard = self._wizard()
        self.assertTrue(wizard.chooses_points)
        self.assertEqual(wizard.points_max, 130)
        self.assertEqual(wizard.points, 130)
        self.assertAlmostEqual(wizard.points_credit, 1300.0)
        self.assertIn("in steps of 10", wizard.points_rule)

    def test_salesman_sends_a_code_for_80_points_and_applies_it(self):
        wizard = self._wizard(points=80)
        wizard.code = self._send_code(wizard)
        self.assertIn("80 points", self._new_sms.body)
        self.assertEqual(wizard.otp_id.points, 80)
        wizard.action_apply()
        self.assertEqual(self.member.points_balance, 420)
        self.assertAlmostEqual(self.order.amount_total, 540.0)
        self.assertEqual(wizard.otp_id.sudo().state, "used")

    def test_attack_code_sent_for_50_points_cannot_spend_500(self):
        order = self._order([(self.dish, 5)])
        order.user_id = self.salesman
        wizard = self.env(user=self.salesman)["flexi.loyalty.redeem.wizard"].create(
            {
                "order_id": order.id,
                "reward_id": self.per_point.id,
                "points": 50,
            }
        )
        code = self._send_code(wizard)
        # Over RPC, the points are raised after the code went out.
        wizard.write({"points": 500, "code": code})
        with self.assertRaisesRegex(UserError, "sent to spend 50 points, not 500"):
            wizard.action_apply()
        # Straight to the code check: the code does not match 500 points…
        otp = wizard.otp_id
        self.assertEqual(
            otp._flexi_check_code(code, self.per_point, order, points=500), "invalid"
        )
        # …and a code accepted for 50 points authorises 50, never 500.
        otp._flexi_verify(code, self.per_point, order, points=50)
        with self.assertRaisesRegex(UserError, "does not authorise"):
            order._flexi_loyalty_redeem(
                self.member, self.per_point, otp=otp, points=500
            )
        self.assertEqual(self.member.points_balance, 500)
        self.assertFalse(self._reward_lines(order))
        order._flexi_loyalty_redeem(self.member, self.per_point, otp=otp, points=50)
        self.assertEqual(self.member.points_balance, 450)

    def test_attack_replay_a_used_code_for_more_points(self):
        wizard = self._wizard(points=50)
        wizard.code = self._send_code(wizard)
        wizard.action_apply()
        self._reward_lines().unlink()
        self.assertEqual(self.member.points_balance, 500)
        for points in (50, 130):
            wizard.write({"points": points})
            with self.assertRaises(UserError):
                wizard.action_apply()
        with self.assertRaisesRegex(UserError, "does not authorise"):
            self.order._flexi_loyalty_redeem(
                self.member, self.per_point, otp=wizard.otp_id, points=130
            )
        self.assertEqual(self.member.points_balance, 500)
        self.assertFalse(self._reward_lines())

    def test_changing_the_points_in_the_wizard_forgets_the_code(self):
        wizard = self._wizard(points=50)
        self._send_code(wizard)
        with Form(wizard) as form:
            form.points = 60
            self.assertFalse(form.otp_id)

    def test_bad_choices_are_refused_before_any_code_goes_out(self):
        cases = [
            (-50, "at least 50 points"),
            (0, "at least 50 points"),
            (75, "choose 70 or 80 points"),
            (510, "can spend 500 points"),
            (140, "use at most 130 points"),
        ]
        for points, message in cases:
            wizard = self._wizard()
            wizard.write({"points": points})  # over RPC: no form checks
            with self.mockSMSGateway(), self.assertRaisesRegex(UserError, message):
                wizard.action_send_code()
            self.assertFalse(self._new_sms)
        self.assertFalse(
            self.env["flexi.loyalty.otp"].search(
                [("subscription_id", "=", self.member.id)]
            )
        )
        self.assertEqual(self.member.points_balance, 500)

    def test_salesman_cannot_spend_another_members_points(self):
        other = self.env["res.partner"].create(
            {"name": "Yacine", "email": "yacine@example.com"}
        )
        victim = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": other.id, "program_id": self.program.id}
        )
        self._give(1000, victim)
        wizard = self._wizard(points=50)
        wizard.write({"subscription_id": victim.id})
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "another"):
            wizard.action_send_code()
        self.assertEqual(victim.points_balance, 1000)

    def test_manager_override_spends_the_points_chosen(self):
        wizard = self._wizard(points=90, user=self.manager)
        wizard.override_reason = "Phone broken, ID checked"
        wizard.action_override()
        otp = self.env["flexi.loyalty.otp"].search([("channel", "=", "override")])
        self.assertEqual(otp.points, 90)
        self.assertEqual(self.member.points_balance, 410)
        self.assertAlmostEqual(self.order.amount_total, 440.0)


@tagged("post_install", "-at_install")
class TestPointsCreditTour(PointsCreditCommon, MockSMS):
    """The staff's wizard walked in Chromium by a salesperson."""

    def test_salesperson_uses_80_points_with_the_code(self):
        salesperson = new_test_user(
            self.env,
            "credit_tour_salesperson",
            groups="sales_team.group_sale_salesman",
        )
        self.order.user_id = salesperson
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value="424242",
            ),
            self.mockSMSGateway(),
        ):
            self.start_tour(
                f"/odoo/action-sale.action_quotations_with_onboarding/{self.order.id}",
                "flexi_loyalty_points_credit_tour",
                login=salesperson.login,
            )
        self.env.invalidate_all()
        self.assertIn("80 points", self._new_sms.body)
        self.assertEqual(self._reward_lines().flexi_loyalty_ledger_line_id.points, -80)
        self.assertAlmostEqual(self.order.amount_total, 540.0)
        self.assertEqual(self.member.points_balance, 420)


@tagged("post_install", "-at_install")
class TestPointsCreditConcurrency(TwoTransactionsMixin, FlexiLoyaltyCommon):
    """Two credits per point spending the same points at the same moment."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partner = env["res.partner"].create(
                {"name": "Racing Customer", "email": "racing@example.com"}
            )
            program = env["flexi.loyalty.program"].create(
                {"name": "Racing", "otp_required": False}
            )
            reward = env["flexi.loyalty.reward"].create(
                {
                    "name": "Per point",
                    "program_id": program.id,
                    "reward_type": "points_credit",
                    "points_cost": 50,
                    "points_step": 10,
                    "credit_per_point": 10.0,
                }
            )
            member = env["flexi.loyalty.subscription"].create(
                {"partner_id": partner.id, "program_id": program.id}
            )
            member._flexi_adjust(300, "Opening balance", move_type="bonus")
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
                                    "price_unit": 5000.0,
                                    "tax_id": [(5, 0, 0)],
                                },
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            return {
                "partner": partner.id,
                "program": program.id,
                "reward": reward.id,
                "product": reward.reward_product_id.id,
                "member": member.id,
                "orders": orders.ids,
            }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
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

    def test_two_choices_of_200_points_out_of_300_leave_one(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            calls = []
            for env, order_id in zip((env1, env2), ids["orders"], strict=True):
                member = env["flexi.loyalty.subscription"].browse(ids["member"])
                # Both transactions see 300 points before either spends.
                self.assertEqual(member.points_balance, 300)
                calls.append(
                    (
                        env["sale.order"].browse(order_id),
                        member,
                        env["flexi.loyalty.reward"].browse(ids["reward"]),
                    )
                )
            order1, member1, reward1 = calls[0]
            order1._flexi_loyalty_redeem(member1, reward1, points=200)
            env1.cr.commit()
            order2, member2, reward2 = calls[1]
            refused = self._refusal(
                env2,
                lambda: order2._flexi_loyalty_redeem(member2, reward2, points=200),
            )
            self.assertTrue(refused, "the second redemption must fail")
        with self.registry.cursor() as cr:
            env = self._env(cr)
            member = env["flexi.loyalty.subscription"].browse(ids["member"])
            self.assertEqual(member.points_balance, 100)
            redeemed = env["flexi.loyalty.ledger.line"].search(
                [("subscription_id", "=", member.id), ("move_type", "=", "redeem")]
            )
            self.assertEqual(redeemed.mapped("points"), [-200])
