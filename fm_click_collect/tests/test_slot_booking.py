import json
from datetime import datetime

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

    def test_slot_days_are_shown_in_the_customers_date_format(self):
        for lang in ("en_US", "fr_FR"):
            self.env["res.lang"]._activate_lang(lang)
        for lang, pattern in (("fr_FR", "%d/%m/%Y"), ("en_US", "%m/%d/%Y")):
            point = self.post_point.with_context(lang=lang)
            slot = point._fm_available_slots()[0]
            shown = datetime.strptime(slot["day_label"], pattern).date()
            self.assertEqual(shown.isoformat(), slot["day"], lang)
            label = self.env["fm.click_collect.slot"].with_context(lang=lang)
            label = label.browse(slot["id"])._fm_label()
            self.assertTrue(label.startswith(slot["day_label"]), label)
