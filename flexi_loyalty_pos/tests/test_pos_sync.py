import copy

from odoo import Command
from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosSync(FlexiLoyaltyPosCommon):
    def test_paid_order_earns_points_decided_by_server(self):
        session = self._open_session()
        # The browser claims a huge subtotal: the server recomputes it.
        line = self._line(
            self.couscous, 3, price_subtotal=999999.0, price_subtotal_incl=999999.0
        )
        order = self._sync(self._ui_order(session, [line], partner=self.customer))
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.flexi_loyalty_points_earned, 30)
        self.assertEqual(order.flexi_loyalty_balance, 330)
        self.assertTrue(order.flexi_loyalty_next_expiry_date)
        self.assertEqual(self._balance(), 330)

    def test_browser_cannot_set_the_points_on_the_receipt(self):
        session = self._open_session()
        vals = self._ui_order(
            session, [self._line(self.couscous, 1)], partner=self.customer
        )
        vals["flexi_loyalty_points_earned"] = 5000
        order = self._sync(vals)
        self.assertEqual(order.flexi_loyalty_points_earned, 10)

    def test_syncing_the_same_order_twice_earns_once(self):
        session = self._open_session()
        vals = self._ui_order(
            session, [self._line(self.couscous, 2)], partner=self.customer
        )
        first = self._sync(copy.deepcopy(vals))
        second = self._sync(copy.deepcopy(vals))
        self.assertEqual(first, second)
        self.assertEqual(self._balance(), 320)
        earned = self.env["flexi.loyalty.ledger.line"].search(
            [("res_model", "=", "pos.order"), ("res_id", "=", first.id)]
        )
        self.assertEqual(earned.mapped("points"), [20])

    def test_order_without_customer_earns_nothing(self):
        session = self._open_session()
        order = self._sync(self._ui_order(session, [self._line(self.couscous, 2)]))
        self.assertEqual(order.flexi_loyalty_points_earned, 0)
        self.assertEqual(self._balance(), 300)

    def test_partial_refund_takes_back_points_in_proportion(self):
        session = self._open_session()
        order = self._sync(
            self._ui_order(
                session, [self._line(self.couscous, 3)], partner=self.customer
            )
        )
        self.assertEqual(self._balance(), 330)
        refund_line = self._line(
            self.couscous, -1, refunded_orderline_id=order.lines[0].id
        )
        refund = self._sync(
            self._ui_order(session, [refund_line], partner=self.customer)
        )
        self.assertEqual(self._balance(), 320)
        self.assertEqual(refund.flexi_loyalty_points_earned, -10)
        # Retried refund: nothing more.
        refund._flexi_loyalty_process_paid()
        self.assertEqual(self._balance(), 320)

    def test_full_refund_gives_back_redeemed_points(self):
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
        order = self._sync(self._ui_order(session, lines, partner=self.customer))
        # 300 - 100 spent + 15 earned on the 1,500 paid.
        self.assertEqual(self._balance(), 215)
        refund = self._sync(
            self._ui_order(
                session,
                [
                    self._line(
                        line.product_id,
                        -line.qty,
                        price_unit=line.price_unit,
                        refunded_orderline_id=line.id,
                    )
                    for line in order.lines
                ],
                partner=self.customer,
            )
        )
        self.assertEqual(self._balance(), 300)
        self.assertEqual(refund.flexi_loyalty_points_used, -100)
        self.assertEqual(refund.state, "paid")

    def test_config_settings_show_the_till_programs(self):
        settings = self.env["res.config.settings"].create(
            {"pos_config_id": self.main_pos_config.id}
        )
        self.assertEqual(settings.pos_flexi_loyalty_program_ids, self.program)
        settings.pos_flexi_loyalty_otp_required = False
        settings.pos_flexi_loyalty_program_ids = [Command.clear()]
        settings.execute()
        self.assertFalse(self.main_pos_config.flexi_loyalty_otp_required)
        self.assertFalse(self.main_pos_config.flexi_loyalty_program_ids)

    def _paid_nothing(self, vals):
        """The till sends no payment for an order of nothing to pay."""
        if not vals["amount_total"]:
            vals["payment_ids"] = []
        return vals

    def test_attack_selling_and_returning_items_on_one_ticket_earns_nothing(self):
        """The cashier rings up 10 couscous and takes the 10 back on the same
        ticket (or more than were sold): nothing is paid, nothing is earned."""
        session = self._open_session()
        till = session.with_user(self.pos_user)
        for sold, returned in ((10, -10), (1, -3)):
            lines = [
                self._line(self.couscous, sold),
                self._line(self.couscous, returned),
            ]
            preview = till.flexi_loyalty_preview(self.member.id, lines)
            self.assertEqual(preview["points"], 0)
            vals = self._ui_order(session, lines, partner=self.customer)
            order = self._sync(self._paid_nothing(vals), user=self.pos_user)
            self.assertEqual(order.state, "paid")
            self.assertEqual(order.flexi_loyalty_points_earned, 0)
            self.assertEqual(self._balance(), 300)

    def test_items_returned_on_the_ticket_lower_the_points_earned(self):
        session = self._open_session()
        lines = [self._line(self.couscous, 3), self._line(self.couscous, -1)]
        preview = session.with_user(self.pos_user).flexi_loyalty_preview(
            self.member.id, lines
        )
        order = self._sync(
            self._ui_order(session, lines, partner=self.customer), user=self.pos_user
        )
        self.assertEqual(order.amount_total, 2000.0)
        self.assertEqual(preview["points"], 20)
        self.assertEqual(order.flexi_loyalty_points_earned, 20)
        self.assertEqual(self._balance(), 320)

    def test_attack_part_paid_with_points_earns_only_on_the_money_paid(self):
        """A reward of 500 on 3,000 of goods: 2,500 are paid, 25 points earned
        (the preview says the same before payment)."""
        session = self._open_session()
        till = session.with_user(self.pos_user)
        lines = [self._line(self.couscous, 3)]
        reward = self._accepted_reward_line(till, lines)
        vals = self._reward_order(session, reward)
        preview = till.flexi_loyalty_preview(
            self.member.id, [command[2] for command in vals["lines"]]
        )
        self.assertEqual(preview["points"], 25)
        order = self._sync(vals, user=self.pos_user)
        self.assertEqual(order.amount_total, 2500.0)
        self.assertEqual(order.flexi_loyalty_points_earned, 25)
