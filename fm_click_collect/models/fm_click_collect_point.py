import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_duration

from odoo.addons.website_sale_collect import utils as collect_utils

from ..tools import preparation
from ..tools import slots as slot_rules

CAPACITY_TYPES = [
    (preparation.ORDERS, "Orders"),
    (preparation.MINUTES, "Preparation minutes"),
]

_logger = logging.getLogger(__name__)


class FmClickCollectPoint(models.Model):
    """A place where customers collect website orders: one of the shop's
    stores or a partner point (post office, relay shop). Stock always comes
    from ``warehouse_id``, as in website_sale_collect."""

    _name = "fm.click_collect.point"
    _description = "Pickup Point"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    point_type = fields.Selection(
        [("store", "Shop"), ("partner", "Partner pickup point")],
        string="Type",
        required=True,
        default="store",
    )
    warehouse_id = fields.Many2one(
        "stock.warehouse",
        required=True,
        check_company=True,
        help="Warehouse whose stock is reserved for the orders collected here.",
    )
    # The form offers the warehouses of this company: it is set first (the
    # user's company), never derived from a warehouse not chosen yet.
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Address",
        required=True,
        help="Address and contact details shown to customers.",
    )
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    opening_hours_id = fields.Many2one(
        "resource.calendar",
        string="Opening Hours",
        required=True,
        check_company=True,
        help="Slots are cut in the working hours of this calendar; its public "
        "holidays and closures close the whole day.",
    )
    tz = fields.Selection(related="opening_hours_id.tz")
    slot_length = fields.Integer("Slot Length (minutes)", default=30, required=True)
    capacity_type = fields.Selection(
        CAPACITY_TYPES,
        string="Slot Capacity in",
        default=preparation.ORDERS,
        required=True,
        help="Orders: each slot takes a number of orders. Preparation "
        "minutes: each slot takes as many orders as the kitchen can prepare "
        "in its minutes, an order taking the preparation time of its products.",
    )
    capacity = fields.Integer("Orders per Slot", default=5, required=True)
    capacity_minutes = fields.Integer(
        "Kitchen Minutes per Slot",
        default=120,
        help="Preparation time the kitchen has for the orders of one slot.",
    )
    lead_time = fields.Integer(
        "Preparation Time (minutes)",
        default=60,
        help="A slot can only be chosen if it starts at least this long "
        "after the order.",
    )
    has_cutoff = fields.Boolean(
        "Order Cut-off",
        compute="_compute_has_cutoff",
        inverse="_inverse_has_cutoff",
        help="Same-day slots can no longer be ordered after a time of day.",
    )
    cutoff_hour = fields.Float(
        "Cut-off Time",
        help="Local time after which slots of the same day can no longer be "
        "ordered (e.g. 11:00 for lunch).",
    )
    booking_days = fields.Integer("Days Open for Booking", default=14, required=True)
    no_show_delay = fields.Integer(
        "No-show Delay (hours)",
        default=24,
        required=True,
        help="An order not collected this long after the end of its slot is "
        "cancelled and its stock released.",
    )
    instructions = fields.Text(translate=True, help="Shown to customers with the slot.")
    slot_ids = fields.One2many("fm.click_collect.slot", "point_id", string="Slots")

    _sql_constraints = [
        (
            "slot_length_positive",
            "CHECK(slot_length > 0)",
            "A slot must last at least one minute.",
        ),
        (
            "capacity_positive",
            "CHECK(capacity > 0)",
            "A slot must accept at least one order.",
        ),
        (
            "capacity_minutes_positive",
            "CHECK(capacity_type = 'orders' OR capacity_minutes > 0)",
            "A slot counted in preparation minutes needs at least one kitchen minute.",
        ),
        (
            "lead_time_positive",
            "CHECK(lead_time >= 0)",
            "The preparation time cannot be negative.",
        ),
        (
            "booking_days_range",
            "CHECK(booking_days BETWEEN 1 AND 90)",
            "Booking must open between 1 and 90 days ahead.",
        ),
        (
            "no_show_delay_positive",
            "CHECK(no_show_delay >= 0)",
            "The no-show delay cannot be negative.",
        ),
    ]

    @api.depends("cutoff_hour")
    def _compute_has_cutoff(self):
        for point in self:
            point.has_cutoff = bool(point.cutoff_hour)

    def _inverse_has_cutoff(self):
        self.filtered(lambda p: not p.has_cutoff).cutoff_hour = 0.0

    @api.onchange("has_cutoff")
    def _onchange_has_cutoff(self):
        for point in self:
            if not point.has_cutoff:
                point.cutoff_hour = 0.0
            elif not point.cutoff_hour:
                point.cutoff_hour = 11.0  # a lunch cut-off, to adjust

    @api.constrains("cutoff_hour")
    def _check_cutoff_hour(self):
        for point in self:
            if not 0 <= point.cutoff_hour < 24:
                raise ValidationError(
                    _("The order cut-off must be a time of day (00:00 to 23:59).")
                )

    @api.model_create_multi
    def create(self, vals_list):
        points = super().create(vals_list)
        points._fm_generate_slots()
        points._fm_geo_localize()
        return points

    def write(self, vals):
        res = super().write(vals)
        slot_fields = {
            "opening_hours_id",
            "slot_length",
            "capacity",
            "capacity_type",
            "capacity_minutes",
            "booking_days",
            "active",
        }
        if slot_fields & set(vals):
            self._fm_generate_slots()
        if "partner_id" in vals:
            self._fm_geo_localize()
        return res

    def _fm_geo_localize(self):
        """Place the points' addresses on the map once, when the shop sets
        them up; never while a customer checks out (a call to the map
        service per point and visitor, and visitors racing to write the same
        address). A point the map service cannot place is listed unsorted.

        sudo: coordinates of the shop's own addresses; whoever manages the
        points may not edit contacts.
        """
        addresses = self.sudo().partner_id.filtered(
            lambda a: not (a.partner_latitude and a.partner_longitude)
        )
        if not addresses:
            return
        try:
            addresses.geo_localize()
        except UserError:
            _logger.info(
                "Pickup point addresses not placed on the map: %s",
                addresses.ids,
                exc_info=True,
            )

    # ------------------------------------------------------------ slot maths

    def _fm_weekly_windows(self):
        """{weekday: [(from_hour, to_hour)]} from the opening hours' attendances."""
        self.ensure_one()
        windows = {}
        for att in self.opening_hours_id.attendance_ids:
            if att.day_period == "lunch" or att.display_type:
                continue
            windows.setdefault(int(att.dayofweek), []).append(
                (att.hour_from, att.hour_to)
            )
        return windows

    def _fm_closed_dates(self):
        """Local dates closed by the calendar's public holidays and closures."""
        self.ensure_one()
        leaves = self.opening_hours_id.global_leave_ids
        return slot_rules.closed_dates(
            [(lv.date_from, lv.date_to) for lv in leaves], self.tz
        )

    def _fm_target_slots(self, now):
        self.ensure_one()
        first_day = slot_rules.today_local(now, self.tz)
        return slot_rules.generate_slots(
            first_day,
            self.booking_days,
            self._fm_weekly_windows(),
            self.slot_length,
            self.tz,
            self._fm_closed_dates(),
        )

    def _fm_generate_slots(self, now=None):
        """Create the missing future slots and drop future empty ones that no
        longer match the configuration. Idempotent: safe to run again."""
        now = now or fields.Datetime.now()
        Slot = self.env["fm.click_collect.slot"].sudo()
        for point in self:
            future = Slot.search([("point_id", "=", point.id), ("start", ">", now)])
            if not point.active:
                future.filtered(lambda s: not s.booked_count).unlink()
                continue
            targets = {
                start: end for start, end in point._fm_target_slots(now) if start > now
            }
            by_start = {slot.start: slot for slot in future}
            stale = future.filtered(
                lambda s, t=targets: s.start not in t or s.end != t[s.start]
            )
            stale.filtered(lambda s: not s.booked_count).unlink()
            for slot in future - stale:
                vals = point._fm_slot_capacity_values(slot)
                if any(slot[name] != value for name, value in vals.items()):
                    slot.write(vals)
            Slot.create(
                [
                    {
                        "point_id": point.id,
                        "start": start,
                        "end": end,
                        **point._fm_slot_capacity_values(),
                    }
                    for start, end in targets.items()
                    if start not in by_start
                ]
            )

    def _fm_slot_capacity_values(self, slot=None):
        """Capacity of this point's slots; a booked ``slot`` keeps its orders
        and their minutes, whatever the new capacity (never below them)."""
        self.ensure_one()
        return {
            "capacity_type": self.capacity_type,
            "capacity": max(self.capacity, slot.booked_count if slot else 0),
            "capacity_minutes": max(
                self.capacity_minutes, slot.booked_minutes if slot else 0
            ),
        }

    @api.model
    def _cron_generate_slots(self):
        self.search([])._fm_generate_slots()

    def _fm_available_slots(self, now=None, order=None):
        """Slots customers may choose now, as dicts for the checkout; the place
        ``order`` holds counts as free for it, and only slots its cart can be
        ready for are given (notice of its products, kitchen minutes)."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        Slot = self.env["fm.click_collect.slot"]
        needed, notice, _product = Slot._fm_cart_needs(order)
        Slot.flush_model(
            [
                "point_id",
                "start",
                "end",
                "booked_count",
                "capacity",
                "capacity_type",
                "booked_minutes",
                "capacity_minutes",
            ]
        )
        # The SQL filter keeps what cannot be refused for a simple reason out
        # of Python; cut-off and closed days are decided by the shared rules.
        self.env.cr.execute(
            """
            SELECT id, start, "end", booked_count, capacity, booked_minutes,
                   capacity_minutes
              FROM fm_click_collect_slot
             WHERE point_id = %s AND start >= %s
               AND (capacity_type = 'minutes' OR booked_count < capacity)
             ORDER BY start
            """,
            [
                self.id,
                max(
                    slot_rules.earliest_bookable_start(now, self.lead_time),
                    preparation.ready_from(now, notice),
                ),
            ],
        )
        rows = self.env.cr.fetchall()
        closed = self._fm_closed_dates()
        # Read once: this loop runs over a month of slots at every request.
        tz, lead_time, cutoff = self.tz, self.lead_time, self.cutoff_hour
        capacity_type = self.capacity_type
        by_minutes = capacity_type == preparation.MINUTES
        held = Slot.browse([row[0] for row in rows])._fm_held_usage(now, exclude=order)
        day_labels = {}
        result = []
        for slot_id, start, end, booked, capacity, booked_min, capacity_min in rows:
            holds, held_min = held.get(slot_id, (0, 0))
            # Counted in minutes, the number of orders is no limit.
            places = (0, 1) if by_minutes else (booked + holds, capacity)
            if slot_rules.unavailable_reason(
                start, now, tz, lead_time, cutoff, closed, *places
            ):
                continue
            left = preparation.minutes_left(capacity_min, booked_min, held_min)
            # The query left out the slots starting before the cart's notice
            # is over; the kitchen is what is left to check.
            if not preparation.kitchen_fits(capacity_type, left, needed):
                continue
            local_start = slot_rules.utc_to_local(start, tz)
            local_end = slot_rules.utc_to_local(end, tz)
            day = local_start.date()
            if day not in day_labels:
                day_labels[day] = Slot._fm_day_label(local_start)
            result.append(
                {
                    "id": slot_id,
                    "day": day.isoformat(),
                    "day_label": day_labels[day],
                    "start": local_start.strftime("%H:%M"),
                    "end": local_end.strftime("%H:%M"),
                    "remaining": slot_rules.places_left(capacity, booked, holds),
                    "minutes_left": left if by_minutes else None,
                }
            )
        return result

    # ------------------------------------------------------------ website payload

    def _fm_location_id(self):
        """Key of this point in the pickup widget; distinct from warehouse ids
        because several points can share one warehouse."""
        self.ensure_one()
        return f"fmcc-{self.id}"

    def _fm_pickup_location_values(
        self, partner_address=None, product=None, order=None
    ):
        """Same payload as website_sale_collect's warehouses, so Odoo's pickup
        widget shows points unchanged; ``fm_point_id`` identifies the point."""
        self.ensure_one()
        address = self.partner_id
        if product:
            stock = collect_utils.format_product_stock_values(
                product, self.warehouse_id.id
            )
        elif order:
            stock = {"in_stock": order._is_in_stock(self.warehouse_id.id)}
        else:
            stock = {}
        opening_hours = {str(i): [] for i in range(7)}
        for weekday, windows in self._fm_weekly_windows().items():
            opening_hours[str(weekday)] = [
                f"{format_duration(hour_from)} - {format_duration(hour_to)}"
                for hour_from, hour_to in sorted(windows)
            ]
        values = {
            "id": self._fm_location_id(),
            "fm_point_id": self.id,
            "name": self.name,
            "street": address.street or "",
            "city": address.city or "",
            "zip_code": address.zip or "",
            "country_code": address.country_code or "",
            "state": address.state_id.code or "",
            "latitude": address.partner_latitude,
            "longitude": address.partner_longitude,
            "phone": address.phone or "",
            "additional_data": {"in_store_stock": stock},
            "opening_hours": opening_hours,
            "distance": 0.0,
        }
        if (
            partner_address
            and partner_address.partner_latitude
            and address.partner_latitude
        ):
            values["distance"] = collect_utils.calculate_partner_distance(
                partner_address, address
            )
        return values
