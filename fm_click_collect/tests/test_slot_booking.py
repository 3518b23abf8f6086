import json
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import FmClickCollectCommon


@tagged("post_install", "-at_install")
class TestSlotBooking(FmClickCollectCommon):
    def test_points_are_offered_in_the_pickup_widget_payload(self):
        locations = self.in_store_dm._in_store_get_close_locations(
            self.partner, product_id=self.storable_product.id
        )
        names = {loc["name"] for loc in locations}
        self.assertEqual(names, {"Traiteur Hydra", "Poste Ben Aknoun"})
        post = next(
            loc for loc in locations if loc["fm_point_id"] == self.post_point.id
        )
        for key in (
            "id",
            "street",
            "city",
            "latitude",
            "opening_hours",
            "additional_data",
        ):
            self.assertIn(key, post)
        self.assertTrue(post["additional_data"]["in_store_stock"]["in_stock"])

    def test_points_are_offered_when_the_map_service_cannot_be_reached(self):
        def no_internet(partners):
            raise UserError("Error with geolocation server: no route to host")

        cart = self._create_in_store_delivery_order()
        Partner = type(self.env["res.partner"])
        with patch.object(Partner, "geo_localize", no_internet):
            answer = cart._get_pickup_locations(
                zip_code="16000", country=self.env.ref("base.dz")
            )
        self.assertNotIn("error", answer)
        names = {loc["name"] for loc in answer["pickup_locations"]}
        self.assertEqual(names, {"Traiteur Hydra", "Poste Ben Aknoun"})

    def test_choosing_a_post_office_sets_its_warehouse(self):
        order = self._cc_order(point=self.post_point)
        self.assertEqual(order.fm_cc_point_id, self.post_point)
        self.assertEqual(order.warehouse_id, self.warehouse)
        self.assertEqual(order.pickup_location_data["name"], "Poste Ben Aknoun")

    def test_tampered_point_id_is_refused(self):
        order = self._create_in_store_delivery_order()
        other_wh = self._create_warehouse(name="Other", code="OTH")
        foreign = self.env["fm.click_collect.point"].create(
            {
                "name": "Not offered",
                "warehouse_id": other_wh.id,
                "partner_id": self.post_address.id,
                "opening_hours_id": self.calendar.id,
            }
        )
        with self.assertRaises(ValidationError):
            order._set_pickup_location(json.dumps({"fm_point_id": foreign.id}))
        with self.assertRaises(ValidationError):
            order._set_pickup_location(json.dumps({"id": other_wh.id, "name": "x"}))
        self.assertFalse(order.fm_cc_point_id)

    def test_slot_of_another_point_is_refused(self):
        order = self._cc_order(point=self.post_point)
        with self.assertRaises(UserError):
            order._fm_cc_set_slot(self._free_slot(self.shop_point))

    def test_cart_without_slot_cannot_be_paid(self):
        order = self._create_in_store_delivery_order()
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        with self.assertRaises(ValidationError):
            order._check_cart_is_ready_to_be_paid()

    def test_full_slot_is_not_offered_and_refused(self):
        slot = self._free_slot(self.post_point)
        for _i in range(2):
            self._cc_order(slot=slot)._fm_cc_book_slot()
        self.assertEqual(slot.booked_count, 2)
        offered = [s["id"] for s in self.post_point._fm_available_slots()]
        self.assertNotIn(slot.id, offered)
        late = self._create_in_store_delivery_order()
        late._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        with self.assertRaisesRegex(UserError, "full"):
            late._fm_cc_set_slot(slot)

    def test_cut_off_at_11_closes_same_day_slots(self):
        self.post_point.write({"cutoff_hour": 11.0, "lead_time": 30})
        # 10:59 and 11:01 Algiers time (UTC+1) on Monday 2030-03-11.
        with freeze_time("2030-03-11 09:00:00"):
            self.post_point._fm_generate_slots()
        lunch = self.env["fm.click_collect.slot"].search(
            [
                ("point_id", "=", self.post_point.id),
                ("start", "=", datetime(2030, 3, 11, 11, 30)),
            ]
        )
        self.assertTrue(lunch)
        with freeze_time("2030-03-11 09:59:00"):
            self.assertFalse(lunch._fm_unavailable_reason())
        with freeze_time("2030-03-11 10:01:00"):
            self.assertIn("cut-off", lunch._fm_unavailable_reason())
            days = {s["day"] for s in self.post_point._fm_available_slots()}
            self.assertNotIn("2030-03-11", days)
            self.assertIn("2030-03-12", days)

    def test_checkout_leaves_out_cut_off_and_closed_days(self):
        self.post_point.write({"cutoff_hour": 11.0, "lead_time": 30})
        with freeze_time("2030-03-11 09:00:00"):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Fête",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2030, 3, 12, 0, 0),
                    "date_to": datetime(2030, 3, 12, 22, 0),
                }
            )
            self.post_point._fm_generate_slots()
        Slot = self.env["fm.click_collect.slot"]
        with freeze_time("2030-03-11 09:59:00"):
            days = [d["day"] for d in Slot._fm_checkout_choices(self.post_point)]
        self.assertEqual(days, ["2030-03-11", "2030-03-13"])
        # 11:01 in Algiers: today's cut-off has passed.
        with freeze_time("2030-03-11 10:01:00"):
            days = [d["day"] for d in Slot._fm_checkout_choices(self.post_point)]
        self.assertEqual(days, ["2030-03-13"])

    def test_public_holiday_closes_the_day(self):
        with freeze_time("2030-03-11 06:00:00"):
            self.env["resource.calendar.leaves"].create(
                {
                    "name": "Fête",
                    "calendar_id": self.calendar.id,
                    "date_from": datetime(2030, 3, 12, 0, 0),
                    "date_to": datetime(2030, 3, 12, 22, 0),
                }
            )
            self.post_point._fm_generate_slots()
            days = {s["day"] for s in self.post_point._fm_available_slots()}
        self.assertIn("2030-03-11", days)
        self.assertNotIn("2030-03-12", days)

    def test_slot_generation_is_idempotent(self):
        count = len(self.post_point.slot_ids)
        self.post_point._fm_generate_slots()
        self.post_point._cron_generate_slots()
        self.assertEqual(len(self.post_point.slot_ids), count)
        self.assertGreater(count, 0)

    def test_cancel_releases_the_slot(self):
        order = self._cc_order()
        order.action_confirm()
        slot = order.fm_cc_slot_id
        self.assertEqual(slot.booked_count, 1)
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(slot.booked_count, 0)
        order._action_cancel()  # again: nothing more is released
        self.assertEqual(slot.booked_count, 0)

    THURSDAY_7AM = "2026-12-03 06:00:00"  # 07:00 in Algiers

    def _open_booking_on_thursday(self):
        """The post office's slots as generated on Thursday 3 December 2026."""
        Slot = self.env["fm.click_collect.slot"]
        with freeze_time(self.THURSDAY_7AM):
            Slot.search([("point_id", "=", self.post_point.id)]).unlink()
            self.post_point._fm_generate_slots()

    def _choices(self, lang="en_US", order=None):
        """The slot choice of the post office, seen on Thursday at 07:00."""
        self.env["res.lang"]._activate_lang(lang)
        self.env.invalidate_all()
        Slot = self.env["fm.click_collect.slot"].with_context(lang=lang)
        with freeze_time(self.THURSDAY_7AM):
            return Slot._fm_checkout_choices(self.post_point, order=order)

    def _friday_first_slot(self):
        slots = self._choices()[1]["slots"]
        return self.env["fm.click_collect.slot"].browse(slots[0]["id"])

    def test_slot_days_are_named_as_a_french_customer_reads_them(self):
        self._open_booking_on_thursday()
        days = self._choices("fr_FR")
        # booking_days = 3: today, tomorrow, then Saturday by its name.
        self.assertEqual(len(days), 3)
        self.assertEqual(days[2]["label"], "Samedi 5")
        self.assertEqual(days[2]["day"], "2026-12-05")
        # One hour of preparation: 08:00 is the first slot today.
        first = days[0]["slots"][0]
        self.assertEqual((first["start"], first["end"]), ("08:00", "08:30"))
        self.assertEqual(len(days[1]["slots"]), 24)

    def test_full_slots_are_shown_disabled_with_the_places_left_of_the_others(self):
        self._open_booking_on_thursday()
        slot = self._friday_first_slot()
        with freeze_time(self.THURSDAY_7AM):
            self._cc_order(slot=slot).action_confirm()
        shown = self._choices()[1]["slots"][0]
        self.assertEqual(shown["id"], slot.id)
        self.assertEqual((shown["status"], shown["remaining"]), ("free", 1))
        self.assertEqual(shown["text"], "08:00 - 08:30 (1 place left)")
        with freeze_time(self.THURSDAY_7AM):
            self._cc_order(slot=slot).action_confirm()
        friday = self._choices()[1]["slots"]
        self.assertEqual((friday[0]["id"], friday[0]["status"]), (slot.id, "full"))
        self.assertEqual(friday[0]["text"], "08:00 - 08:30 (full)")
        self.assertEqual(friday[1]["text"], "08:30 - 09:00 (2 places left)")

    def test_the_slot_a_cart_holds_stays_choosable_for_it(self):
        self._open_booking_on_thursday()
        slot = self._friday_first_slot()
        with freeze_time(self.THURSDAY_7AM):
            self._cc_order(slot=slot).action_confirm()
            cart = self._cc_order(slot=slot)  # holds the last place
        self.assertEqual(self._choices()[1]["slots"][0]["status"], "full")
        mine = self._choices(order=cart)[1]["slots"][0]
        self.assertEqual((mine["id"], mine["status"]), (slot.id, "free"))

    def test_the_chosen_slot_is_written_out_in_full_for_later(self):
        self._open_booking_on_thursday()
        slot = self._friday_first_slot()
        self.env["res.lang"]._activate_lang("fr_FR")
        label = slot.with_context(lang="fr_FR")._fm_label()
        self.assertTrue(label.startswith("Vendredi 4 décembre 2026"), label)
        self.assertIn("08:00", label)
        self.assertIn("08:30", label)
