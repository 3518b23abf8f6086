import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.http import root
from odoo.tests import HttpCase, new_test_user, tagged
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

    def _first_slots(self, point, count):
        """The first ``count`` slots a customer sees at checkout."""
        Slot = self.env["fm.click_collect.slot"]
        choices = Slot._fm_checkout_choices(point)
        return Slot.browse([s["id"] for d in choices for s in d["slots"]][:count])

    def _one_couscous(self):
        return [Command.create({"product_id": self.storable_product.id})]

    def test_tour_post_office_slot_pay_at_pickup(self):
        # Tomorrow's first slot is full: the customer takes the next one.
        tomorrow = self.env["fm.click_collect.slot"]._fm_checkout_choices(
            self.post_point
        )[-2]
        self.assertEqual(tomorrow["label"], "Tomorrow")
        full, expected = self.env["fm.click_collect.slot"].browse(
            [s["id"] for s in tomorrow["slots"][:2]]
        )
        for _i in range(full.capacity):
            self._cc_order(slot=full, order_line=self._one_couscous()).action_confirm()
        self.start_tour("/shop", "fm_click_collect_post_office_pay_at_pickup")
        order = self.env["sale.order"].search(
            [
                ("fm_cc_point_id", "=", self.post_point.id),
                ("fm_cc_slot_id", "!=", full.id),
            ],
            order="id desc",
            limit=1,
        )
        # The point and the first slot with places left, as chosen on screen.
        self.assertEqual(order.fm_cc_point_id, self.post_point)
        self.assertEqual(order.fm_cc_slot_id, expected)
        self.assertEqual(order.warehouse_id, self.post_point.warehouse_id)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.fm_cc_slot_booked)
        self.assertEqual(expected.booked_count, 1)
        self.assertEqual(full.booked_count, full.capacity)
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertEqual(order.partner_id.phone, "+213550123456")
        # One Couscous Royal, collected for free, paid at pickup.
        couscous = order.order_line.filtered("product_id.is_storable")
        self.assertEqual(couscous.product_uom_qty, 1)
        self.assertEqual(couscous.price_unit, self.storable_product.list_price)
        self.assertEqual(order.amount_total, couscous.price_total)
        self.assertFalse(order.fm_cc_paid)
        self.assertEqual(order.fm_cc_payment_status, "To pay at pickup")
        self.assertEqual(order.transaction_ids.amount, order.amount_total)

    # ------------------------------------------------------------ attacks

    def _set_pickup(self, payload):
        """The checkout's pickup choice, as the browser sends it."""
        return self._json(
            "/website_sale/set_pickup_location",
            {"pickup_location_data": json.dumps(payload)},
        ).json()

    def _other_company_point(self):
        company = self.env["res.company"].create({"name": "Traiteur d'Oran"})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        # One delivery method shared by both companies, as multi-company shops do.
        self.in_store_dm.write(
            {"company_id": False, "warehouse_ids": [Command.link(warehouse.id)]}
        )
        calendar = self.calendar.copy({"company_id": company.id})
        return (
            self.env["fm.click_collect.point"]
            .with_company(company)
            .create(
                {
                    "name": "Boutique Oran",
                    "warehouse_id": warehouse.id,
                    "partner_id": self.shop_address.id,
                    "opening_hours_id": calendar.id,
                    "capacity": 2,
                    "booking_days": 3,
                }
            )
        )

    @mute_logger("odoo.http")
    def test_attack_visitor_cannot_pick_a_point_of_another_company(self):
        oran = self._other_company_point()
        cart = self._cart()
        self._visit_with_cart(cart)
        answer = self._set_pickup({"fm_point_id": oran.id})
        self.assertIn("not available", answer["error"]["data"]["message"])
        self.assertEqual(cart.fm_cc_point_id, self.post_point)
        self.assertEqual(cart.warehouse_id, self.warehouse)
        # Nor is it listed to the customer, nor offered in Odoo's dialog.
        names = [p["name"] for p in self.in_store_dm._fm_cc_point_choices(cart)]
        self.assertEqual(sorted(names), ["Poste Ben Aknoun", "Traiteur Hydra"])
        # Its slots cannot be taken either.
        answer = self._choose_slot(self._first_slots(oran, 1))
        self.assertIn("does not belong", answer["result"]["error"])

    @mute_logger("odoo.http")
    def test_attack_visitor_cannot_pick_a_disabled_point(self):
        cart = self._cart()
        self.shop_point.active = False
        self._visit_with_cart(cart)
        answer = self._set_pickup({"fm_point_id": self.shop_point.id})
        self.assertIn("not available", answer["error"]["data"]["message"])
        self.assertEqual(cart.fm_cc_point_id, self.post_point)
        names = [p["name"] for p in self.in_store_dm._fm_cc_point_choices(cart)]
        self.assertEqual(names, ["Poste Ben Aknoun"])

    @mute_logger("odoo.http")
    def test_attack_visitor_cannot_skip_the_slot_with_a_bare_store(self):
        """With our points on offer, a store sent as Odoo's dialog sends one
        would be an order without a slot: refused."""
        cart = self._cart()
        self._visit_with_cart(cart)
        answer = self._set_pickup({"id": self.warehouse.id, "name": "Hydra"})
        self.assertIn("not available", answer["error"]["data"]["message"])
        self.assertEqual(cart.fm_cc_point_id, self.post_point)

    def test_attack_visitor_cannot_take_a_full_slot(self):
        free, full = self._first_slots(self.post_point, 2)
        for _i in range(full.capacity):
            self._cc_order(slot=full, order_line=self._one_couscous()).action_confirm()
        cart = self._cart()
        self._visit_with_cart(cart)
        self.assertIn("result", self._choose_slot(free))
        answer = self._choose_slot(full)["result"]
        self.assertEqual(
            answer["error"], "This pickup slot is full, please choose another one."
        )
        # The cart keeps its place in the slot it had.
        self.assertEqual(cart.fm_cc_slot_id, free)
        self.assertEqual(self._taken(full), [2])
        self.assertEqual(self._taken(free), [1])

    def test_attack_visitor_sends_no_slot_or_garbage(self):
        cart = self._cart()
        self._visit_with_cart(cart)
        for value in ("", "abc", None, 0, 10**9):
            answer = self._json("/fm_click_collect/set_slot", {"slot_id": value}).json()
            self.assertIn("error", answer["result"], value)
        self.assertFalse(cart.fm_cc_slot_id)

    def test_checkout_lists_our_points_and_the_grouped_slots(self):
        cart = self._cart()
        self._visit_with_cart(cart)
        page = self.url_open("/shop/checkout").text
        self.assertIn('name="fm_cc_point_list"', page)
        self.assertIn("Traiteur Hydra", page)
        self.assertIn("1 rue Didouche, Alger", page)
        self.assertIn('optgroup label="Tomorrow"', page)
        self.assertIn("(2 places left)", page)
        # The same choice, for scripts, from the cart's point only.
        answer = self._json("/fm_click_collect/slots", {}).json()["result"]
        labels = [day["label"] for day in answer["days"]]
        self.assertIn("Tomorrow", labels)
        offered = {s["id"] for day in answer["days"] for s in day["slots"]}
        self.assertTrue(offered <= set(self.post_point.slot_ids.ids))
        self.assertFalse(answer["selected"])

    # ------------------------------------------------------------ Odoo's stores

    def test_without_our_points_any_store_of_the_company_is_accepted_as_odoo_does(self):
        (self.shop_point | self.post_point).action_archive()
        other_store = self.env["stock.warehouse"].create(
            {"name": "Dépôt Blida", "code": "BLI"}
        )
        cart = self._create_in_store_delivery_order()
        cart._set_pickup_location(json.dumps({"id": other_store.id}))
        self.assertEqual(cart.warehouse_id, other_store)
        self.assertFalse(cart.fm_cc_point_id)
        oran = self.env["res.company"].create({"name": "Traiteur d'Oran"})
        oran_store = self.env["stock.warehouse"].search(
            [("company_id", "=", oran.id)], limit=1
        )
        for store_id in (oran_store.id, 10**9, "x"):
            with self.assertRaises(ValidationError):
                cart._set_pickup_location(json.dumps({"id": store_id}))
        self.assertEqual(cart.warehouse_id, other_store)

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


