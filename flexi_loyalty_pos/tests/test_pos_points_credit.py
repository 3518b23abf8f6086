from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosPointsCredit(FlexiLoyaltyPosCommon):
    """At the till, the cashier chooses how many of Amina's 300 points to use
    on a credit of 10 per point, from 50 points, in steps of 10; the order is
    3 couscous at 1000 (no tax)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.per_point = cls.env["flexi.loyalty.reward"].create(
            {
                "name": "Points en DA",
                "program_id": cls.program.id,
                "reward_type": "points_credit",
                "points_cost": 50,
                "points_step": 10,
                "credit_per_point": 10.0,
            }
        )

    def _session(self):
        return self._open_session().with_user(self.pos_user)

    def _ask(self, session, points, lines=None):
        with self._known_code(), self.mockSMSGateway():
            return session.flexi_loyalty_request_reward(
                self.member.id,
                self.per_point.id,
                lines or [self._line(self.couscous, 3)],
                points,
            )

    def _otps(self):
        return self.env["flexi.loyalty.otp"].search(
            [("subscription_id", "=", self.member.id)]
        )

    def test_member_data_says_the_rule(self):
        session = self._session()
        data = session.flexi_loyalty_member_info(self.member.id)
        reward = next(r for r in data["rewards"] if r["id"] == self.per_point.id)
        self.assertTrue(reward["chooses_points"])
        self.assertIn("from 50 points, in steps of 10", reward["points_rule"])

    def test_the_choice_offered_is_capped_by_balance_and_order(self):
        session = self._session()
        member, reward = self.member.id, self.per_point.id
        choice = session.flexi_loyalty_points_choice(
            member, reward, [self._line(self.couscous, 3)]
        )
        self.assertEqual((choice["min"], choice["max"], choice["step"]), (50, 300, 10))
        # 1000 to pay: 100 points at most.
        choice = session.flexi_loyalty_points_choice(
            member, reward, [self._line(self.couscous, 1)]
        )
        self.assertEqual(choice["max"], 100)
        # 400 to pay: not even the minimum.
        choice = session.flexi_loyalty_points_choice(
            member, reward, [self._line(self.couscous, 1, price_unit=400.0)]
        )
        self.assertEqual(choice["max"], 0)
        with self.assertRaisesRegex(UserError, "fixed number of points"):
            session.flexi_loyalty_points_choice(member, self.reward.id, [])

    def test_cashier_uses_80_points_with_the_code_sent_for_80(self):
        session = self._session()
        asked = self._ask(session, 80)
        self.assertIn("80 points", self._new_sms.body)
        line = session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        self.assertEqual(line["price_unit"], -800.0)
        self.assertEqual(line["points"], 80)
        self.assertIn("80 points", line["name"])
        self.assertEqual(self._balance(), 220, "held as soon as accepted")
        order = self._sync(self._reward_order(session, line))
        self.assertEqual(order.amount_total, 2200.0)
        self.assertEqual(order.flexi_loyalty_points_used, 80)
        self.assertEqual(order.flexi_loyalty_points_earned, 22)
        self.assertEqual(self._balance(), 242)

    def test_attack_code_for_50_points_cannot_take_off_more(self):
        session = self._session()
        asked = self._ask(session, 50)
        redemption = self.env["flexi.loyalty.pos.redemption"].browse(
            asked["redemption_id"]
        )
        self.assertEqual(redemption.points, 50)
        self.assertEqual(redemption.otp_id.points, 50)
        # The code does not match another number of points…
        self.assertEqual(
            redemption.otp_id._flexi_check_code(
                KNOWN_CODE, self.per_point, redemption, points=300
            ),
            "invalid",
        )
        # …the cashier cannot rewrite the redemption…
        with self.assertRaises(Exception):  # noqa: B017 AccessError or UserError
            redemption.with_user(self.pos_user).write({"points": 300})
        line = session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        self.assertEqual(line["price_unit"], -500.0)
        # …nor take more off the order than the 50 points paid for.
        line["price_unit"] = -3000.0
        with self.assertRaisesRegex(UserError, "changed after it was accepted"):
            self._sync(self._reward_order(session, line))
        self.assertEqual(self._balance(), 250)

    def test_bad_choices_are_refused_before_any_code(self):
        session = self._session()
        cases = [
            ("abc", "whole number of points"),
            (12.5, "whole number of points"),
            (None, "Say how many points"),
            (-50, "at least 50 points"),
            (0, "at least 50 points"),
            (55, "choose 50 or 60 points, not 55"),
            (310, "can spend 300 points, 310 asked"),
        ]
        for points, message in cases:
            with self.assertRaisesRegex(UserError, message):
                self._ask(session, points)
            self.assertFalse(self._new_sms, points)
        with self.assertRaisesRegex(UserError, "use at most 100 points"):
            self._ask(session, 110, lines=[self._line(self.couscous, 1)])
        self.assertFalse(self._otps())
        self.assertFalse(self.env["flexi.loyalty.pos.redemption"].search([]))
        self.assertEqual(self._balance(), 300)

    def test_a_fixed_reward_at_the_till_spends_its_cost_only(self):
        session = self._session()
        with self.assertRaisesRegex(UserError, "costs 100 points, no other number"):
            with self.mockSMSGateway():
                session.flexi_loyalty_request_reward(
                    self.member.id, self.reward.id, [self._line(self.couscous, 3)], 10
                )

    def test_what_is_left_to_pay_counts_the_rewards_on_the_order(self):
        session = self._session()
        lines = [self._line(self.couscous, 1)]
        fixed = self._accepted_reward_line(session, lines)
        lines.append(
            self._line(
                self.env["product.product"].browse(fixed["product_id"]),
                1,
                price_unit=fixed["price_unit"],
                flexi_loyalty_token=fixed["token"],
            )
        )
        # 1000 - 500 left: 50 points at most.
        with self.assertRaisesRegex(UserError, "use at most 50 points"):
            self._ask(session, 60, lines=lines)
        self.assertTrue(self._ask(session, 50, lines=lines)["redemption_id"])

    def test_refund_gives_back_exactly_the_points_chosen(self):
        session = self._session()
        asked = self._ask(session, 120)
        line = session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        order = self._sync(self._reward_order(session, line))
        # 300 - 120 spent + 18 earned on the 1,800 paid.
        self.assertEqual(self._balance(), 198)
        self._sync(
            self._ui_order(
                session,
                [
                    self._line(
                        ln.product_id,
                        -ln.qty,
                        price_unit=ln.price_unit,
                        refunded_orderline_id=ln.id,
                    )
                    for ln in order.lines
                ],
                partner=self.customer,
            )
        )
        self.assertEqual(self._balance(), 300)

    def test_points_held_and_never_paid_come_back_at_closing(self):
        session = self._session()
        asked = self._ask(session, 70)
        session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        self.assertEqual(self._balance(), 230)
        self.env["flexi.loyalty.pos.redemption"].browse(
            asked["redemption_id"]
        )._flexi_release()
        self.assertEqual(self._balance(), 300)
