from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date
from odoo.tools.misc import babel_locale_parse

from ..tools import slot_choice
from ..tools import slots as slot_rules


class FmClickCollectSlot(models.Model):
    """One pickup time window of a point.

    A place is taken in two ways. A confirmed order books it for good in
    ``booked_count``, a counter only moved by one atomic UPDATE and kept within
    ``capacity`` by a CHECK. An unpaid checkout only holds it until its
    ``fm_cc_hold_until``: holds are counted by query at the moment of asking,
    so an expired hold frees its place at once, whatever a cron did. Both are
    taken under the slot's row lock (``_fm_take``): two checkouts at the same
    moment cannot both take the last place."""

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
    capacity = fields.Integer(required=True)
    booked_count = fields.Integer("Booked Orders", default=0, readonly=True, copy=False)
    held_count = fields.Integer(
        "Held by Unpaid Carts",
        compute="_compute_remaining",
        help="Places kept for customers who are checking out; each hold ends "
        "after the hold time set in the settings.",
    )
    remaining = fields.Integer(compute="_compute_remaining")
    order_ids = fields.One2many("sale.order", "fm_cc_slot_id", string="Orders")

    _sql_constraints = [
        (
            "point_start_unique",
            "UNIQUE(point_id, start)",
            "A point has one slot per start time.",
        ),
        (
            "booked_within_capacity",
            "CHECK(booked_count >= 0 AND booked_count <= capacity)",
            "This pickup slot is full.",
        ),
    ]

    @api.depends(
        "booked_count", "capacity", "order_ids.fm_cc_hold_until", "order_ids.state"
    )
    def _compute_remaining(self):
        held = self._fm_held_counts(fields.Datetime.now())
        for slot in self:
            slot.held_count = held.get(slot._origin.id, 0)
            slot.remaining = slot_rules.places_left(
                slot.capacity, slot.booked_count, slot.held_count
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
        (``slot_choice.group_by_day``): those that can be chosen, and full
        ones shown disabled. Slots too soon, past their cut-off or on a closed
        day are left out. The place ``order`` holds counts as free for it."""
        if not point or not point.active:
            return []
        now = now or fields.Datetime.now()
        self.flush_model(["point_id", "start", "end", "booked_count", "capacity"])
        self.env.cr.execute(
            SQL(
                """SELECT id, start, "end", booked_count, capacity
                     FROM fm_click_collect_slot
                    WHERE point_id = %s AND start >= %s
                 ORDER BY start""",
                point.id,
                slot_rules.earliest_bookable_start(now, point.lead_time),
            )
        )
        rows = self.env.cr.fetchall()
        held = self.browse([row[0] for row in rows])._fm_held_counts(now, exclude=order)
        tz, lead_time, cutoff = point.tz, point.lead_time, point.cutoff_hour
        closed = point._fm_closed_dates()
        chosen = order.fm_cc_slot_id.id if order else False
        slots = []
        for slot_id, start, end, booked, capacity in rows:
            # Capacity apart (full slots are shown), can it be chosen now?
            if slot_rules.unavailable_reason(
                start, now, tz, lead_time, cutoff, closed, 0, 1
            ):
                continue
            remaining = slot_rules.places_left(capacity, booked, held.get(slot_id, 0))
            if slot_id == chosen:
                remaining = max(remaining, 1)
            local_start = slot_rules.utc_to_local(start, tz)
            slots.append(
                {
                    "id": slot_id,
                    "day": local_start.date(),
                    "start": local_start.strftime("%H:%M"),
                    "end": slot_rules.utc_to_local(end, tz).strftime("%H:%M"),
                    "remaining": remaining,
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
        return groups

    @api.model
    def _fm_choice_text(self, slot):
        hours = f"{slot['start']} - {slot['end']}"
        if slot["status"] == slot_choice.FULL:
            return self.env._("%(hours)s (full)", hours=hours)
        if slot["remaining"] == 1:
            return self.env._("%(hours)s (1 place left)", hours=hours)
        return self.env._(
            "%(hours)s (%(count)s places left)", hours=hours, count=slot["remaining"]
        )

    def _fm_held_counts(self, now, exclude=None):
        """{slot id: places held by unpaid carts at ``now``}, by query: a hold
        stops counting the moment it expires. ``exclude``'s own hold is left
        out (an order never competes with itself)."""
        # sudo: other customers' carts are only counted; nothing of them
        # leaves this method.
        Order = self.env["sale.order"].sudo()
        domain = [
            *Order._fm_cc_live_hold_domain(now),
            ("fm_cc_slot_id", "in", self._origin.ids),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        groups = Order._read_group(domain, ["fm_cc_slot_id"], ["__count"])
        return {slot.id: count for slot, count in groups}

    def _fm_unavailable_reason(self, now=None, order=None):
        """Translated reason this slot cannot be chosen now (by ``order``, whose
        own place is not counted against it), or ``False``. A live hold of
        ``order`` on this slot was checked when taken: only capacity is
        checked again, so a customer paying a few minutes later is not refused
        for a cut-off passed meanwhile."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        point = self.point_id
        taken = self.booked_count + self._fm_held_counts(now, exclude=order).get(
            self.id, 0
        )
        if order and order._fm_cc_holds(self, now):
            reason = slot_rules.FULL if taken >= self.capacity else None
        else:
            reason = slot_rules.unavailable_reason(
                self.start,
                now,
                point.tz,
                point.lead_time,
                point.cutoff_hour,
                point._fm_closed_dates(),
                taken,
                self.capacity,
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
        return messages.get(reason, False)

    def _fm_take(self, order, permanent=False):
        """Take a place of this slot for ``order`` and return the order's
        values to write; raise a clear error when the slot cannot take it.

        An unpaid checkout holds the place for the hold time; ``permanent``
        (a confirmed order) books it for good. Counting happens under the
        slot's row lock, so the last place goes to one checkout only."""
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
        self._fm_book()
        return {
            "fm_cc_slot_id": self.id,
            "fm_cc_slot_booked": True,
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
        self.invalidate_recordset(["booked_count", "held_count", "remaining"])

    def _fm_book(self):
        """Book one place for good, atomically; raise a clear error when full.
        Callers check live holds first (``_fm_take``)."""
        self.ensure_one()
        self.flush_recordset(["booked_count", "capacity"])
        self.env.cr.execute(
            SQL(
                """UPDATE fm_click_collect_slot
                      SET booked_count = booked_count + 1
                    WHERE id = %s AND booked_count < capacity
                RETURNING id""",
                self.id,
            )
        )
        booked = self.env.cr.fetchone()
        self.invalidate_recordset(["booked_count", "held_count", "remaining"])
        if not booked:
            raise UserError(_("This pickup slot is full, please choose another one."))

    def _fm_release(self):
        """Give one booked place back (never below zero)."""
        self.ensure_one()
        self.flush_recordset(["booked_count", "capacity"])
        self.env.cr.execute(
            SQL(
                """UPDATE fm_click_collect_slot
                      SET booked_count = booked_count - 1
                    WHERE id = %s AND booked_count > 0""",
                self.id,
            )
        )
        self.invalidate_recordset(["booked_count", "held_count", "remaining"])
