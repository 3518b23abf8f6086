from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.fm_antiwaste.tests.common import NOW

from .common import (
    BASKET_EXPIRY,
    BASKET_TIME,
    TODAY_EVENING,
    FlexiLoyaltyAntiwasteCommon,
)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestAntiwastePoints(FlexiLoyaltyAntiwasteCommon):
    def test_marked_down_salads_earn_double_points(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 2)
        # 2 x 70 DA (-30 %) = 140 DA: 14 points, twice.
        self.assertEqual(order.amount_untaxed, 140.0)
        self.assertEqual(order.flexi_loyalty_points_preview, 28)
        order.action_confirm()
        self.assertEqual(self._earned(order), 28)
        self.assertEqual(self.member.points_balance, 28)

    def test_only_the_marked_down_units_of_a_line_earn_the_bonus(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 6)
        # 4 x 70 + 2 x 100 = 480 DA: 48 points, the 4 marked-down sixths twice.
        self.assertEqual(order.amount_untaxed, 480.0)
        order.action_confirm()
        self.assertEqual(self._earned(order), 80)

    def test_a_price_lowered_by_hand_earns_no_bonus(self):
        order = self._order(self.salad, 2)
        order.order_line.price_unit = 70.0
        self.assertEqual(order.flexi_loyalty_points_preview, 14)
        order.action_confirm()
        self.assertEqual(self._earned(order), 14)

    def test_normal_and_marked_down_lines_together(self):
        self._lot(self.salad, TODAY_EVENING, 1)
        self._recompute()
        cake = self._product("Tarte aux fraises", 500.0)
        order = self._order(self.salad, 1)
        order.order_line = [(0, 0, {"product_id": cake.id, "product_uom_qty": 1})]
        order.action_confirm()
        # 70 DA marked down: 14 points; the cake 50.
        self.assertEqual(self._earned(order), 64)

    def test_multiplier_one_is_no_bonus(self):
        self.program.antiwaste_multiplier = 1.0
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 2)
        order.action_confirm()
        self.assertEqual(self._earned(order), 14)

    def test_one_and_a_half_rounds_down_once_on_the_order(self):
        self.program.antiwaste_multiplier = 1.5
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 1)
        order.action_confirm()
        # 7 points x 1.5 = 10.5: 10.
        self.assertEqual(self._earned(order), 10)

    def test_cancelling_takes_back_the_bonus_too(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 2)
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(self._earned(order), 0)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 0)

    @freeze_time(BASKET_TIME)
    def test_a_surprise_basket_earns_double_and_its_refund_takes_all_back(self):
        cake = self._product("Tarte aux fraises", 500.0)
        self._lot(self.salad, BASKET_EXPIRY, 4)
        self._lot(cake, BASKET_EXPIRY, 2)
        basket = self._propose_baskets()[0]
        order = self._order(basket.product_id, 1)
        # A basket of 700 DA of goods sold 280 DA: 28 points, twice.
        self.assertEqual(order.amount_untaxed, 280.0)
        self.assertEqual(order.flexi_loyalty_points_preview, 56)
        order.action_confirm()
        self.assertEqual(self._earned(order), 56)
        self._credit_note(order)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 0)

    def test_multiplier_below_one_or_above_ten_is_refused(self):
        for wrong in (0.0, 0.5, -2.0, 10.5, 1e300):
            with self.assertRaisesRegex(ValidationError, "between 1 .no bonus. and 10"):
                self.program.antiwaste_multiplier = wrong
                self.program.flush_recordset()
        self.program.antiwaste_multiplier = 10.0
        self.program.flush_recordset()
        self.assertEqual(self.program.antiwaste_multiplier, 10.0)

    def test_attack_salesman_or_loyalty_user_writes_the_multiplier(self):
        salesman = new_test_user(
            self.env, login="aw_salesman", groups="sales_team.group_sale_salesman"
        )
        loyalty_user = new_test_user(
            self.env,
            login="aw_loyalty_user",
            groups="sales_team.group_sale_salesman,flexi_loyalty.flexi_loyalty_group_user",
        )
        for user in (salesman, loyalty_user):
            program = self.program.with_user(user).with_context(
                active_test=False, bypass=True
            )
            for __ in range(2):
                with self.assertRaises(AccessError):
                    program.write({"antiwaste_multiplier": 10.0})
        self.assertEqual(self.program.antiwaste_multiplier, 2.0)
        manager = new_test_user(
            self.env,
            login="aw_loyalty_manager",
            groups="sales_team.group_sale_manager,flexi_loyalty.flexi_loyalty_group_manager",
        )
        self.program.with_user(manager).antiwaste_multiplier = 3.0
        self.assertEqual(self.program.antiwaste_multiplier, 3.0)

    def test_program_earning_on_payment_doubles_the_invoiced_markdowns(self):
        self.program.earn_trigger = "paid"
        self._lot(self.salad, TODAY_EVENING, 4)
        self._recompute()
        order = self._order(self.salad, 2)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 28)
