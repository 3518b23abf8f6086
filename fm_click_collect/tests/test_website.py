import json

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import FmClickCollectCommon


@tagged("post_install", "-at_install")
class TestWebsite(HttpCase, FmClickCollectCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.write({"state": "enabled", "is_published": True})
        cls.storable_product.write(
            {"name": "Couscous Royal", "is_published": True, "website_published": True}
        )
        # Only the pickup method, so the tour is about pickup.
        cls.env["delivery.carrier"].search([("id", "!=", cls.in_store_dm.id)]).write(
            {"is_published": False}
        )
        cls.in_store_dm.website_id = cls.website

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response

    def test_tour_post_office_slot_pay_at_pickup(self):
        self.start_tour("/shop", "fm_click_collect_post_office_pay_at_pickup")
        order = self.env["sale.order"].search(
            [("fm_cc_point_id", "=", self.post_point.id)], order="id desc", limit=1
        )
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.fm_cc_slot_booked)
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertEqual(order.partner_id.phone, "+213550123456")

    def test_loyalty_routes_refuse_another_customers_cart(self):
        self.authenticate("admin", "admin")
        response = self._json(
            "/fm_click_collect/loyalty/request_code",
            {"reward_id": 1, "csrf_token": "forged"},
        )
        self.assertIn("Forbidden", response.text)

    def test_foreign_slot_id_on_the_website_is_a_clear_error(self):
        order = self._create_in_store_delivery_order(
            order_line=[Command.create({"product_id": self.storable_product.id})]
        )
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        other_slot = self._free_slot(self.shop_point)
        # The visitor's session holds this cart, as after browsing the shop.
        self.authenticate(None, None)
        self.opener.cookies["session_id"] = self.session.sid
        self.session["sale_order_id"] = order.id
        from odoo.http import root

        root.session_store.save(self.session)
        result = self._json(
            "/fm_click_collect/set_slot", {"slot_id": other_slot.id}
        ).json()
        self.assertIn("does not belong", result["result"]["error"])
        self.assertFalse(order.fm_cc_slot_id)
