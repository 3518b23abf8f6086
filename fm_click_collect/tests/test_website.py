import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.http import root
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

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

    # ------------------------------------------------------------ helpers

    def _visit_with_cart(self, order):
        """An anonymous visitor whose session holds ``order``, as after
        browsing the shop (or a new cart of the same visitor)."""
        session = getattr(self, "session", None)
        if not session or session.uid:
            self.authenticate(None, None)
            self.opener.cookies["session_id"] = self.session.sid
        else:
            # What the server stored in it since (never overwrite it with a stale copy).
            self.session = root.session_store.get(session.sid)
        self.session["sale_order_id"] = order.id
        root.session_store.save(self.session)

    def _cart(self):
        order = self._create_in_store_delivery_order(
            order_line=[Command.create({"product_id": self.storable_product.id})]
        )
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        return order

    def _choose_slot(self, slot):
        """The checkout's slot selector."""
        return self._json("/fm_click_collect/set_slot", {"slot_id": slot.id}).json()

    def _start_payment(self, order):
        """The checkout's "Pay now" (pay at pickup), then the visitor leaves."""
        return self._json(
            f"/shop/payment/transaction/{order.id}",
            {
                "access_token": order._portal_ensure_token(),
                "amount": order.amount_total,
                "provider_id": self.provider.id,
                "payment_method_id": self.provider.payment_method_ids[:1].id,
                "token_id": None,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
            },
        ).json()

    def _last_day_slots(self):
        offered = self.post_point._fm_available_slots()
        day = offered[-1]["day"]
        return self.env["fm.click_collect.slot"].browse(
            [s["id"] for s in offered if s["day"] == day]
        )

    def _taken(self, slots):
        """Places no other customer can take in ``slots``, by slot."""
        self.env.invalidate_all()
        return [s.capacity - s.remaining for s in slots]

    # ------------------------------------------------------------ tests

    def test_attack_visitor_cannot_hold_several_places_with_one_session(self):
        slots = self._last_day_slots()[:4]
        first_cart = self._cart()
        self._visit_with_cart(first_cart)
        for slot in slots:
            # Choose a slot, start paying, come back and choose another one.
            self.assertEqual(self._choose_slot(slot)["result"]["slot"], slot.id)
            self.assertIn("result", self._start_payment(first_cart))
        self.assertEqual(self._taken(slots), [0, 0, 0, 1])
        # The same visitor starts a new cart (the first one waits for its
        # payment) and goes through the checkout again.
        second_cart = self._cart()
        self._visit_with_cart(second_cart)
        self.assertIn("result", self._choose_slot(slots[0]))
        self.assertIn("result", self._start_payment(second_cart))
        self.assertEqual(self._taken(slots), [1, 0, 0, 0])
        self.assertFalse(first_cart.fm_cc_hold_until)
        # The visitor walks away: the place is free again after the hold time.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=16)):
            self.assertEqual(self._taken(slots), [0, 0, 0, 0])
            offered = {s["id"] for s in self.post_point._fm_available_slots()}
            self.assertTrue(set(slots.ids) <= offered)

    @mute_logger("odoo.http")
    def test_paying_after_the_hold_expired_when_the_slot_filled_is_refused(self):
        slot = self._last_day_slots()[0]
        self._cc_order(slot=slot).action_confirm()  # one of the two places
        cart = self._cart()
        self._visit_with_cart(cart)
        self.assertIn("result", self._choose_slot(slot))
        self.assertEqual(self._taken(slot), [2])
        # The customer takes a long phone call; meanwhile someone takes the place.
        cart.write({"fm_cc_hold_until": fields.Datetime.now() - timedelta(minutes=1)})
        rival = self._cart()
        rival._fm_cc_set_slot(slot)
        answer = self._start_payment(cart)
        self.assertEqual(
            answer["error"]["data"]["message"],
            "This pickup slot is full, please choose another one.",
        )
        self.assertEqual(self._taken(slot), [2])
        self.assertFalse(cart.transaction_ids)
        self.assertEqual(cart.state, "draft")

    def test_paying_after_the_hold_expired_keeps_a_place_still_free(self):
        slot = self._last_day_slots()[0]
        cart = self._cart()
        self._visit_with_cart(cart)
        self.assertIn("result", self._choose_slot(slot))
        cart.write({"fm_cc_hold_until": fields.Datetime.now() - timedelta(minutes=1)})
        self.assertEqual(self._taken(slot), [0])
        self.assertIn("result", self._start_payment(cart))
        self.assertEqual(self._taken(slot), [1])
        self.assertGreater(cart.fm_cc_hold_until, fields.Datetime.now())
        # The customer chooses "pay at pickup": the order keeps the place for good.
        tx = cart.transaction_ids
        tx._set_pending()
        tx._post_process()
        self.assertEqual(cart.state, "sale")
        self.assertEqual((slot.booked_count, slot.held_count), (1, 0))

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
        self._visit_with_cart(order)
        result = self._json(
            "/fm_click_collect/set_slot", {"slot_id": other_slot.id}
        ).json()
        self.assertIn("does not belong", result["result"]["error"])
        self.assertFalse(order.fm_cc_slot_id)
