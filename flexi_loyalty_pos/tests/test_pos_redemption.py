import copy

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosRedemption(FlexiLoyaltyPosCommon):
    def test_code_sent_by_sms_unlocks_the_reward_and_sync_spends_points(self):
        session = self._open_session().with_user(self.pos_user)
        lines = [self._line(self.couscous, 3)]
        with self._known_code(), self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                self.member.id, self.reward.id, lines
            )
        self.assertEqual(asked["channel"], "sms")
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("number", "=", "+213550123456")], order="id desc", limit=1)
        )
        self.assertIn(KNOWN_CODE, sms.body)
        line = session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        self.assertEqual(line["price_unit"], -500.0)
        self.assertTrue(line["token"])
        self.assertEqual(self._balance(), 200, "held as soon as accepted")
        order = self._sync(self._reward_order(session, line))
        self.assertEqual(order.amount_total, 2500.0)
        self.assertEqual(order.flexi_loyalty_points_used, 100)
        # Earned on the 2,500 paid, not on the 3,000 of goods.
        self.assertEqual(order.flexi_loyalty_points_earned, 25)
        self.assertEqual(self._balance(), 225)

    def test_wrong_code_is_refused_and_nothing_spent(self):
        session = self._open_session().with_user(self.pos_user)
        with self._known_code(), self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                self.member.id, self.reward.id, [self._line(self.couscous, 3)]
            )
        answer = session.flexi_loyalty_verify_code(asked["redemption_id"], "000000")
        self.assertEqual(answer, {"error": "This code is wrong or no longer valid."})
        redemption = self.env["flexi.loyalty.pos.redemption"].browse(
            asked["redemption_id"]
        )
        self.assertEqual(redemption.state, "draft")
        self.assertEqual(self._balance(), 300)

    def test_reward_above_balance_is_refused_before_any_code(self):
        big = self.env["flexi.loyalty.reward"].create(
            {
                "name": "Grand buffet",
                "program_id": self.program.id,
                "reward_type": "credit",
                "points_cost": 1000,
                "credit_amount": 900.0,
            }
        )
        session = self._open_session().with_user(self.pos_user)
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "Not enough"):
            session.flexi_loyalty_request_reward(
                self.member.id, big.id, [self._line(self.couscous, 3)]
            )
        self.assertFalse(
            self.env["flexi.loyalty.otp"].search(
                [("subscription_id", "=", self.member.id)]
            )
        )

    def test_reward_line_without_accepted_redemption_is_refused(self):
        session = self._open_session()
        product = self.reward.reward_product_id
        for extra in ({}, {"flexi_loyalty_token": "forged-token"}):
            vals = self._ui_order(
                session,
                [
                    self._line(self.couscous, 3),
                    self._line(product, 1, price_unit=-500.0, **extra),
                ],
                partner=self.customer,
            )
            with self.assertRaisesRegex(UserError, "no accepted redemption"):
                self._sync(vals)
        self.assertFalse(
            self.env["pos.order"].search([("session_id", "=", session.id)])
        )
        self.assertEqual(self._balance(), 300)

    def test_reward_line_enlarged_by_the_browser_is_refused(self):
        session = self._open_session()
        line = self._accepted_reward_line(session, [self._line(self.couscous, 3)])
        line["price_unit"] = -2000.0
        with self.assertRaisesRegex(UserError, "changed after it was accepted"):
            self._sync(self._reward_order(session, line))

    def test_token_spends_points_once_even_if_synced_twice(self):
        session = self._open_session()
        line = self._accepted_reward_line(session, [self._line(self.couscous, 3)])
        vals = self._reward_order(session, line)
        self._sync(copy.deepcopy(vals))
        self._sync(copy.deepcopy(vals))
        self.assertEqual(self._balance(), 225)
        other = self._reward_order(session, line)
        other["uuid"] = "another-order"
        with self.assertRaisesRegex(UserError, "already spent"):
            self._sync(other)

    def test_program_requiring_a_code_wins_over_the_till_setting(self):
        self.main_pos_config.flexi_loyalty_otp_required = False
        session = self._open_session().with_user(self.pos_user)
        with self._known_code(), self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                self.member.id, self.reward.id, [self._line(self.couscous, 3)]
            )
        self.assertNotIn("line", asked)
        self.program.otp_required = False
        with self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                self.member.id, self.reward.id, [self._line(self.couscous, 3)]
            )
        self.assertEqual(asked["line"]["price_unit"], -500.0)