@tagged("post_install", "-at_install")
class TestWebsiteOtherCustomer(HttpCase, FmClickCollectCommon):
    """Amina (portal) picks up at the post office; Karim (portal, another
    customer) tries her order and her cart."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amina = new_test_user(
            cls.env, login="amina", groups="base.group_portal", name="Amina Benali"
        )
        cls.karim = new_test_user(
            cls.env, login="karim", groups="base.group_portal", name="Karim Haddad"
        )

    def _cart_of(self, user):
        order = self._create_in_store_delivery_order(partner_id=user.partner_id.id)
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        return order

    def test_another_customer_cannot_open_an_order_with_its_pickup_code(self):
        order = self._cart_of(self.amina)
        order._fm_cc_set_slot(self._free_slot(self.post_point))
        self._pay_on_site(order)
        self.assertTrue(order.fm_cc_pickup_code)
        self.authenticate("karim", "karim")
        for url in (
            f"/my/orders/{order.id}",
            f"/my/orders/{order.id}?access_token=forged",
            f"/shop/confirmation?order_id={order.id}",
        ):
            page = self.url_open(url)
            self.assertNotIn(order.fm_cc_pickup_code, page.text, url)
            self.assertNotIn(order.name, page.text, url)
        # Amina herself sees her code.
        self.authenticate("amina", "amina")
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertIn(order.fm_cc_pickup_code, page.text)

    def test_customer_without_cart_cannot_set_a_slot_on_another_cart(self):
        amina_cart = self._cart_of(self.amina)
        slot = self._free_slot(self.post_point)
        amina_cart._fm_cc_set_slot(slot)
        other_slot = self.env["fm.click_collect.slot"].browse(
            self.post_point._fm_available_slots()[1]["id"]
        )
        self.authenticate("karim", "karim")
        response = self.url_open(
            "/fm_click_collect/set_slot",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {"slot_id": other_slot.id},
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(
            response.json()["error"]["data"]["name"], "werkzeug.exceptions.NotFound"
        )
        self.assertEqual(amina_cart.fm_cc_slot_id, slot)
        self.assertEqual(amina_cart.partner_id, self.amina.partner_id)
