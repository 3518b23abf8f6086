import json

from odoo import Command

from odoo.addons.website_sale_collect.tests.common import ClickAndCollectCommon


class FmClickCollectCommon(ClickAndCollectCommon):
    """A caterer in Algiers: its shop and a post office as pickup points,
    open 08:00-20:00 every day, 30-minute slots of 2 orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Ouvert 8h-20h",
                "tz": "Africa/Algiers",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.0,
                            "hour_to": 20.0,
                            "day_period": "morning",
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        algeria = cls.env.ref("base.dz")
        cls.partner.write({"mobile": "0550 12 34 56", "country_id": algeria.id})
        cls.shop_address = cls.env["res.partner"].create(
            {
                "name": "Traiteur Hydra",
                "street": "1 rue Didouche",
                "city": "Alger",
                "country_id": algeria.id,
                "partner_latitude": 36.75,
                "partner_longitude": 3.04,
            }
        )
        cls.post_address = cls.env["res.partner"].create(
            {
                "name": "Bureau de poste Ben Aknoun",
                "street": "5 rue des Frères",
                "city": "Alger",
                "phone": "+213 21 00 00 00",
                "country_id": algeria.id,
                "partner_latitude": 36.76,
                "partner_longitude": 3.01,
            }
        )
        Point = cls.env["fm.click_collect.point"]
        cls.shop_point = Point.create(
            {
                "name": "Traiteur Hydra",
                "point_type": "store",
                "warehouse_id": cls.warehouse.id,
                "partner_id": cls.shop_address.id,
                "opening_hours_id": cls.calendar.id,
                "slot_length": 30,
                "capacity": 2,
                "lead_time": 60,
                "booking_days": 3,
            }
        )
        cls.post_point = Point.create(
            {
                "name": "Poste Ben Aknoun",
                "point_type": "partner",
                "warehouse_id": cls.warehouse.id,
                "partner_id": cls.post_address.id,
                "opening_hours_id": cls.calendar.id,
                "slot_length": 30,
                "capacity": 2,
                "lead_time": 60,
                "booking_days": 3,
            }
        )
        cls.cash_journal = cls.env["account.journal"].search(
            [("type", "=", "cash"), ("company_id", "=", cls.env.company.id)], limit=1
        )

    def _cc_order(self, point=None, slot=None, **values):
        """A website cart for pickup at ``point`` with ``slot`` chosen."""
        point = point or self.post_point
        order = self._create_in_store_delivery_order(**values)
        order._set_pickup_location(json.dumps({"fm_point_id": point.id}))
        slot = slot or self._free_slot(point)
        order._fm_cc_set_slot(slot)
        return order

    def _free_slot(self, point):
        slots = point._fm_available_slots()
        slot_id = slots[0]["id"]
        return self.env["fm.click_collect.slot"].browse(slot_id)

    def _pay_on_site(self, order):
        """What the website does when the customer picks "pay on site"."""
        order._fm_cc_book_slot()
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state="pending",
            amount=order.amount_total,
            reference=f"{order.name}-tx",
        )
        tx._post_process()
        return tx
