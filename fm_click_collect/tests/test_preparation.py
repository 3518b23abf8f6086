from datetime import datetime, timedelta

import psycopg2
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from . import test_website
from .common import FmClickCollectCommon

# Thursday 3 December 2026, 08:00 in Algiers (UTC+1).
THURSDAY_8AM = datetime(2026, 12, 3, 7, 0)


class FmClickCollectKitchenCommon(FmClickCollectCommon):
    """A caterer's dishes: a wedding cake ordered 48 h ahead, couscous taking
    15 minutes of the kitchen, petits fours half a minute each, and water."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def dish(name, minutes=0.0, notice=0):
            return cls._create_product(
                name=name,
                list_price=100.0,
                is_storable=False,
                fm_cc_prep_minutes=minutes,
                fm_cc_notice_hours=notice,
            )

        cls.cake = dish("Pièce montée", 30, 48)
        cls.couscous = dish("Couscous royal", 15)
        cls.petits_fours = dish("Petits fours", 0.5)
        cls.water = dish("Eau minérale")
        cls.post_point.booking_days = 4

    def _open_booking(self, point=None, at=THURSDAY_8AM):
        """The point's slots as generated at ``at``."""
        point = point or self.post_point
        with freeze_time(at):
            point.slot_ids.unlink()
            point._fm_generate_slots()

    def _slot(self, local, point=None):
        """The slot starting at ``local`` (Algiers wall time, 'YYYY-MM-DD HH:MM')."""
        start = datetime.fromisoformat(local) - timedelta(hours=1)
        slot = self.env["fm.click_collect.slot"].search(
            [("point_id", "=", (point or self.post_point).id), ("start", "=", start)]
        )
        self.assertTrue(slot, local)
        return slot

    def _lines(self, *product_qties):
        return [
            Command.create({"product_id": product.id, "product_uom_qty": qty})
            for product, qty in product_qties
        ]

    def _cart(self, *product_qties, point=None):
        """A website cart for pickup at ``point``, no slot chosen yet."""
        order = self._create_in_store_delivery_order(
            order_line=self._lines(*product_qties)
        )
        order._set_pickup_location(
            f'{{"fm_point_id": {(point or self.post_point).id}}}'
        )
        return order

    def _offer(self, order, at=THURSDAY_8AM):
        with freeze_time(at):
            return order._fm_cc_slot_offer()

    def _offered_ids(self, offer, free_only=True):
        return [
            slot["id"]
            for day in offer["days"]
            for slot in day["slots"]
            if not free_only or slot["status"] == "free"
        ]

    def _kitchen(self, minutes=60):
        """The post office counts its slots in 60 kitchen minutes."""
        self.post_point.write({"capacity_type": "minutes", "capacity_minutes": minutes})
        self._open_booking()


