import copy

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FmAntiwastePosCommon


@tagged("post_install", "-at_install")
class TestPosBaskets(FmAntiwastePosCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.basket = cls._fm_basket(cls.cake, 2, price=400.0)
        cls.product = cls.basket.product_id
        cls.customers = cls.env.ref("stock.stock_location_customers")

    def _delivered(self):
        return self.env["stock.move.line"].search(
            [
                ("lot_id", "in", self.basket.line_ids.lot_id.ids),
                ("location_dest_id", "=", self.customers.id),
                ("state", "=", "done"),
            ]
        )

    def _basket_order(self, session, uuid, qty=1):
        return self._ui_order(session, [self._line(self.product, qty)], uuid)

    def test_basket_product_is_offered_at_the_till(self):
        self.assertTrue(self.product.available_in_pos)
        self.assertTrue(self.product.fm_antiwaste_is_basket)
        self.assertFalse(self.salad.fm_antiwaste_is_basket)

    def test_synced_pos_order_sells_the_basket(self):
        session = self._open_session()
        order = self._sync(self._basket_order(session, "fm-basket-1"))
        self.assertEqual(order.state, "paid")
        self.assertEqual(self.basket.state, "sold")
        self.assertEqual(self.basket.pos_order_line_id, order.lines)
        self.assertFalse(self.basket.sold_twice)
        self.assertEqual(sum(self._delivered().mapped("quantity")), 2.0)
        self.assertEqual(order.partner_id, self.partner_a)
        self.assertEqual(
            self._delivered().move_id.picking_id.partner_id, self.partner_a
        )
        self.assertFalse(self.product.is_published)
        self.assertFalse(self.product.sale_ok)
        self.assertFalse(self.product.available_in_pos)

    def test_same_order_synced_twice_sells_once(self):
        session = self._open_session()
        vals = self._basket_order(session, "fm-basket-twice")
        first = self._sync(copy.deepcopy(vals))
        second = self._sync(copy.deepcopy(vals))
        self.assertEqual(first, second)
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", "fm-basket-twice")]), 1
        )
        self.assertEqual(self.basket.state, "sold")
        self.assertEqual(len(self._delivered()), 1)
        self.assertEqual(len(self.basket.picking_ids), 2, "reservation + delivery")
        self.assertFalse(self.basket.sold_twice)
        # Even called again on the paid order, the hook does nothing more.
        first._fm_antiwaste_sell_baskets()
        self.assertEqual(len(self._delivered()), 1)
        self.assertFalse(self.basket.sold_twice)

    def test_draft_order_then_paid_sells_once(self):
        session = self._open_session()
        draft = self._sync(
            self._ui_order(
                session, [self._line(self.product, 1)], "fm-draft", state="draft"
            )
        )
        self.assertEqual(self.basket.state, "published", "a draft sells nothing")
        paid_vals = self._basket_order(session, "fm-draft")
        paid_vals["lines"] = [
            Command.update(draft.lines.id, self._line(self.product, 1))
        ]
        paid = self._sync(paid_vals)
        self.assertEqual(paid, draft)
        self.assertEqual(self.basket.state, "sold")
        self.assertEqual(len(self._delivered()), 1)

    def test_basket_sold_online_then_paid_offline_keeps_the_order(self):
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        sale.action_confirm()
        self.assertEqual(self.basket.sale_line_id.order_id, sale)
        session = self._open_session()
        order = self._sync(self._basket_order(session, "fm-offline"))
        self.assertEqual(order.state, "paid", "the paid order is never refused")
        self.assertEqual(self.basket.sale_line_id.order_id, sale)
        self.assertFalse(self.basket.pos_order_line_id)
        self.assertTrue(self.basket.sold_twice)
        self.assertEqual(self.basket.pos_double_sale_line_ids, order.lines)
        self.assertEqual(len(self._delivered()), 1, "contents delivered once")
        self.assertIn("was already sold", "\n".join(order.message_ids.mapped("body")))
        self.assertIn(
            self.basket,
            self.env["fm.antiwaste.basket"].search([("sold_twice", "=", True)]),
        )
        # Retried: still one trace.
        order._fm_antiwaste_sell_baskets()
        self.assertEqual(
            len(order.message_ids.filtered(lambda m: "already sold" in m.body)), 1
        )

    def test_two_baskets_of_one_product_paid_flags_the_extra(self):
        session = self._open_session()
        order = self._sync(self._basket_order(session, "fm-two", qty=2))
        self.assertEqual(self.basket.state, "sold")
        self.assertEqual(self.basket.pos_order_line_id, order.lines)
        self.assertTrue(self.basket.sold_twice)
        self.assertEqual(len(self._delivered()), 1)

    def test_check_refuses_a_sold_basket(self):
        session = self._open_session().with_user(self.pos_user)
        self.assertEqual(
            session.fm_antiwaste_check_baskets(self.product.ids), {"refused": False}
        )
        self._sync(self._basket_order(session, "fm-check"))
        answer = session.fm_antiwaste_check_baskets(self.product.ids)
        self.assertIn("is no longer on offer", answer["refused"])
        self.assertIn(self.basket.name, answer["refused"])

    def test_sale_order_cannot_sell_a_basket_sold_at_the_till(self):
        session = self._open_session()
        self._sync(self._basket_order(session, "fm-then-sale"))
        sale = self.env["sale.order"].create(
            {
                "partner_id": self.partner_a.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        with self.assertRaisesRegex(UserError, "no longer available"):
            sale.action_confirm()
