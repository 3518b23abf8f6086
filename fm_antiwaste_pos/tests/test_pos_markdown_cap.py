from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FmAntiwastePosCommon


@tagged("post_install", "-at_install")
class TestPosMarkdownCap(FmAntiwastePosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lot = cls._fm_lot(cls.salad, 2)
        cls.markdown = cls._fm_markdowns()
        cls.pricelist = cls.main_pos_config.pricelist_id

    def _pos_data(self, session):
        return session.with_user(self.pos_user).load_data([])

    def test_till_loads_the_units_left_with_the_pricelist_item(self):
        self.assertEqual(self.markdown.product_id, self.salad)
        self.assertEqual(self.markdown.qty_remaining, 2.0)
        session = self._open_session()
        data = self._pos_data(session)
        markdowns = {m["id"]: m for m in data["fm.antiwaste.markdown"]["data"]}
        self.assertEqual(markdowns[self.markdown.id]["qty_remaining"], 2.0)
        self.assertEqual(markdowns[self.markdown.id]["discount"], 30.0)
        items = [
            item
            for item in data["product.pricelist.item"]["data"]
            if item["fm_antiwaste_markdown_id"] == self.markdown.id
            and item["pricelist_id"] == self.pricelist.id
        ]
        self.assertEqual(len(items), 1)
        self.assertEqual(items[0]["percent_price"], 30.0)

    def test_line_of_five_with_two_left_is_charged_the_blended_price(self):
        session = self._open_session()
        # (2 x 70 + 3 x 100) / 5 = 88, what a sale order charges too
        order = self._sync(
            self._ui_order(
                session, [self._line(self.salad, 5, 88.0, lot=self.lot)], "fm-cap"
            )
        )
        line = order.lines
        self.assertEqual(line.fm_antiwaste_markdown_id, self.markdown)
        self.assertEqual(line.fm_antiwaste_qty, 2.0)
        self.assertEqual(line._fm_antiwaste_prices(2.0), (88.0, 70.0, 100.0))
        self.assertEqual(order.amount_total, 440.0)
        self.assertFalse(
            order.message_ids.filtered(lambda m: "anti-waste" in (m.body or ""))
        )
        sale = self.env["sale.order"].create(
            {"partner_id": self.partner_a.id, "pricelist_id": self.pricelist.id}
        )
        sale_line = self.env["sale.order.line"].create(
            {"order_id": sale.id, "product_id": self.salad.id, "product_uom_qty": 5}
        )
        self.assertEqual(
            sale_line.fm_antiwaste_qty, 0.0, "the till's units are no longer left"
        )
        self.assertEqual(sale_line.price_unit, 100.0)

    def test_attack_cashier_cannot_set_the_units_sold_reduced(self):
        """What the next customer pays depends on the units sold reduced: a
        cashier over RPC can neither write them nor slip them in a default."""
        session = self._open_session()
        order = self._sync(
            self._ui_order(
                session, [self._line(self.salad, 1, 70.0, lot=self.lot)], "fm-att"
            )
        )
        line = order.lines.with_user(self.pos_user)
        with self.assertRaises(AccessError):
            line.write({"fm_antiwaste_qty": 0.0})
        with self.assertRaises(AccessError):
            line.write({"fm_antiwaste_markdown_id": False})
        self.assertEqual(order.lines.fm_antiwaste_qty, 1.0)
        copy = line.with_context(default_fm_antiwaste_qty=5.0).copy(
            {"order_id": order.id}
        )
        self.assertEqual(copy.fm_antiwaste_qty, 0.0)

    def test_back_office_refund_of_a_reduced_line_is_not_refused(self):
        """Odoo's "Refund" button on a till order copies its lines: the copy
        must not be refused, and the refund sells nothing reduced."""
        session = self._open_session()
        order = self._sync(
            self._ui_order(
                session, [self._line(self.salad, 2, 70.0, lot=self.lot)], "fm-ref"
            )
        )
        self.assertEqual(order.lines.fm_antiwaste_qty, 2.0)
        self.assertEqual(self.markdown.qty_remaining, 0.0)
        action = order.with_user(self.pos_user).refund()
        refund = self.env["pos.order"].browse(action["res_id"])
        self.assertEqual(refund.lines.qty, -2.0)
        self.assertEqual(refund.amount_total, -140.0)
        self.assertFalse(refund.lines.fm_antiwaste_markdown_id)
        self.assertEqual(refund.lines.fm_antiwaste_qty, 0.0)

    def test_deepest_step_is_charged_first_and_the_server_agrees(self):
        soon = self._fm_lot(self.salad, 2, hours=5)
        now = fields.Datetime.now()
        deep = self.env["fm.antiwaste.markdown"].create(
            {
                "company_id": self.company.id,
                "product_id": self.salad.id,
                "lot_ids": [Command.set(soon.ids)],
                "discount": 50.0,
                "days_left": 0,
                "quantity": 2,
                "date_from": now - timedelta(hours=1),
                "date_to": now + timedelta(days=1),
            }
        )
        deep._fm_create_pricelist_items()
        self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 50.0)
        session = self._open_session()
        order = self._sync(
            self._ui_order(
                session, [self._line(self.salad, 2, 50.0, lot=soon)], "fm-steps"
            )
        )
        self.assertEqual(order.lines.fm_antiwaste_markdown_id, deep)
        self.assertEqual(order.lines.fm_antiwaste_qty, 2.0)
        self.assertFalse(
            order.message_ids.filtered(lambda m: "anti-waste" in (m.body or "")),
            "charged what was due: no note for the manager",
        )
        # The deepest step is sold out: the next customer gets the -30 % one.
        self.assertEqual(self.pricelist._get_product_price(self.salad, 1), 70.0)

    def test_units_sold_at_the_till_are_no_longer_left(self):
        # The stock moves when the session closes: until then the till's
        # units are still in the quants.
        self.company.point_of_sale_update_stock_quantities = "closing"
        session = self._open_session().with_user(self.pos_user)
        self._sync(
            self._ui_order(
                session, [self._line(self.salad, 1, 70.0, lot=self.lot)], "fm-1"
            )
        )
        self.markdown.invalidate_recordset(["qty_remaining"])
        self.assertEqual(self.markdown.qty_remaining, 1.0)
        self.assertEqual(
            session.fm_antiwaste_remaining(self.markdown.ids),
            {str(self.markdown.id): 1.0},
        )
        # Stock moved at closing: counted once, from the quants.
        session.sudo().action_pos_session_closing_control()
        self.markdown.invalidate_recordset(["qty_remaining"])
        self.assertEqual(session.state, "closed")
        self.assertEqual(self.markdown.qty_remaining, 1.0)

    def test_two_tills_offline_leave_a_note_and_keep_the_order(self):
        session = self._open_session()
        self._sync(
            self._ui_order(
                session, [self._line(self.salad, 2, 70.0, lot=self.lot)], "fm-a"
            )
        )
        # Another till, offline, also charged two units at 70.
        late = self._sync(
            self._ui_order(
                session, [self._line(self.salad, 2, 70.0, lot=self.lot)], "fm-b"
            )
        )
        self.assertEqual(late.state, "paid")
        self.assertEqual(late.lines.fm_antiwaste_qty, 0.0)
        self.assertTrue(
            late.message_ids.filtered(lambda m: "fewer near-expiry" in (m.body or ""))
        )