@tagged("post_install", "-at_install")
class TestPreparationNotice(FmClickCollectKitchenCommon):
    def test_preparation_settings_are_on_the_product_form_and_never_negative(self):
        form = Form(self.env["product.template"])
        form.name = "Croquembouche"
        form.fm_cc_prep_minutes = 20
        form.fm_cc_notice_hours = 72
        cake = form.save()
        self.assertEqual((cake.fm_cc_prep_minutes, cake.fm_cc_notice_hours), (20, 72))
        for field in ("fm_cc_prep_minutes", "fm_cc_notice_hours"):
            with self.assertRaises(ValidationError) as refused:
                cake.write({field: -1})
            self.assertIn("cannot be negative", str(refused.exception))
            self.assertIn("Croquembouche", str(refused.exception))

    def test_a_slot_exactly_48_hours_later_is_the_first_offered_for_the_cake(self):
        self._open_booking()
        cart = self._cart((self.cake, 1), (self.couscous, 2))
        offer = self._offer(cart)
        offered = self._offered_ids(offer)
        # Thursday 08:00 + 48 h: Saturday 08:00, and nothing before it.
        self.assertEqual(offered[0], self._slot("2026-12-05 08:00").id)
        self.assertEqual(offer["days"][0]["day"], "2026-12-05")
        self.assertEqual(
            offer["advice"],
            "Pièce montée needs 48 h notice: earlier pickup slots are not offered.",
        )
        with freeze_time(THURSDAY_8AM):
            cart._fm_cc_set_slot(self._slot("2026-12-05 08:00"))
        self.assertTrue(cart.fm_cc_hold_until)
        # One second later, the same slot is 1 second short of 48 h.
        late = self._cart((self.cake, 1))
        with (
            freeze_time(THURSDAY_8AM + timedelta(seconds=1)),
            self.assertRaises(UserError) as refused,
        ):
            late._fm_cc_set_slot(self._slot("2026-12-05 08:00"))
        self.assertEqual(
            refused.exception.args[0],
            "Pièce montée needs 48 h notice: please choose a later pickup slot.",
        )
        self.assertFalse(late.fm_cc_slot_id)

    def test_a_cart_of_same_day_dishes_is_offered_today_without_advice(self):
        self._open_booking()
        offer = self._offer(self._cart((self.couscous, 2), (self.water, 1)))
        self.assertEqual(offer["days"][0]["label"], "Today")
        # One hour of lead time at the point: 09:00 is the first slot.
        self.assertEqual(self._offered_ids(offer)[0], self._slot("2026-12-03 09:00").id)
        self.assertFalse(offer["advice"])

    def test_the_cake_added_after_choosing_tomorrow_is_refused_at_payment(self):
        self._open_booking()
        cart = self._cart((self.couscous, 2))
        friday = self._slot("2026-12-04 12:00")
        with freeze_time(THURSDAY_8AM):
            cart._fm_cc_set_slot(friday)
            cart.order_line = self._lines((self.cake, 1))
            error = cart._fm_cc_checkout_error()
            with self.assertRaises(UserError):
                cart._fm_cc_hold_slot()
            with self.assertRaises(UserError):
                cart.action_confirm()
        self.assertEqual(
            error, "Pièce montée needs 48 h notice: please choose a later pickup slot."
        )
        self.assertEqual(friday.booked_count, 0)
        self.assertEqual(cart.state, "draft")

    def test_a_customer_paying_a_few_minutes_later_keeps_the_48_hour_slot(self):
        self._open_booking()
        cart = self._cart((self.cake, 1))
        saturday = self._slot("2026-12-05 08:00")
        with freeze_time(THURSDAY_8AM):
            cart._fm_cc_set_slot(saturday)
        # Ten minutes on the phone, then "Pay": the hold was taken in time.
        with freeze_time(THURSDAY_8AM + timedelta(minutes=10)):
            self.assertFalse(cart._fm_cc_checkout_error())
            cart._fm_cc_hold_slot()
            cart.action_confirm()
        self.assertTrue(cart.fm_cc_slot_booked)
        self.assertEqual(saturday.booked_count, 1)
        # A cart whose hold ran out is checked again from now.
        other = self._cart((self.cake, 1))
        with freeze_time(THURSDAY_8AM):
            other._fm_cc_set_slot(self._slot("2026-12-05 08:30"))
        with (
            freeze_time(THURSDAY_8AM + timedelta(minutes=31)),
            self.assertRaises(UserError),
        ):
            other._fm_cc_hold_slot()

    def test_no_slot_open_48_hours_ahead_tells_the_customer_why(self):
        self.post_point.booking_days = 2  # Thursday and Friday only
        self._open_booking()
        offer = self._offer(self._cart((self.cake, 1), (self.couscous, 1)))
        self.assertEqual(offer["days"], [])
        self.assertEqual(
            offer["advice"],
            "Pièce montée needs 48 h notice, and no pickup slot is open that far "
            "ahead yet.",
        )

    def test_salesman_confirming_a_quotation_for_a_slot_too_soon_is_refused(self):
        self._open_booking()
        salesman = new_test_user(
            self.env,
            login="fmcc_salesman",
            name="Yacine Commercial",
            groups="sales_team.group_sale_salesman_all_leads,base.group_partner_manager",
        )
        quotation = self._cart((self.cake, 1))
        friday = self._slot("2026-12-04 12:00")
        # The slot field is read-only on the form; over RPC it is written.
        quotation.with_user(salesman).write({"fm_cc_slot_id": friday.id})
        with freeze_time(THURSDAY_8AM), self.assertRaises(UserError) as refused:
            quotation.with_user(salesman).action_confirm()
        self.assertIn("Pièce montée needs 48 h notice", refused.exception.args[0])
        self.assertEqual(quotation.state, "draft")
        self.assertEqual(friday.booked_count, 0)
        saturday = self._slot("2026-12-05 12:00")
        quotation.with_user(salesman).write({"fm_cc_slot_id": saturday.id})
        with freeze_time(THURSDAY_8AM):
            quotation.with_user(salesman).action_confirm()
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(saturday.booked_count, 1)

    def test_attack_salesman_cannot_shrink_the_kitchen_minutes_of_an_order(self):
        salesman = new_test_user(
            self.env,
            login="fmcc_salesman_minutes",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        quotation = self._cart((self.couscous, 4))
        self.assertEqual(quotation.fm_cc_prep_minutes, 60)
        for create_or_write in (
            lambda: quotation.with_user(salesman).write({"fm_cc_prep_minutes": 0}),
            lambda: (
                self.env["sale.order"]
                .with_user(salesman)
                .create({"partner_id": self.partner.id, "fm_cc_prep_minutes": 0})
            ),
        ):
            with self.assertRaises(AccessError):
                create_or_write()
        self.assertEqual(quotation.fm_cc_prep_minutes, 60)


@tagged("post_install", "-at_install")
class TestKitchenMinutes(FmClickCollectKitchenCommon):
    def _book(self, slot, *product_qties):
        cart = self._cart(*product_qties)
        with freeze_time(THURSDAY_8AM):
            cart._fm_cc_set_slot(slot)
            cart.action_confirm()
        return cart

    def test_point_form_counts_slots_in_kitchen_minutes(self):
        form = Form(self.post_point)
        form.capacity_type = "minutes"
        form.capacity_minutes = 90
        form.save()
        now = fields.Datetime.now()
        slots = self.post_point.slot_ids.filtered(lambda s: s.start > now)
        self.assertTrue(slots)
        self.assertEqual(set(slots.mapped("capacity_type")), {"minutes"})
        self.assertEqual(set(slots.mapped("capacity_minutes")), {90})

    def test_orders_take_their_cart_minutes_up_to_the_last_one(self):
        self._kitchen(60)
        slot = self._slot("2026-12-04 12:00")
        first = self._book(slot, (self.couscous, 2))  # 30 minutes
        self.assertEqual(first.fm_cc_prep_minutes, 30)
        self.assertEqual((slot.booked_minutes, slot.minutes_left), (30, 30))
        self._book(slot, (self.couscous, 1), (self.petits_fours, 29))  # 29.5 -> 30
        self.assertEqual((slot.booked_count, slot.booked_minutes), (2, 60))
        # Water takes no kitchen time: it still fits the full kitchen.
        self._book(slot, (self.water, 6))
        self.assertEqual((slot.booked_count, slot.booked_minutes), (3, 60))
        late = self._cart((self.couscous, 1))
        with freeze_time(THURSDAY_8AM), self.assertRaises(UserError) as refused:
            late._fm_cc_set_slot(slot)
        self.assertEqual(
            refused.exception.args[0],
            "The kitchen has no time left to prepare your order for this pickup "
            "slot (15 minutes needed), please choose another one.",
        )
        offer = self._offer(late)
        shown = next(s for d in offer["days"] for s in d["slots"] if s["id"] == slot.id)
        self.assertEqual(
            (shown["status"], shown["text"]), ("full", "12:00 - 12:30 (full)")
        )
        # The first customer cancels: their 30 minutes are free again.
        first.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual((slot.booked_count, slot.booked_minutes), (2, 30))
        with freeze_time(THURSDAY_8AM):
            late._fm_cc_set_slot(slot)
        self.assertEqual(late.fm_cc_slot_id, slot)

    def test_a_slot_whose_kitchen_minutes_are_nearly_full(self):
        self._kitchen(60)
        slot = self._slot("2026-12-04 12:00")
        self._book(slot, (self.couscous, 3))  # 45 of 60 minutes
        too_much = self._cart((self.petits_fours, 31))  # 15.5 -> 16 minutes
        just_enough = self._cart((self.petits_fours, 30))  # 15 minutes
        self.assertEqual(
            (too_much.fm_cc_prep_minutes, just_enough.fm_cc_prep_minutes), (16, 15)
        )
        self.assertNotIn(slot.id, self._offered_ids(self._offer(too_much)))
        self.assertIn(slot.id, self._offered_ids(self._offer(just_enough)))
        with freeze_time(THURSDAY_8AM):
            self.assertNotIn(
                slot.id,
                [s["id"] for s in self.post_point._fm_available_slots(order=too_much)],
            )
            with self.assertRaises(UserError):
                too_much._fm_cc_set_slot(slot)
            just_enough._fm_cc_set_slot(slot)
            just_enough.action_confirm()
        self.assertEqual((slot.booked_minutes, slot.minutes_left), (60, 0))

    def test_an_unpaid_cart_holds_its_minutes_until_its_hold_ends(self):
        self._kitchen(60)
        slot = self._slot("2026-12-04 12:00")
        holder = self._cart((self.couscous, 3))  # 45 minutes
        with freeze_time(THURSDAY_8AM):
            holder._fm_cc_set_slot(slot)
            self.assertEqual((slot.held_minutes, slot.minutes_left), (45, 15))
        rival = self._cart((self.couscous, 2))  # 30 minutes
        with freeze_time(THURSDAY_8AM), self.assertRaises(UserError):
            rival._fm_cc_set_slot(slot)
        with freeze_time(THURSDAY_8AM + timedelta(minutes=16)):
            rival._fm_cc_set_slot(slot)
            rival.action_confirm()
        self.assertEqual(slot.booked_minutes, 30)
        # The first customer comes back: 45 minutes no longer fit.
        with freeze_time(THURSDAY_8AM + timedelta(minutes=17)):
            self.assertIn("kitchen has no time left", holder._fm_cc_checkout_error())

    def test_a_cart_bigger_than_the_kitchen_of_a_slot_is_told_to_call(self):
        self._kitchen(60)
        offer = self._offer(self._cart((self.couscous, 5)))  # 75 minutes
        self.assertEqual(self._offered_ids(offer), [])
        self.assertEqual(
            offer["advice"],
            "Your order needs 75 minutes of preparation, more than the kitchen has "
            "for one pickup slot (60 minutes): please call us to arrange it.",
        )

    def test_switching_to_kitchen_minutes_keeps_what_is_booked(self):
        self._open_booking()
        slot = self._slot("2026-12-04 12:00")
        self._book(slot, (self.couscous, 2))  # 30 minutes, counted in orders
        self.assertEqual(slot.booked_minutes, 30)
        with freeze_time(THURSDAY_8AM):
            self.post_point.write({"capacity_type": "minutes", "capacity_minutes": 20})
        self.assertEqual((slot.capacity_type, slot.capacity_minutes), ("minutes", 30))
        self.assertEqual(self._slot("2026-12-04 12:30").capacity_minutes, 20)
        with freeze_time(THURSDAY_8AM), self.assertRaises(UserError):
            self._cart((self.couscous, 1))._fm_cc_set_slot(slot)

    @mute_logger("odoo.sql_db")
    def test_a_point_counting_minutes_needs_kitchen_minutes(self):
        with self.assertRaises(psycopg2.IntegrityError), self.env.cr.savepoint():
            self.post_point.write({"capacity_type": "minutes", "capacity_minutes": 0})


@tagged("post_install", "-at_install")
class TestPreparationWebsite(HttpCase, FmClickCollectKitchenCommon):
    """A visitor posting slot ids over HTTP, on the real clock."""

    _json = test_website.TestWebsite._json
    _visit_with_cart = test_website.TestWebsite._visit_with_cart
    _start_payment = test_website.TestWebsite._start_payment

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.write({"state": "enabled", "is_published": True})

    def _choose_slot(self, slot):
        return self._json("/fm_click_collect/set_slot", {"slot_id": slot.id}).json()

    def _slots_from(self, hours):
        """Slots the point offers starting at least ``hours`` from now, and
        the ones sooner."""
        ready = fields.Datetime.now() + timedelta(hours=hours)
        Slot = self.env["fm.click_collect.slot"]
        slots = Slot.browse([s["id"] for s in self.post_point._fm_available_slots()])
        return slots.filtered(lambda s: s.start >= ready), slots.filtered(
            lambda s: s.start < ready
        )

    def test_attack_visitor_posting_a_slot_too_soon_for_the_cake_is_refused(self):
        # Half an hour to spare: the server's clock runs on meanwhile.
        later = self._slots_from(48.5)[0]
        sooner = self._slots_from(48)[1]
        cart = self._cart((self.cake, 1), (self.couscous, 1))
        self._visit_with_cart(cart)
        answer = self._choose_slot(sooner[-1])["result"]
        self.assertEqual(
            answer["error"],
            "Pièce montée needs 48 h notice: please choose a later pickup slot.",
        )
        self.assertFalse(cart.fm_cc_slot_id)
        self.assertEqual(self._choose_slot(later[0])["result"]["slot"], later[0].id)
        self.assertEqual(cart.fm_cc_slot_id, later[0])

    def test_attack_visitor_posting_a_slot_without_kitchen_time_is_refused(self):
        self.post_point.write({"capacity_type": "minutes", "capacity_minutes": 60})
        slot = self._slots_from(2)[0][0]
        booked = self._cart((self.couscous, 3))  # 45 of 60 minutes
        booked._fm_cc_set_slot(slot)
        booked.action_confirm()
        cart = self._cart((self.couscous, 2))  # 30 minutes
        self._visit_with_cart(cart)
        answer = self._choose_slot(slot)["result"]
        self.assertEqual(
            answer["error"],
            "The kitchen has no time left to prepare your order for this pickup "
            "slot (30 minutes needed), please choose another one.",
        )
        self.assertFalse(cart.fm_cc_slot_id)
        self.assertEqual((slot.booked_count, slot.booked_minutes), (1, 45))

    def test_checkout_tells_why_the_first_days_are_not_offered(self):
        cart = self._cart((self.cake, 1))
        self._visit_with_cart(cart)
        page = self.url_open("/shop/checkout").text
        advice = "Pièce montée needs 48 h notice: earlier pickup slots are not offered."
        self.assertIn(advice, page)
        self.assertNotIn('optgroup label="Today"', page)
        answer = self._json("/fm_click_collect/slots", {}).json()["result"]
        self.assertEqual(answer["advice"], advice)
        ready = fields.Datetime.now() + timedelta(hours=48)
        starts = self.env["fm.click_collect.slot"].browse(
            [s["id"] for day in answer["days"] for s in day["slots"]]
        )
        self.assertTrue(starts)
        self.assertTrue(all(slot.start >= ready for slot in starts))

    @mute_logger("odoo.http")
    def test_attack_cake_added_after_the_slot_is_refused_when_paying(self):
        slot = self._slots_from(48)[1][0]  # within 48 hours
        cart = self._cart((self.couscous, 1))
        self._visit_with_cart(cart)
        self.assertIn("result", self._choose_slot(slot))
        cart.order_line = self._lines((self.cake, 1))
        answer = self._start_payment(cart)
        self.assertEqual(
            answer["error"]["data"]["message"],
            "Pièce montée needs 48 h notice: please choose a later pickup slot.",
        )
        self.assertFalse(cart.transaction_ids)
        self.assertEqual(cart.state, "draft")
        self.assertEqual(slot.booked_count, 0)
