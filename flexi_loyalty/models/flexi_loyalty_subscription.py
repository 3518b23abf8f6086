from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.codes import new_member_code
from ..tools.fifo import can_redeem, earliest_expiry_consumed, expiring_between


class FlexiLoyaltySubscription(models.Model):
    """A partner's membership of one program: no card, a phone or an email."""

    _name = "flexi.loyalty.subscription"
    _description = "Loyalty Member"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["partner_id", "member_code", "phone", "email"]

    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, ondelete="restrict", tracking=True
    )
    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    email = fields.Char(tracking=True)
    phone = fields.Char(
        "Mobile", tracking=True, help="Stored in international format (E.164)."
    )
    member_code = fields.Char(
        required=True, readonly=True, copy=False, default=lambda s: new_member_code()
    )
    state = fields.Selection(
        [("active", "Active"), ("suspended", "Suspended"), ("closed", "Closed")],
        default="active",
        required=True,
        tracking=True,
    )
    consent_date = fields.Datetime(
        "Terms Accepted On", default=fields.Datetime.now, tracking=True
    )
    consent_channel = fields.Selection(
        [
            ("counter", "At the Counter"),
            ("phone", "By Phone"),
            ("portal", "Customer Portal"),
            ("order", "First Order"),
            ("pos", "Point of Sale"),
            ("website", "Website"),
        ],
        "Consent Given",
        default="counter",
        required=True,
    )
    tier_id = fields.Many2one(
        "flexi.loyalty.tier",
        tracking=True,
        readonly=True,
        domain="[('program_id', '=', program_id)]",
    )
    # Kept in step with the ledger inside the same transaction, by SQL: it is
    # the row every movement updates, so concurrent movements conflict.
    points_balance = fields.Integer("Balance", default=0, readonly=True, copy=False)
    points_pending = fields.Integer("Pending", compute="_compute_points")
    points_available = fields.Integer("Available", compute="_compute_points")
    next_expiry_date = fields.Date(compute="_compute_points")
    next_expiry_points = fields.Integer(compute="_compute_points")
    line_ids = fields.One2many(
        "flexi.loyalty.ledger.line", "subscription_id", "Points History"
    )
    currency_id = fields.Many2one(related="program_id.currency_id")

    _sql_constraints = [
        (
            "partner_program_unique",
            "UNIQUE(partner_id, program_id)",
            "This customer is already a member of this program.",
        ),
        ("member_code_unique", "UNIQUE(member_code)", "Member codes are unique."),
    ]

    def init(self):
        # Prefix search by phone at the counter ("+213550…") among many members.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS flexi_loyalty_subscription_phone_prefix_idx "
            "ON flexi_loyalty_subscription (phone text_pattern_ops)"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS flexi_loyalty_subscription_email_lower_idx "
            "ON flexi_loyalty_subscription (lower(email) text_pattern_ops)"
        )

    @api.depends("partner_id", "program_id")
    def _compute_display_name(self):
        for sub in self:
            sub.display_name = f"{sub.partner_id.name} ({sub.program_id.name})"

    @api.depends("line_ids", "points_balance")
    def _compute_points(self):
        today = fields.Date.context_today(self)
        data = self._flexi_lot_data()
        for sub in self:
            lots, debited, pending = data.get(sub.id, ([], 0, 0))
            due = sub._flexi_due_from(lots, debited, today)
            sub.points_pending = pending
            sub.points_available = sub.points_balance - pending - due
            upcoming = expiring_between(
                lots, debited + due, today, fields.Date.add(today, years=100)
            )
            sub.next_expiry_date = upcoming[0][0] if upcoming else False
            sub.next_expiry_points = upcoming[0][1] if upcoming else 0

    @api.constrains("email", "phone")
    def _check_contact(self):
        for sub in self:
            if not sub.email and not sub.phone:
                raise ValidationError(
                    _("A member needs an email address or a mobile number.")
                )

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            partner = self.env["res.partner"].browse(vals.get("partner_id"))
            if "email" not in vals:
                vals["email"] = partner.email or False
            if "phone" not in vals:
                vals["phone"] = partner.mobile or partner.phone or False
            vals["phone"] = self._flexi_normalize_phone(vals.get("phone"), partner)
            if vals.get("email"):
                vals["email"] = vals["email"].strip().lower()
        subs = super().create(vals_list)
        subs._flexi_on_enrolled()
        return subs

    def write(self, vals):
        if "phone" in vals:
            vals["phone"] = self._flexi_normalize_phone(
                vals["phone"], self.partner_id[:1]
            )
        if vals.get("email"):
            vals["email"] = vals["email"].strip().lower()
        if "points_balance" in vals and not self.env.context.get("flexi_ledger_sync"):
            raise UserError(_("The balance is the sum of the points history."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.env["flexi.loyalty.ledger.line"].search_count(
            [("subscription_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                _("A member with a points history cannot be deleted: close it.")
            )

    # ------------------------------------------------------------ actions

    def action_suspend(self):
        self.write({"state": "suspended"})

    def action_activate(self):
        self.write({"state": "active"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_view_lines(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flexi_loyalty.flexi_loyalty_ledger_line_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------ business

    @api.model
    def _flexi_normalize_phone(self, number, partner=None):
        """E.164 with the company's country as default; clear error if invalid."""
        if not number:
            return False
        country = (partner and partner.country_id) or self.env.company.country_id
        formatted = self.env["res.partner"]._phone_format(
            number=number, country=country, force_format="E164"
        )
        if not formatted:
            raise ValidationError(
                _("%(number)s is not a valid mobile number.", number=number)
            )
        return formatted

    @api.model
    def _flexi_enroll(self, partner, program, channel="counter", **vals):
        """Subscribe ``partner`` (idempotent: an existing membership is returned)."""
        existing = self.search(
            [("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1
        )
        if existing:
            return existing
        return self.create(
            {
                "partner_id": partner.id,
                "program_id": program.id,
                "consent_channel": channel,
                **vals,
            }
        )

    def _flexi_on_enrolled(self):
        """Hook: welcome messages and the like (see notifications)."""

    def _flexi_lock(self):
        """Row lock against concurrent movements on these memberships.

        Odoo runs transactions in REPEATABLE READ: when another transaction
        already changed the balance, this raises a serialization failure
        (retried by Odoo) instead of letting us act on a stale balance.
        """
        if self:
            self.env.cr.execute(
                "SELECT id FROM flexi_loyalty_subscription WHERE id IN %s FOR UPDATE",
                [tuple(self.ids)],
            )

    def _flexi_lot_data(self):
        """{subscription id: (lot lines, debited points, pending points)}."""
        if not self.ids:
            return {}
        self.env["flexi.loyalty.ledger.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT subscription_id, is_lot, expiry_date, SUM(points),
                   SUM(points) FILTER (WHERE available_date > NOW() AT TIME ZONE 'UTC')
              FROM flexi_loyalty_ledger_line
             WHERE subscription_id IN %s
          GROUP BY subscription_id, is_lot, expiry_date
            """,
            [tuple(self.ids)],
        )
        data = {}
        for sub_id, is_lot, expiry, points, pending in self.env.cr.fetchall():
            lots, debited, pend = data.get(sub_id, ([], 0, 0))
            if is_lot:
                lots.append((expiry or None, points))
            else:
                debited -= points
            data[sub_id] = (lots, debited, pend + (pending or 0))
        return data

    @staticmethod
    def _flexi_due_from(lots, debited, today):
        from ..tools.fifo import expired_due

        return expired_due(lots, debited, today)

    def _flexi_spendable(self):
        """Points that can be spent now (after posting due expirations)."""
        self.ensure_one()
        self.env["flexi.loyalty.ledger.line"]._flexi_expire_due(
            fields.Date.context_today(self), self.ids
        )
        self.invalidate_recordset(["points_balance"])
        pending = self._flexi_lot_data().get(self.id, ([], 0, 0))[2]
        return self.points_balance - pending

    def _flexi_debit(self, points, move_type, reason, source=None, key=None, **vals):
        """Take ``points`` from the member, never below zero; returns the line.

        Locks the membership, posts due expirations first so that FIFO holds,
        then checks the spendable balance.
        """
        self.ensure_one()
        if points <= 0:
            raise UserError(_("The number of points must be positive."))
        if self.state != "active":
            raise UserError(_("This membership is not active."))
        Line = self.env["flexi.loyalty.ledger.line"]
        if key:
            done = Line.sudo().search([("idempotency_key", "=", key)], limit=1)
            if done:
                return done
        self._flexi_lock()
        spendable = self._flexi_spendable()
        if not can_redeem(spendable, points):
            raise UserError(
                _(
                    "Not enough points: %(member)s can spend %(available)s points, "
                    "%(asked)s asked.",
                    member=self.partner_id.name,
                    available=max(spendable, 0),
                    asked=points,
                )
            )
        return Line._flexi_post(
            [
                {
                    "subscription_id": self.id,
                    "move_type": move_type,
                    "points": -points,
                    "reason": reason,
                    "idempotency_key": key,
                    **(source or {}),
                    **vals,
                }
            ]
        )

    def _flexi_expiry_consumed_by(self, points):
        """Expiry of the first lot a debit of ``points`` would eat into.

        Call after due expirations were posted (``_flexi_spendable``); redeem
        lines carry it so points given back keep their date.
        """
        self.ensure_one()
        lots, debited, _pending = self._flexi_lot_data().get(self.id, ([], 0, 0))
        return earliest_expiry_consumed(lots, debited, points) or False

    def _flexi_earn_multiplier(self):
        """Earning multiplier of the member's tier (1 without a tier)."""
        self.ensure_one()
        return self.tier_id.earn_multiplier or 1.0

    def _flexi_earn(self, points, amount, source, reason):
        """Post ``points`` earned by ``source``, once per document.

        A document earns again only after its previous earning was fully
        reversed (cancelled, then confirmed again).
        """
        self.ensure_one()
        Line = self.env["flexi.loyalty.ledger.line"]
        if points <= 0:
            return Line
        previous = Line._flexi_source_lines(source, ["earn", "pending"]).filtered(
            lambda ln: ln.subscription_id == self
        )
        undone = previous._flexi_done_totals()
        if any(line.points > undone.get(line.id, (0, 0.0))[0] for line in previous):
            return Line
        program = self.program_id
        now = fields.Datetime.now()
        vals = {
            "subscription_id": self.id,
            "move_type": "pending" if program.pending_days else "earn",
            "points": points,
            "base_amount": amount,
            "expiry_date": program._flexi_expiry_date(fields.Date.context_today(self)),
            "available_date": fields.Datetime.add(now, days=program.pending_days)
            if program.pending_days
            else False,
            "reason": reason,
            "idempotency_key": f"earn:{source._name},{source.id}:{program.id}:"
            f"{len(previous)}",
            **Line._flexi_source_vals(source),
        }
        self._flexi_lock()
        line = Line._flexi_post([vals])
        if line:
            self._flexi_after_earn(line)
        return line

    def _flexi_after_earn(self, line):
        """Hook after points were earned (tier requalification, notifications)."""

    def _flexi_adjust(self, points, reason, move_type="adjustment"):
        """Manager correction or bonus, with a mandatory reason."""
        self.ensure_one()
        if not self.env.user.has_group("flexi_loyalty.flexi_loyalty_group_manager"):
            raise UserError(_("Only loyalty managers can adjust points."))
        if not (reason or "").strip():
            raise UserError(_("Say why the points are adjusted."))
        if not points:
            raise UserError(_("An adjustment moves at least one point."))
        if points < 0:
            return self._flexi_debit(-points, "adjustment", reason)
        self._flexi_lock()
        return self.env["flexi.loyalty.ledger.line"]._flexi_post(
            [
                {
                    "subscription_id": self.id,
                    "move_type": move_type,
                    "points": points,
                    "reason": reason,
                    "expiry_date": self.program_id._flexi_expiry_date(
                        fields.Date.context_today(self)
                    ),
                }
            ]
        )
