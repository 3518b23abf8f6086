import copy

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.fm_antiwaste_pos.tests.common import FmAntiwastePosCommon


class FlexiLoyaltyAntiwastePosCommon(FmAntiwastePosCommon):
    """The caterer's till: 10 DA = 1 point, anti-waste earns double."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref(
            "flexi_loyalty.flexi_loyalty_group_manager"
        )
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "company_id": cls.company.id,
                "amount_per_point": 10.0,
                "amount_base": "tax_excluded",
                "antiwaste_multiplier": 2.0,
            }
        )
        cls.main_pos_config.write(
            {"flexi_loyalty_program_ids": [Command.set(cls.program.ids)]}
        )
        cls.partner_a.mobile = "+213550123456"
        cls.member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.partner_a.id, "program_id": cls.program.id}
        )

    def _balance(self):
        self.member.invalidate_recordset()
        return self.member.points_balance

    def _refund(self, session, order, uuid):
        lines = []
        for line in order.lines:
            vals = self._line(line.product_id, -line.qty, line.price_unit)
            vals["refunded_orderline_id"] = line.id
            lines.append(vals)
        return self._sync(self._ui_order(session, lines, uuid))


@tagged("post_install", "-at_install")
class TestPosAntiwastePoints(FlexiLoyaltyAntiwastePosCommon):
    def test_marked_down_salads_earn_double_at_the_till(self):
        lot = self._fm_lot(self.salad, 2)
        self._fm_markdowns()
        session = self._open_session()
        # 2 x 70 DA (-30 %): 14 points, twice; 2 meals saved.
        order = self._sync(
            self._ui_order(session, [self._line(self.salad, 2, 70.0, lot=lot)], "aw1")
        )
        self.assertEqual(order.lines.fm_antiwaste_qty, 2.0)
        self.assertEqual(order.flexi_loyalty_points_earned, 28)
        self.assertEqual(self._balance(), 28)
        self.assertEqual(order.flexi_antiwaste_meals_saved, 2)
        self.partner_a.invalidate_recordset()
        self.assertEqual(self.partner_a.flexi_antiwaste_meals_saved, 2)

    def test_a_price_lowered_by_hand_at_the_till_earns_no_bonus(self):
        session = self._open_session()
        order = self._sync(
            self._ui_order(session, [self._line(self.cake, 1, 350.0)], "aw2")
        )
        self.assertEqual(order.flexi_loyalty_points_earned, 35)
        self.assertEqual(order.flexi_antiwaste_meals_saved, 0)

    def test_a_refunded_basket_keeps_neither_its_points_nor_its_meals(self):
        basket = self._fm_basket(self.cake, 2, price=400.0)
        session = self._open_session()
        order = self._sync(
            self._ui_order(session, [self._line(basket.product_id, 1, 400.0)], "aw3")
        )
        # 400 DA: 40 points, twice; the basket held 2 cakes.
        self.assertEqual(order.flexi_loyalty_points_earned, 80)
        self.assertEqual(order.flexi_antiwaste_meals_saved, 2)
        refund = self._refund(session, order, "aw3-refund")
        self.assertEqual(refund.flexi_loyalty_points_earned, -80)
        self.assertEqual(self._balance(), 0)
        self.assertEqual(refund.flexi_antiwaste_meals_saved, 0)
        # Synced again (a till retrying): nothing moves.
        refund._flexi_loyalty_process_paid()
        self.assertEqual(self._balance(), 0)

    def test_attack_cashier_sends_the_figures_and_the_units_herself(self):
        session = self._open_session()
        vals = self._ui_order(session, [self._line(self.cake, 1, 350.0)], "aw4")
        vals["flexi_antiwaste_meals_saved"] = 999
        vals["lines"][0][2].update(fm_antiwaste_qty=1.0)
        for __ in range(2):  # sent twice: one order, one earning
            order = self._sync(copy.deepcopy(vals))
        self.assertEqual(order.flexi_antiwaste_meals_saved, 0)
        self.assertEqual(order.lines.fm_antiwaste_qty, 0.0)
        self.assertEqual(self._balance(), 35)

    def test_attack_cashier_raises_the_multiplier(self):
        program = self.program.with_user(self.pos_user).with_context(active_test=False)
        for __ in range(2):
            with self.assertRaises(AccessError):
                program.write({"antiwaste_multiplier": 10.0})
        self.assertEqual(self.program.antiwaste_multiplier, 2.0)
