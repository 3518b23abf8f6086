from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import NOW, FmAntiwasteCommon

TODAY_EVENING = datetime(2025, 5, 10, 20, 0)  # 21:00 in Algiers
TOMORROW = datetime(2025, 5, 11, 12, 0)
IN_3_DAYS = datetime(2025, 5, 13, 12, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMarkdowns(FmAntiwasteCommon):
    def test_lot_expiring_today_is_marked_down_30_percent(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        markdown = self._recompute()
        self.assertEqual(markdown.discount, 30.0)
        self.assertEqual(markdown.quantity, 4)
        item = markdown.pricelist_item_ids.filtered(
            lambda i: i.pricelist_id == self.pricelist
        )
        self.assertEqual(item.percent_price, 30.0)
        with freeze_time(NOW):
            self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 70.0)

    def test_pricelist_added_later_charges_the_markdown_too(self):
        """The shop turns pricelists on (or adds one) while lots are marked
        down: customers on the new pricelist pay the markdown price too."""
        self._lot(self.salad, TODAY_EVENING, 4)
        markdown = self._recompute()
        later = self.env["product.pricelist"].create(
            {"name": "Boutique", "company_id": self.company.id}
        )
        with freeze_time(NOW):
            self.assertEqual(later._get_product_price(self.salad, 1), 70.0)
        # The hourly job repairs without doubling anything.
        self._recompute()
        self.assertEqual(
            len(
                markdown.pricelist_item_ids.filtered(lambda i: i.pricelist_id == later)
            ),
            1,
        )

    def test_ladder_boundaries_today_tomorrow_and_three_days(self):
        tomorrow_salad = self._product("Taboulé", 100.0)
        later_salad = self._product("Salade de riz", 100.0)
        self._lot(self.salad, TODAY_EVENING, 2)
        self._lot(tomorrow_salad, TOMORROW, 2)
        self._lot(later_salad, IN_3_DAYS, 2)
        markdowns = self._recompute()
        by_product = {m.product_id: m.discount for m in markdowns}
        self.assertEqual(
            by_product,
            {self.salad: 30.0, tomorrow_salad: 15.0},
            "3 days left: no markdown",
        )

    def test_midnight_in_algiers_not_utc(self):
        # 23:30 UTC is 00:30 the next day in Algiers: "tomorrow", not "today".
        self._lot(self.salad, datetime(2025, 5, 10, 23, 30), 2)
        self.assertEqual(self._recompute().discount, 15.0)
        # After local midnight (23:10 UTC) the same lot expires "today".
        self.assertEqual(self._recompute(datetime(2025, 5, 10, 23, 10)).discount, 30.0)

    def test_lots_of_today_and_tomorrow_are_both_marked_down(self):
        today_lot = self._lot(self.salad, TODAY_EVENING, 4, name="TODAY")
        tomorrow_lot = self._lot(self.salad, TOMORROW, 10, name="TOMORROW")
        markdowns = self._recompute()
        by_discount = {m.discount: m for m in markdowns}
        self.assertEqual(set(by_discount), {30.0, 15.0})
        self.assertEqual(by_discount[30.0].lot_ids, today_lot)
        self.assertEqual(by_discount[30.0].quantity, 4)
        self.assertEqual(by_discount[15.0].lot_ids, tomorrow_lot)
        self.assertEqual(by_discount[15.0].quantity, 10)
        self.assertFalse(self._recompute(), "nothing new on a second run")
        with freeze_time(NOW):
            # The deepest step sells first, then tomorrow's -15 %.
            self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 70.0)
            first = self._order(self.salad, 4)
            self.assertAlmostEqual(first.amount_untaxed, 280.0)
            first.action_confirm()
            self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 85.0)
            second = self._order(self.salad, 2)
            self.assertEqual(
                second.order_line.fm_antiwaste_markdown_id, by_discount[15.0]
            )
            self.assertAlmostEqual(second.amount_untaxed, 170.0)

    def test_second_line_of_a_quotation_takes_the_next_step(self):
        self._lot(self.salad, TODAY_EVENING, 2)
        self._lot(self.salad, TOMORROW, 10)
        self._recompute()
        with freeze_time(NOW):
            order = self._order(self.salad, 2)
            order.order_line = [
                Command.create({"product_id": self.salad.id, "product_uom_qty": 1})
            ]
            first, second = order.order_line.sorted("id")
            self.assertEqual(first.fm_antiwaste_markdown_id.discount, 30.0)
            self.assertEqual(second.fm_antiwaste_markdown_id.discount, 15.0)
            self.assertAlmostEqual(order.amount_untaxed, 2 * 70.0 + 85.0)

    def test_stale_quotation_moves_to_the_next_step_at_confirmation(self):
        self._lot(self.salad, TODAY_EVENING, 2)
        self._lot(self.salad, TOMORROW, 10)
        self._recompute()
        with freeze_time(NOW):
            late = self._order(self.salad, 2)
            self.assertAlmostEqual(late.amount_untaxed, 140.0)
            self._order(self.salad, 2).action_confirm()
            # Today's units went to the other order: tomorrow's -15 % applies.
            late.action_confirm()
            self.assertEqual(late.order_line.fm_antiwaste_markdown_id.discount, 15.0)
            self.assertAlmostEqual(late.amount_untaxed, 170.0)

    def test_markdown_price_ends_at_local_midnight(self):
        self._lot(self.salad, TOMORROW, 2)
        markdown = self._recompute()
        self.assertEqual(markdown.date_to, datetime(2025, 5, 10, 23, 0))
        with freeze_time("2025-05-10 23:05:00"):
            self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 100.0)

    def test_recompute_is_idempotent(self):
        self._lot(self.salad, TODAY_EVENING, 4)
        first = self._recompute()
        self.assertFalse(self._recompute(), "nothing new on a second run")
        self.assertEqual(first.state, "active")
        self.assertEqual(
            len(
                first.pricelist_item_ids.filtered(
                    lambda i: i.pricelist_id == self.pricelist
                )
            ),
            1,
        )

    def test_sold_out_lots_end_the_markdown(self):
        lot = self._lot(self.salad, TODAY_EVENING, 4)
        markdown = self._recompute()
        self.env["stock.quant"]._update_available_quantity(
            self.salad, self.stock, -4, lot_id=lot
        )
        markdown.invalidate_recordset(["qty_remaining"])
        self.assertEqual(markdown.qty_remaining, 0)
        self._recompute()
        self.assertEqual(markdown.state, "done")
        self.assertFalse(markdown.pricelist_item_ids)

    def test_quantity_cap_rest_at_full_price(self):
        self._lot(self.salad, TODAY_EVENING, 2)
        self._lot(self.salad, IN_3_DAYS, 10)
        self._recompute()
        with freeze_time(NOW):
            order = self._order(self.salad, 5)
            line = order.order_line
            self.assertEqual(line.fm_antiwaste_qty, 2)
            # 2 x 70 + 3 x 100 = 440
            self.assertAlmostEqual(order.amount_untaxed, 440.0)
            within = self._order(self.salad, 2)
            self.assertAlmostEqual(within.amount_untaxed, 140.0)

    def test_confirmed_order_consumes_the_marked_down_units(self):
        self._lot(self.salad, TODAY_EVENING, 2)
        self._lot(self.salad, IN_3_DAYS, 10)
        markdown = self._recompute()
        with freeze_time(NOW):
            first = self._order(self.salad, 2)
            first.action_confirm()
            markdown.invalidate_recordset(["qty_remaining"])
            self.assertEqual(markdown.qty_remaining, 0)
            second = self._order(self.salad, 2)
            self.assertAlmostEqual(
                second.amount_untaxed, 200.0, msg="nothing left: full price"
            )
            self.assertAlmostEqual(first.amount_untaxed, 140.0)

    def test_fefo_delivers_the_near_expiry_lot_first(self):
        fresh = self._lot(self.salad, IN_3_DAYS, 10, name="FRESH")
        old = self._lot(self.salad, TODAY_EVENING, 2, name="OLD")
        self._recompute()
        with freeze_time(NOW):
            order = self._order(self.salad, 3)
            order.action_confirm()
        lines = order.picking_ids.move_line_ids
        self.assertEqual(
            sum(lines.filtered(lambda ml: ml.lot_id == old).mapped("quantity")), 2
        )
        self.assertEqual(
            sum(lines.filtered(lambda ml: ml.lot_id == fresh).mapped("quantity")), 1
        )

    def test_expired_lot_is_never_reserved_nor_delivered(self):
        expired = self._lot(self.salad, datetime(2025, 5, 10, 8, 0), 5, name="EXPIRED")
        self._lot(self.salad, IN_3_DAYS, 5, name="GOOD")
        with freeze_time(NOW):
            self.assertFalse(self._recompute(), "an expired lot is not marked down")
            order = self._order(self.salad, 2)
            order.action_confirm()
            picking = order.picking_ids
            self.assertNotIn(expired, picking.move_line_ids.lot_id)
            picking.move_line_ids.lot_id = expired
            with (
                self.assertRaisesRegex(UserError, "past their expiration date"),
                self.env.cr.savepoint(),
            ):
                picking.button_validate()

    def test_lot_expiring_during_the_day_is_unreserved(self):
        soon = self._lot(self.salad, datetime(2025, 5, 10, 14, 0), 2, name="SOON")
        good = self._lot(self.salad, IN_3_DAYS, 5, name="GOOD")
        with freeze_time(NOW):
            order = self._order(self.salad, 2)
            order.action_confirm()
        self.assertEqual(
            order.picking_ids.move_line_ids.lot_id,
            soon,
            order.picking_ids.move_ids.date,
        )
        with freeze_time("2025-05-10 15:00:00"):
            self.env["stock.move"]._fm_unreserve_expired()
        self.assertEqual(order.picking_ids.move_line_ids.lot_id, good)

    def test_category_ladder_overrides_generic_rules(self):
        self.env["fm.antiwaste.rule"].create(
            {"days_left": 0, "discount": 50.0, "categ_id": self.categ.id}
        )
        self._lot(self.salad, TODAY_EVENING, 2)
        self.assertEqual(self._recompute().discount, 50.0)

    def test_bad_rules_are_refused(self):
        Rule = self.env["fm.antiwaste.rule"]
        with (
            self.assertRaisesRegex(ValidationError, "above 0 %"),
            self.env.cr.savepoint(),
        ):
            Rule.create({"days_left": 2, "discount": -10.0})
        with (
            self.assertRaisesRegex(ValidationError, "overlap"),
            self.env.cr.savepoint(),
        ):
            Rule.create({"days_left": 1, "discount": 20.0})
        self.env.invalidate_all()
        self.assertEqual(Rule.search([("days_left", "=", 1)]), self.rule_tomorrow)

    def test_attack_salesman_frees_the_cap_by_writing_units(self):
        salesman = new_test_user(
            self.env, "aw_salesman", groups="sales_team.group_sale_salesman_all_leads"
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [(0, 0, {"product_id": self.salad.id})],
            }
        )
        line = order.order_line.with_user(salesman)
        for vals in (
            {"fm_antiwaste_qty": 0.0},
            {"fm_antiwaste_unit_price": 1.0},
            {"fm_antiwaste_markdown_id": False},
        ):
            with self.assertRaises(AccessError):
                line.write(vals)
