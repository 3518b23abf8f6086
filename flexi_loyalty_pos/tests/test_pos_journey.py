from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


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
