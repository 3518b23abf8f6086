from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools import slots as slot_rules


class FmClickCollectSlot(models.Model):
    """One pickup time window of a point. ``booked_count`` is a counter the
    database guards: it is only moved by one atomic UPDATE and a CHECK keeps
    it within ``capacity``, so two checkouts at the same moment cannot both
    take the last place."""

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

    @api.depends("booked_count", "capacity")
    def _compute_remaining(self):
        for slot in self:
            slot.remaining = max(slot.capacity - slot.booked_count, 0)

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

    def _fm_label(self):
        """Day and hours in the point's time zone, for customers."""
        self.ensure_one()
        return _(
            "%(day)s from %(start)s to %(end)s",
            day=self._fm_day_label(self._fm_local(self.start)),
            start=self._fm_local(self.start).strftime("%H:%M"),
            end=self._fm_local(self.end).strftime("%H:%M"),
        )

    def _fm_unavailable_reason(self, now=None):
        """Translated reason this slot cannot be chosen now, or ``False``."""
        self.ensure_one()
        point = self.point_id
        reason = slot_rules.unavailable_reason(
            self.start,
            now or fields.Datetime.now(),
            point.tz,
            point.lead_time,
            point.cutoff_hour,
            point._fm_closed_dates(),
            self.booked_count,
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

    def _fm_book(self):
        """Take one place, atomically; raise a clear error when full."""
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
        self.invalidate_recordset(["booked_count"])
        if not booked:
            raise UserError(_("This pickup slot is full, please choose another one."))

    def _fm_release(self):
        """Give one place back (never below zero)."""
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
        self.invalidate_recordset(["booked_count"])
