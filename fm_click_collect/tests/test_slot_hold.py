import json
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import FmClickCollectCommon

HOLD = timedelta(minutes=15)


@tagged("post_install", "-at_install")
class TestSlotHold(FmClickCollectCommon):
    """An unpaid checkout holds one place for the hold time (15 minutes by
    default); a confirmed order keeps its place for good."""

    def _carts(self, count, point=None):
        """``count`` anonymous website carts for pickup at ``point``."""
        point = point or self.post_point
        visitor = self.website.user_id.partner_id
        return self.env["sale.order"].create(
            [
                {
                    "partner_id": visitor.id,
                    "website_id": self.website.id,
                    "fm_cc_point_id": point.id,
                }
                for _i in range(count)
            ]
        )

    def _last_day_slots(self, point=None):
        """Every slot of the last day open for booking (a whole day: 08:00-20:00)."""
        offered = (point or self.post_point)._fm_available_slots()
        day = offered[-1]["day"]
        slots = self.env["fm.click_collect.slot"].browse(
            [s["id"] for s in offered if s["day"] == day]
        )
        self.assertEqual(len(slots), 24)
        return slots

    def _holders(self, orders, now):
        return orders.filtered_domain(orders._fm_cc_live_hold_domain(now))

    def _held(self, slots):
        slots.invalidate_recordset(["held_count", "remaining"])
        return sum(slots.mapped("held_count"))

    # ------------------------------------------------------------ the attack

    def test_attack_1000_abandoned_checkouts_cannot_fill_a_day(self):
        slots = self._last_day_slots()
        places = sum(slots.mapped("capacity"))
        carts = self._carts(1000)
        start = fields.Datetime.now()
        with freeze_time(start):
            refused = 0
            for i, cart in enumerate(carts):
                # Each checkout changes its mind once, as a bot cycling slots would.
                for slot in (slots[i % 24], slots[(i + 1) % 24]):
                    try:
                        cart._fm_cc_set_slot(slot)
                    except UserError:
                        refused += 1
            holders = self._holders(carts, start)
            # While the holds are fresh: one place per cart, never two, never
            # more than the day offers.
            self.assertEqual(len(holders), places)
            self.assertEqual(self._held(slots), len(holders))
            self.assertEqual(slots.mapped("remaining"), [0] * 24)
            for slot in slots:
                self.assertEqual(slot.held_count, slot.capacity)
                self.assertFalse(slot.booked_count)
            self.assertGreater(refused, 1000)
        with freeze_time(start + HOLD + timedelta(seconds=1)):
            # The bots are gone: every slot of the day can be booked again,
            # before any cron ran.
            self.assertEqual(self._held(slots), 0)
            offered = {
                s["id"]: s["remaining"] for s in self.post_point._fm_available_slots()
            }
            for slot in slots:
                self.assertFalse(slot._fm_unavailable_reason())
                self.assertEqual(offered.get(slot.id), slot.capacity)
            customers = self._carts(places)
            for i, customer in enumerate(customers):
                customer._fm_cc_set_slot(slots[i // 2])
                customer._fm_cc_book_slot()
            self.assertEqual(slots.mapped("booked_count"), [2] * 24)

    def test_attack_salesman_cannot_write_a_place_by_rpc(self):
        """What /web/dataset/call_kw lets a salesman send, whatever the context."""
        salesman = new_test_user(
            self.env,
            login="salesman_cc",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        slot, full = self._last_day_slots()[:2]
        cart = self._carts(1)
        cart._fm_cc_set_slot(slot)
        for checkout in self._carts(2):
            checkout._fm_cc_set_slot(full)
        forever = fields.Datetime.now() + timedelta(days=365)
        as_salesman = cart.with_user(salesman).with_context(fm_cc_hold=True)
        for vals in ({"fm_cc_hold_until": forever}, {"fm_cc_slot_booked": True}):
            with self.assertRaises(AccessError):
                as_salesman.write(vals)
            with self.assertRaises(AccessError):
                as_salesman.create(
                    {"partner_id": self.partner.id, "fm_cc_slot_id": full.id, **vals}
                )
        # Moving the order by hand to a full slot does not take its hold along.
        as_salesman.write({"fm_cc_slot_id": full.id})
        self.assertFalse(cart.fm_cc_hold_until)
        self.assertEqual(self._held(full), 2)
        self.assertEqual(self._held(slot), 0)
        with self.assertRaisesRegex(UserError, "full"):
            cart._fm_cc_book_slot()
        self.assertEqual(full.booked_count, 0)

    def test_attack_salesman_marks_an_order_collected_or_sets_its_code(self):
        salesman = new_test_user(
            self.env,
            login="salesman_cc_state",
            groups="sales_team.group_sale_salesman_all_leads",
        )
        cart = self._carts(1).with_user(salesman).with_context(tracking_disable=True)
        for vals in (
            {"fm_cc_state": "collected"},
            {"fm_cc_pickup_code": "ABC123"},
            {"fm_cc_collected_date": fields.Datetime.now()},
            {"fm_cc_override_reason": "trust me"},
        ):
            with self.assertRaises(AccessError):
                cart.write(vals)
        self.assertFalse(cart.fm_cc_state)

    # ------------------------------------------------------------ the rules

    def test_choosing_another_slot_moves_the_hold(self):
        first, second = self._last_day_slots()[:2]
        cart = self._carts(1)
        cart._fm_cc_set_slot(first)
        self.assertEqual((self._held(first), self._held(second)), (1, 0))
        cart._fm_cc_set_slot(second)
        self.assertEqual((self._held(first), self._held(second)), (0, 1))
        # A refused choice leaves the cart its place.
        for other in self._carts(2):
            other._fm_cc_set_slot(first)
        with self.assertRaisesRegex(UserError, "full"):
            cart._fm_cc_set_slot(first)
        self.assertEqual(cart.fm_cc_slot_id, second)
        self.assertEqual((self._held(first), self._held(second)), (2, 1))

    def test_choosing_another_point_gives_the_held_place_back(self):
        slot = self._last_day_slots()[0]
        cart = self._cc_order(slot=slot)
        self.assertEqual(self._held(slot), 1)
        cart._set_pickup_location(json.dumps({"fm_point_id": self.shop_point.id}))
        self.assertEqual(cart.fm_cc_point_id, self.shop_point)
        self.assertFalse(cart.fm_cc_slot_id)
        self.assertEqual(self._held(slot), 0)
        # The same point again keeps the slot chosen.
        cart._fm_cc_set_slot(self._last_day_slots(self.shop_point)[0])
        cart._set_pickup_location(json.dumps({"fm_point_id": self.shop_point.id}))
        self.assertTrue(cart.fm_cc_slot_id)

    def test_hold_lasts_the_minutes_set_in_the_settings(self):
        self.env["res.config.settings"].create({"fm_cc_hold_minutes": 5}).set_values()
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("fm_click_collect.hold_minutes"),
            "5",
        )
        slot = self._last_day_slots()[0]
        start = fields.Datetime.now()
        with freeze_time(start):
            self._carts(1)._fm_cc_set_slot(slot)
        with freeze_time(start + timedelta(minutes=4, seconds=59)):
            self.assertEqual(self._held(slot), 1)
        with freeze_time(start + timedelta(minutes=5)):
            self.assertEqual(self._held(slot), 0)

    def test_hold_time_is_15_minutes_unless_set_and_always_positive(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.fm_cc_hold_minutes, 15)
        for minutes in (0, -5, 100_000):
            with self.assertRaises(ValidationError):
                self.env["res.config.settings"].create({"fm_cc_hold_minutes": minutes})
        # A parameter broken by hand never gives carts places for ever.
        params = self.env["ir.config_parameter"]
        for raw in ("abc", "0", "999999"):
            params.set_param("fm_click_collect.hold_minutes", raw)
            self.assertEqual(self.env["sale.order"]._fm_cc_hold_minutes(), 15)

    def test_hold_time_is_set_in_the_website_settings_in_french(self):
        for lang in ("en_US", "fr_FR"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["fm_click_collect"], ["fr_FR"], overwrite=True
        )
        settings = self.env["res.config.settings"].with_context(lang="fr_FR")
        arch = settings.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="fm_cc_hold_minutes"', arch)
        self.assertIn("Réservation d'un créneau de retrait", arch)
        self.assertEqual(
            settings.fields_get(["fm_cc_hold_minutes"])["fm_cc_hold_minutes"]["string"],
            "Réservation d'un créneau de retrait (minutes)",
        )

    def test_a_cart_holding_the_last_place_is_still_offered_it(self):
        slot = self._last_day_slots()[0]
        cart, other = self._carts(2)
        other._fm_cc_set_slot(slot)
        cart._fm_cc_set_slot(slot)
        offered = {s["id"] for s in self.post_point._fm_available_slots()}
        self.assertNotIn(slot.id, offered)
        offered = self.post_point._fm_available_slots(order=cart)
        mine = next(s for s in offered if s["id"] == slot.id)
        self.assertEqual(mine["remaining"], 1)
        self.assertFalse(cart._fm_cc_checkout_error())

    def test_confirmed_order_keeps_its_place_for_good(self):
        slot = self._last_day_slots()[0]
        order = self._cc_order(slot=slot)
        order.action_confirm()
        self.assertTrue(order.fm_cc_slot_booked)
        self.assertFalse(order.fm_cc_hold_until)
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            self.env["sale.order"]._cron_fm_cc_no_show()
            self.assertEqual(slot.booked_count, 1)
            slot.invalidate_recordset(["remaining"])
            self.assertEqual(slot.remaining, slot.capacity - 1)

    def test_expired_hold_is_taken_again_when_free_and_refused_when_not(self):
        first, second = self._last_day_slots()[:2]
        late, taken = self._carts(2)
        start = fields.Datetime.now()
        with freeze_time(start):
            late._fm_cc_set_slot(first)
            taken._fm_cc_set_slot(second)
        with freeze_time(start + HOLD + timedelta(minutes=5)):
            # Nobody took the first slot: paying renews the hold.
            late._fm_cc_hold_slot()
            self.assertEqual(late.fm_cc_hold_until, fields.Datetime.now() + HOLD)
            # The second slot filled meanwhile: a clear message, no third place.
            for other in self._carts(2):
                other._fm_cc_set_slot(second)
            self.assertEqual(
                taken._fm_cc_checkout_error(),
                "This pickup slot is full, please choose another one.",
            )
            with self.assertRaisesRegex(ValidationError, "full"):
                taken._check_cart_is_ready_to_be_paid()
            with self.assertRaisesRegex(UserError, "full"):
                taken._fm_cc_hold_slot()
            with self.assertRaisesRegex(UserError, "full"):
                taken._fm_cc_book_slot()
            self.assertEqual(self._held(second), 2)
            self.assertEqual(second.booked_count, 0)

    def test_housekeeping_clears_expired_holds_only_and_runs_twice(self):
        slots = self._last_day_slots()
        old, fresh = self._carts(2)
        start = fields.Datetime.now()
        with freeze_time(start):
            old._fm_cc_set_slot(slots[0])
        with freeze_time(start + timedelta(minutes=10)):
            fresh._fm_cc_set_slot(slots[1])
            paid = self._cc_order(slot=slots[2])
            paid.action_confirm()
        with freeze_time(start + HOLD + timedelta(minutes=1)):
            for _run in range(2):
                self.env["sale.order"]._cron_fm_cc_no_show()
                self.assertFalse(old.fm_cc_hold_until)
                self.assertTrue(fresh.fm_cc_hold_until)
                self.assertTrue(paid.fm_cc_slot_booked)
                held = [self._held(s) for s in slots[:3]]
                self.assertEqual(held, [0, 1, 0])
                self.assertEqual(slots[:3].mapped("booked_count"), [0, 0, 1])

    def test_unpaid_cart_booked_before_holds_gives_its_place_back(self):
        slot = self._last_day_slots()[0]
        cart = self._carts(1)
        # As the previous version did when the customer started paying.
        slot._fm_book()
        cart.write({"fm_cc_slot_id": slot.id, "fm_cc_slot_booked": True})
        self.env["sale.order"]._cron_fm_cc_no_show()
        self.assertFalse(cart.fm_cc_slot_booked)
        self.assertEqual(slot.booked_count, 0)

    def test_cancel_gives_the_hold_back(self):
        slot = self._last_day_slots()[0]
        cart = self._carts(1)
        cart._fm_cc_set_slot(slot)
        cart.with_context(disable_cancel_warning=True).action_cancel()
        self.assertFalse(cart.fm_cc_hold_until)
        self.assertEqual(self._held(slot), 0)
