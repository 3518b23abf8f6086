import copy
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosPointsHold(FlexiLoyaltyPosCommon):
    """Points are held when the till accepts a reward: a paid order is never
    refused for want of points, an unused reward gives them back once."""

    def _big_reward(self):
        return self.env["flexi.loyalty.reward"].create(
            {
                "name": "Grand buffet",
                "program_id": self.program.id,
                "reward_type": "credit",
                "points_cost": 250,
                "credit_amount": 900.0,
            }
        )

    def _redemption(self, line):
        return self.env["flexi.loyalty.pos.redemption"].browse(line["redemption_id"])

    def test_attack_points_promised_to_two_orders_cannot_block_the_paid_one(self):
        """Order A gets the 100-point reward; before it is paid the cashier
        asks a 250-point reward for order B on the same 300 points. A holds
        its points: B is refused there and then, A's paid order goes through."""
        session = self._open_session().with_user(self.pos_user)
        line = self._accepted_reward_line(session, [self._line(self.couscous, 3)])
        self.assertEqual(self._balance(), 200)
        with self.mockSMSGateway(), self.assertRaisesRegex(UserError, "Not enough"):
            session.flexi_loyalty_request_reward(
                self.member.id, self._big_reward().id, [self._line(self.couscous, 9)]
            )
        order = self._sync(self._reward_order(session, line), user=self.pos_user)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.flexi_loyalty_points_used, 100)
        self.assertEqual(self._balance(), 225)
        redemption = self._redemption(line)
        self.assertEqual(redemption.state, "used")
        self.assertEqual(redemption.pos_order_id, order)
        debits = self.env["flexi.loyalty.ledger.line"].search(
            [("subscription_id", "=", self.member.id), ("move_type", "=", "redeem")]
        )
        self.assertEqual(debits, redemption.ledger_line_id, "one debit, no second")

    def test_attack_paid_order_synced_after_its_points_were_given_back_is_kept(self):
        """The till accepts the reward then loses the server with the paid
        order in its queue; the hold runs out, the member spends the points
        elsewhere. Back online, the paid order is kept: the points are
        debited below zero, the member owes them and a manager is told."""
        session = self._open_session().with_user(self.pos_user)
        line = self._accepted_reward_line(session, [self._line(self.couscous, 3)])
        queued = self._reward_order(session, line)
        Redemption = self.env["flexi.loyalty.pos.redemption"]
        with freeze_time(fields.Datetime.now() + timedelta(hours=25)):
            Redemption._cron_flexi_loyalty_release_holds()
        self.assertEqual(self._balance(), 300)
        self.member._flexi_debit(250, "redeem", "Online order")
        order = self._sync(copy.deepcopy(queued), user=self.pos_user)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.flexi_loyalty_points_used, 100)
        self.assertEqual(order.flexi_loyalty_points_earned, 25)
        # 300 - 250 elsewhere - 100 for the reward + 25 earned.
        self.assertEqual(self._balance(), -25)
        self.assertTrue(self.member.flexi_pos_owes_points)
        self.assertIn(
            self.member,
            self.env["flexi.loyalty.subscription"].search(
                [("flexi_pos_owes_points", "=", True)]
            ),
        )
        activity = self.member.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertTrue(
            activity.user_id.has_group("flexi_loyalty.flexi_loyalty_group_manager")
        )
        self.assertIn(order.name, str(activity.note))
        # The till retries: nothing more.
        self._sync(copy.deepcopy(queued), user=self.pos_user)
        self.assertEqual(self._balance(), -25)
        self.assertEqual(len(self.member.activity_ids), 1)

    def test_reward_never_paid_for_gives_its_points_back_once_at_closing(self):
        session = self._open_session().with_user(self.pos_user)
        line = self._accepted_reward_line(session, [self._line(self.couscous, 3)])
        self.assertEqual(self._balance(), 200)
        # The customer leaves without paying; the cashier closes the till.
        self.assertTrue(session.close_session_from_ui()["successful"])
        self.assertEqual(self._balance(), 300)
        redemption = self._redemption(line)
        self.assertEqual(redemption.state, "released")
        self.env["flexi.loyalty.pos.redemption"]._cron_flexi_loyalty_release_holds()
        redemption._flexi_release()
        self.assertEqual(self._balance(), 300)
        given_back = self.env["flexi.loyalty.ledger.line"].search(
            [("lot_line_id", "=", redemption.ledger_line_id.id)]
        )
        self.assertEqual(given_back.mapped("points"), [100])

    def test_points_spent_before_the_code_is_typed_are_not_held(self):
        session = self._open_session().with_user(self.pos_user)
        with self._known_code(), self.mockSMSGateway():
            asked = session.flexi_loyalty_request_reward(
                self.member.id, self.reward.id, [self._line(self.couscous, 3)]
            )
        self.member._flexi_debit(250, "redeem", "Online order")
        with self.assertRaisesRegex(UserError, "Not enough points"):
            session.flexi_loyalty_verify_code(asked["redemption_id"], KNOWN_CODE)
        self.assertEqual(self._redemption(asked).state, "draft")
        self.assertEqual(self._balance(), 50)
