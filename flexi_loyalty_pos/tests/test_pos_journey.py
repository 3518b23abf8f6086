from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosJourney(FlexiLoyaltyPosCommon):
    """The cashier's journey, walked in Chromium in a French till."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["web", "point_of_sale", "flexi_loyalty", "flexi_loyalty_pos"],
            ["fr_FR"],
            overwrite=True,
        )
        cls.pos_user.lang = "fr_FR"
        # The member's mobile is stored the international way.
        cls.customer.mobile = "+213 550 12 34 56"

    def _ledger(self, order):
        return self.env["flexi.loyalty.ledger.line"].search(
            [
                ("subscription_id", "=", self.member.id),
                ("res_model", "=", "pos.order"),
                ("res_id", "=", order.id),
            ]
        )

    def test_cashier_finds_member_redeems_pays_and_refunds_part(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        session = self.main_pos_config.current_session_id
        with self._known_code(), self.mockSMSGateway():
            self.start_pos_tour("flexi_loyalty_pos_journey_tour")

        # The code the cashier typed is the one of the SMS queued for the
        # mobile of the membership.
        sms = self.env["sms.sms"].search(
            [("partner_id", "=", self.customer.id), ("body", "ilike", KNOWN_CODE)]
        )
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+213550123456")
        self.assertIn(KNOWN_CODE, sms.body)

        orders = self.env["pos.order"].search(
            [("session_id", "=", session.id)], order="id"
        )
        self.assertEqual(len(orders), 2)
        sale, refund = orders
        self.assertEqual(sale.state, "paid")
        self.assertEqual(sale.partner_id, self.customer)
        self.assertEqual(sale.amount_total, 1500.0)
        self.assertEqual(sale.amount_paid, 1500.0)
        self.assertEqual(sale.flexi_loyalty_points_used, 100)
        self.assertEqual(sale.flexi_loyalty_points_earned, 15)
        self.assertEqual(sale.flexi_loyalty_balance, 215)
        redemption = self.env["flexi.loyalty.pos.redemption"].search(
            [("pos_order_id", "=", sale.id)]
        )
        self.assertEqual(redemption.state, "used")
        self.assertEqual(redemption.ledger_line_id.points, -100)

        # One couscous of two comes back: 1,000 given back in cash.
        self.assertEqual(refund.state, "paid")
        self.assertEqual(refund.partner_id, self.customer)
        self.assertEqual(refund.amount_total, -1000.0)
        self.assertEqual(refund.amount_paid, -1000.0)
        self.assertEqual(refund.lines.refunded_orderline_id, sale.lines[:1])
        self.assertEqual(
            sorted(self._ledger(sale).mapped(lambda ln: (ln.move_type, ln.points))),
            [("earn", 15)],
        )
        # The 1,000 refunded takes back the points earned on it (10 of the 15
        # earned on 1,500).
        self.assertEqual(refund.flexi_loyalty_points_earned, -10)
        self.assertEqual(
            sorted(self._ledger(refund).mapped(lambda ln: (ln.move_type, ln.points))),
            [("reversal", -10)],
        )
        # The reward stays on the sale: its points stay spent.
        self.assertEqual(refund.flexi_loyalty_points_used, 0)
        self.assertEqual(self._balance(), 300 - 100 + 15 - 10)
        self.assertEqual(refund.flexi_loyalty_balance, 205)

    def test_goods_returned_alone_leave_the_reward_and_its_points_spent(self):
        """Returning goods gives the money of the goods back, not the points of
        the reward that stays on the ticket; returning the reward gives them
        back."""
        session = self._open_session()
        lines = [self._line(self.couscous, 2)]
        reward = self._accepted_reward_line(session, lines)
        lines.append(
            self._line(
                self.env["product.product"].browse(reward["product_id"]),
                1,
                price_unit=reward["price_unit"],
                flexi_loyalty_token=reward["token"],
            )
        )
        sale = self._sync(self._ui_order(session, lines, partner=self.customer))
        self.assertEqual(self._balance(), 215)
        couscous, reward_line = sale.lines

        def refund_of(line, qty):
            return self._line(
                line.product_id,
                qty,
                price_unit=line.price_unit,
                refunded_orderline_id=line.id,
            )

        goods = self._sync(
            self._ui_order(session, [refund_of(couscous, -1)], partner=self.customer),
            user=self.pos_user,
        )
        # 10 of the 15 points earned on the 1,500 paid go with the 1,000 back.
        self.assertEqual(goods.flexi_loyalty_points_earned, -10)
        self.assertEqual(goods.flexi_loyalty_points_used, 0)
        self.assertEqual(self._balance(), 205)
        # Synced again (no answer the first time): nothing more.
        goods._flexi_loyalty_process_paid()
        self.assertEqual(self._balance(), 205)

        # The customer gives the reward back too (pays its 500): 100 points back.
        back = self._sync(
            self._ui_order(
                session,
                [refund_of(couscous, -1), refund_of(reward_line, -1)],
                partner=self.customer,
            ),
            user=self.pos_user,
        )
        self.assertEqual(back.amount_total, -500.0)
        self.assertEqual(back.flexi_loyalty_points_used, -100)
        self.assertEqual(self._balance(), 300)
