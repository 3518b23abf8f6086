from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools.misc import babel_locale_parse

from ..tools import preparation, slot_choice
from ..tools import slots as slot_rules
from .fm_click_collect_point import CAPACITY_TYPES


class FmClickCollectSlot(models.Model):
    """One pickup time window of a point.

    A place is taken in two ways. A confirmed order books it for good in
    ``booked_count``, a counter only moved by one atomic UPDATE and kept within
    ``capacity`` by a CHECK. An unpaid checkout only holds it until its
    ``fm_cc_hold_until``: holds are counted by query at the moment of asking,
    so an expired hold frees its place at once, whatever a cron did. Both are
    taken under the slot's row lock (``_fm_take``): two checkouts at the same
    moment cannot both take the last place.

    A slot counted in preparation minutes (``capacity_type``) has no limit of
    orders: an order takes its cart's kitchen minutes, booked for good in
    ``booked_minutes`` (kept within ``capacity_minutes`` the same way) or
    held by an unpaid cart."""

    _name = "fm.click_collect.slot"
    _description = "Pickup Slot"
    _order = "start, point_id"
    _rec_names_search = ["point_id"]

    point_id = fields.Many2one(
        "fm.click_collect.point", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="point_id.company_id", store=True, precompute=True
    )
    start = fields.Datetime(required=True, index=True)
    end = fields.Datetime(required=True)
    capacity_type = fields.Selection(
        CAPACITY_TYPES, string="Capacity in", default="orders", required=True
    )
    capacity = fields.Integer(required=True)
    capacity_minutes = fields.Integer("Kitchen Minutes", default=0)
    booked_count = fields.Integer("Booked Orders", default=0, readonly=True, copy=False)
    booked_minutes = fields.Integer(
        "Booked Kitchen Minutes", default=0, readonly=True, copy=False
    )
    held_count = fields.Integer(
        "Held by Unpaid Carts",
        compute="_compute_remaining",
        help="Places kept for customers who are checking out; each hold ends "
        "after the hold time set in the settings.",
    )
    remaining = fields.Integer(compute="_compute_remaining")
    held_minutes = fields.Integer(
        "Kitchen Minutes Held by Unpaid Carts", compute="_compute_remaining"
    )
    minutes_left = fields.Integer("Kitchen Minutes Left", compute="_compute_remaining")
    order_ids = fields.One2many("sale.order", "fm_cc_slot_id", string="Orders")

    _sql_constraints = [
        (
            "point_start_unique",
            "UNIQUE(point_id, start)",
            "A point has one slot per start time.",
        ),
        (
            "booked_within_capacity",
            "CHECK(booked_count >= 0 AND"
            " (capacity_type = 'minutes' OR booked_count <= capacity))",
            "This pickup slot is full.",
        ),
        (
            "booked_minutes_within_capacity",
            "CHECK(booked_minutes >= 0 AND"
            " (capacity_type = 'orders' OR booked_minutes <= capacity_minutes))",
            "The kitchen has no preparation time left for this pickup slot.",
        ),
    ]

    @api.depends(
        "booked_count",
        "capacity",
        "booked_minutes",
        "capacity_minutes",
        "order_ids.fm_cc_hold_until",
        "order_ids.state",
        "order_ids.fm_cc_prep_minutes",
    )
    def _compute_remaining(self):
        held = self._fm_held_usage(fields.Datetime.now())
        for slot in self:
            slot.held_count, slot.held_minutes = held.get(slot._origin.id, (0, 0))
            slot.remaining = slot_rules.places_left(
                slot.capacity, slot.booked_count, slot.held_count
            )
            slot.minutes_left = preparation.minutes_left(
                slot.capacity_minutes, slot.booked_minutes, slot.held_minutes
            )

    @api.depends("start", "end", "point_id")
    def _compute_display_name(self):
        for slot in self:
            if not (slot.start and slot.end and slot.point_id):
                slot.display_name = slot.point_id.name or ""
                continue
            local_start = slot._fm_local(slot.start)
            start = " ".join(
                (slot._fm_day_label(local_start), local_start.strftime("%H:%M"))
            )
            slot.display_name = _(
                "%(point)s, %(start)s - %(end)s",
                point=slot.point_id.name,
                start=start,
                end=slot._fm_local(slot.end).strftime("%H:%M"),
            )

    def _fm_local(self, utc_dt):
        return slot_rules.utc_to_local(utc_dt, self.point_id.tz or "UTC")

    @api.model
    def _fm_day_label(self, local_dt):
        """The day in the user's language date format (fr: 22/11/2026)."""
        return format_date(self.env, local_dt.date())

    @api.model
    def _fm_locale(self):
        return babel_locale_parse(self.env.lang or "en_US")

    def _fm_label(self):
        """Day written out and hours in the point's time zone, for customers
        (read again days later: never "tomorrow")."""
        self.ensure_one()
        return self.env._(
            "%(day)s from %(start)s to %(end)s",
            day=slot_choice.full_day_label(
                self._fm_local(self.start).date(), self._fm_locale()
            ),
            start=self._fm_local(self.start).strftime("%H:%M"),
            end=self._fm_local(self.end).strftime("%H:%M"),
        )

    @api.model
    def _fm_checkout_choices(self, point, order=None, now=None):
        """The slots of ``point`` a customer sees at checkout, grouped by day
        (``slot_choice.group_by_day``): see ``_fm_checkout_offer``."""
        return self._fm_checkout_offer(point, order=order, now=now)["days"]

    @api.model
    def _fm_checkout_offer(self, point, order=None, now=None):
        """What the checkout shows of ``point``'s slots: ``days``, the slots
        grouped by day (``slot_choice.group_by_day``), those that can be
        chosen and full ones shown disabled; ``advice``, why the cart cannot
        have the slots left out, in words (or ``False``). Slots too soon,
        past their cut-off, on a closed day or before the notice of the
        cart's products are left out; slots whose kitchen cannot prepare the
        cart any more are shown full. The place ``order`` holds counts as
        free for it."""
        if not point or not point.active:
            return {"days": [], "advice": False}
        now = now or fields.Datetime.now()
        needed, notice, product = self._fm_cart_needs(order)
        rows = self._fm_point_rows(point, now)
        held = self.browse([row[0] for row in rows])._fm_held_usage(now, exclude=order)
        tz, lead_time, cutoff = point.tz, point.lead_time, point.cutoff_hour
        by_minutes = point.capacity_type == preparation.MINUTES
        closed = point._fm_closed_dates()
        chosen = order.fm_cc_slot_id.id if order else False
        ready = preparation.ready_from(now, notice)
        slots, open_slots = [], []
        for slot_id, start, end, booked, capacity, booked_min, capacity_min in rows:
            # Capacity apart (full slots are shown), can it be chosen now?
            if slot_rules.unavailable_reason(
                start, now, tz, lead_time, cutoff, closed, 0, 1
            ):
                continue
            holds, held_min = held.get(slot_id, (0, 0))
            left = preparation.minutes_left(capacity_min, booked_min, held_min)
            open_slots.append((start, capacity_min, left))
            if start < ready:
                continue
            if by_minutes:
                remaining = int(
                    preparation.kitchen_fits(point.capacity_type, left, needed)
                )
            else:
                remaining = slot_rules.places_left(capacity, booked, holds)
            if slot_id == chosen and not by_minutes:
                remaining = max(remaining, 1)
            local_start = slot_rules.utc_to_local(start, tz)
            slots.append(
                {
                    "id": slot_id,
                    "day": local_start.date(),
                    "start": local_start.strftime("%H:%M"),
                    "end": slot_rules.utc_to_local(end, tz).strftime("%H:%M"),
                    "remaining": remaining,
                    "by_minutes": by_minutes,
                }
            )
        groups = slot_choice.group_by_day(
            slots,
            slot_rules.today_local(now, tz),
            self._fm_locale(),
            self.env._("Today"),
            self.env._("Tomorrow"),
        )
        for group in groups:
            for slot in group["slots"]:
                slot["day"] = group["day"]
                slot["text"] = self._fm_choice_text(slot)
        reason = preparation.why_no_slot(
            open_slots, now, notice, point.capacity_type, needed
        )
        if not reason and len(slots) < len(open_slots):
            # Slots are offered, some are not: the notice is why.
            reason = preparation.NOTICE
        return {
            "days": groups,
            "advice": self._fm_cart_advice(
                reason, bool(slots), needed, notice, product, point
            ),
        }

    @api.model
    def _fm_point_rows(self, point, now):
        """(id, start, end, booked, capacity, booked minutes, capacity in
        minutes) of ``point``'s slots not too soon for its lead time."""
        self.flush_model(
            [
                "point_id",
                "start",
                "end",
                "booked_count",
                "capacity",
                "booked_minutes",
                "capacity_minutes",
            ]
        )
        self.env.cr.execute(
            SQL(
                """SELECT id, start, "end", booked_count, capacity,
                          booked_minutes, capacity_minutes
                     FROM fm_click_collect_slot
                    WHERE point_id = %s AND start >= %s
                 ORDER BY start""",
                point.id,
                slot_rules.earliest_bookable_start(now, point.lead_time),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _fm_cart_advice(self, reason, offered, needed, notice, product, point):
        """Why the cart is not offered (some) slots, as the customer reads it."""
        if reason == preparation.NOTICE:
            if offered:
                return self.env._(
                    "%(product)s needs %(hours)s h notice: earlier pickup slots "
                    "are not offered.",
                    product=product,
                    hours=notice,
                )
            return self.env._(
                "%(product)s needs %(hours)s h notice, and no pickup slot is "
                "open that far ahead yet.",
                product=product,
                hours=notice,
            )
        if reason == preparation.KITCHEN_TOO_SMALL:
            return self.env._(
                "Your order needs %(minutes)s minutes of preparation, more than "
                "the kitchen has for one pickup slot (%(capacity)s minutes): "
                "please call us to arrange it.",
                minutes=needed,
                capacity=point.capacity_minutes,
            )
        if reason == preparation.KITCHEN_FULL:
            return self.env._(
                "Your order needs %(minutes)s minutes of preparation: no pickup "
                "slot has that much kitchen time left.",
                minutes=needed,
            )
        return False

    @api.model
    def _fm_choice_text(self, slot):
        hours = f"{slot['start']} - {slot['end']}"
        if slot["status"] == slot_choice.FULL:
            return self.env._("%(hours)s (full)", hours=hours)
        if slot.get("by_minutes"):
            # Kitchen minutes mean nothing to customers: the slot fits or not.
            return hours
        if slot["remaining"] == 1:
            return self.env._("%(hours)s (1 place left)", hours=hours)
        return self.env._(
            "%(hours)s (%(count)s places left)", hours=hours, count=slot["remaining"]
        )

    @api.model
    def _fm_cart_needs(self, order):
        """(kitchen minutes, notice in hours, product needing that notice) of
        ``order``'s cart; nothing for no order."""
        if not order:
            return 0, 0, None
        notice, product = order._fm_cc_notice()
        return order.fm_cc_prep_minutes, notice, product

    def _fm_held_counts(self, now, exclude=None):
        """{slot id: places held by unpaid carts at ``now``}."""
        return {
            slot_id: count
            for slot_id, (count, _m) in self._fm_held_usage(now, exclude).items()
        }

    def _fm_held_usage(self, now, exclude=None):
        """{slot id: (places, kitchen minutes) held by unpaid carts at
        ``now``}, by query: a hold stops counting the moment it expires.
        ``exclude``'s own hold is left out (an order never competes with
        itself)."""
        # sudo: other customers' carts are only counted; nothing of them
        # leaves this method.
        Order = self.env["sale.order"].sudo()
        domain = [
            *Order._fm_cc_live_hold_domain(now),
            ("fm_cc_slot_id", "in", self._origin.ids),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = Order._read_group(
            domain, ["fm_cc_slot_id"], ["__count", "fm_cc_prep_minutes:sum"]
        )
        return {slot.id: (count, minutes or 0) for slot, count, minutes in groups}

    def _fm_unavailable_reason(self, now=None, order=None):
        """Translated reason this slot cannot be chosen now (by ``order``, whose
        own place is not counted against it), or ``False``. A live hold of
        ``order`` on this slot was checked when taken: only capacity and the
        cart (which may have changed since) are checked again, the cart's
        notice with the hold time to spare, so a customer paying a few
        minutes later is not refused for a cut-off or a notice passed
        meanwhile."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        point = self.point_id
        holds, held_min = self._fm_held_usage(now, exclude=order).get(self.id, (0, 0))
        taken = self.booked_count + holds
        by_minutes = self.capacity_type == preparation.MINUTES
        holding = order and order._fm_cc_holds(self, now)
        if holding:
            full = not by_minutes and taken >= self.capacity
            reason = slot_rules.FULL if full else None
        else:
            reason = slot_rules.unavailable_reason(
                self.start,
                now,
                point.tz,
                point.lead_time,
                point.cutoff_hour,
                point._fm_closed_dates(),
                0 if by_minutes else taken,
                1 if by_minutes else self.capacity,
            )
        if not point.active:
            reason = slot_rules.CLOSED
        messages = {
            slot_rules.PAST: _("This pickup slot is over."),
            slot_rules.LEAD_TIME: _(
                "This pickup slot is too soon: we need time to prepare your order."
            ),
            slot_rules.CUT_OFF: _(
                "Orders for this pickup slot are closed (cut-off time passed)."
            ),
            slot_rules.CLOSED: _("The pickup point is closed at that time."),
            slot_rules.FULL: _("This pickup slot is full, please choose another one."),
        }
        if reason:
            return messages[reason]
        # Confirming (the order is no longer a cart) still keeps the spare.
        kept = order and order._fm_cc_keeps_hold(self, now)
        since = now - order._fm_cc_hold_span() if kept else now
        return self._fm_cart_unavailable_reason(order, since, held_min)

    def _fm_cart_unavailable_reason(self, order, since, held_minutes):
        """Translated reason ``order``'s cart cannot be ready for this slot
        (notice of its products counted from ``since``, kitchen minutes left
        after the other carts' ``held_minutes``), or ``False``."""
        self.ensure_one()
        needed, notice, product = self._fm_cart_needs(order)
        left = preparation.minutes_left(
            self.capacity_minutes, self.booked_minutes, held_minutes
        )
        reason = preparation.cart_reason(
            self.start, since, notice, self.capacity_type, left, needed
        )
        if reason == preparation.NOTICE:
            return self.env._(
                "%(product)s needs %(hours)s h notice: please choose a later "
                "pickup slot.",
                product=product,
                hours=notice,
            )
        if reason == preparation.KITCHEN_FULL:
            return self.env._(
                "The kitchen has no time left to prepare your order for this "
                "pickup slot (%(minutes)s minutes needed), please choose another "
                "one.",
                minutes=needed,
            )
        return False

    def _fm_take(self, order, permanent=False):
        """Take a place of this slot for ``order`` and return the order's
        values to write; raise a clear error when the slot cannot take it.

        An unpaid checkout holds the place for the hold time; ``permanent``
        (a confirmed order) books it for good, with its cart's kitchen
        minutes. Counting happens under the slot's row lock, so the last
        place (or kitchen minute) goes to one checkout only."""
        self.ensure_one()
        now = fields.Datetime.now()
        self._fm_lock()
        reason = self._fm_unavailable_reason(now, order=order)
        if reason:
            raise UserError(reason)
        if not permanent:
            return {
                "fm_cc_slot_id": self.id,
                "fm_cc_hold_until": order._fm_cc_hold_expiry(now),
            }
        minutes = order.fm_cc_prep_minutes
        self._fm_book(minutes)
        return {
            "fm_cc_slot_id": self.id,
            "fm_cc_slot_booked": True,
            "fm_cc_booked_minutes": minutes,
            "fm_cc_hold_until": False,
        }

    def _fm_lock(self):
        """Lock the slot's row for whoever takes a place. The UPDATE changes
        nothing but writes a new row version: a concurrent transaction that
        counted on an older snapshot then fails to lock (serialization
        failure, and Odoo retries the request) instead of trusting its count."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE fm_click_collect_slot SET booked_count = booked_count"
                " WHERE id = %s",
                self.id,
            )
        )
        self._fm_invalidate_counts()

    def _fm_invalidate_counts(self):
        self.invalidate_recordset(
            [
                "booked_count",
                "held_count",
                "remaining",
                "booked_minutes",
                "held_minutes",
                "minutes_left",
            ]
        )

    def _fm_book(self, minutes=0):
        """Book one place and ``minutes`` of the kitchen for good, atomically;
        raise a clear error when the slot is full (of orders, or of kitchen
        minutes when counted so). Callers check live holds first
        (``_fm_take``)."""
        self.ensure_one()
        self.flush_recordset(
            ["booked_count", "capacity", "booked_minutes", "capacity_minutes"]
        )
        self.env.cr.execute(
            SQL(
                """UPDATE fm_click_collect_slot
                      SET booked_count = booked_count + 1,
                          booked_minutes = booked_minutes + %(minutes)s
                    WHERE id = %(id)s
                      AND (capacity_type = 'minutes' OR booked_count < capacity)
                      AND (capacity_type = 'orders'
                           OR booked_minutes + %(minutes)s <= capacity_minutes)
                RETURNING id""",
                id=self.id,
                minutes=minutes or 0,
            )
        )
        booked = self.env.cr.fetchone()
        self._fm_invalidate_counts()
        if not booked:
            raise UserError(_("This pickup slot is full, please choose another one."))

    def _fm_release(self, minutes=0):
        """Give one booked place and its ``minutes`` back (never below zero)."""
        self.ensure_one()
        self.flush_recordset(["booked_count", "booked_minutes"])
        self.env.cr.execute(
            SQL(
                """UPDATE fm_click_collect_slot
                      SET booked_count = booked_count - 1,
                          booked_minutes = GREATEST(booked_minutes - %(minutes)s, 0)
                    WHERE id = %(id)s AND booked_count > 0""",
                id=self.id,
                minutes=minutes or 0,
            )
        )
        self._fm_invalidate_counts()
