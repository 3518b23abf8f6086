from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, email_normalize
from odoo.tools.sql import column_exists, create_column, create_index, table_exists

from ..tools.codes import (
    MEMBER_CODE_LENGTH,
    new_member_code,
    new_referral_code,
    normalize_code,
)
from ..tools.fifo import (
    can_redeem,
    earliest_expiry_consumed,
    expired_due,
    spendable,
    upcoming_expiries,
)
from ..tools.phone import phone_search_prefix
from ..tools.tiers import qualifying_tier, tier_change, window_start

# Service messages: kind -> (mail template, SMS template) XML ids.
NOTIFICATION_TEMPLATES = {
    "welcome": (
        "flexi_loyalty.mail_template_flexi_loyalty_welcome",
        "flexi_loyalty.sms_template_flexi_loyalty_welcome",
    ),
    "reward": (
        "flexi_loyalty.mail_template_flexi_loyalty_reward",
        "flexi_loyalty.sms_template_flexi_loyalty_reward",
    ),
    "expiry": (
        "flexi_loyalty.mail_template_flexi_loyalty_expiry",
        "flexi_loyalty.sms_template_flexi_loyalty_expiry",
    ),
    "tier": (
        "flexi_loyalty.mail_template_flexi_loyalty_tier",
        "flexi_loyalty.sms_template_flexi_loyalty_tier",
    ),
    "referral": (
        "flexi_loyalty.mail_template_flexi_loyalty_referral",
        "flexi_loyalty.sms_template_flexi_loyalty_referral",
    ),
}


class FlexiLoyaltySubscription(models.Model):
    """A partner's membership of one program: no card, a phone or an email."""

    _name = "flexi.loyalty.subscription"
    _description = "Loyalty Member"
    _inherit = ["mail.thread", "mail.activity.mixin", "flexi.loyalty.guarded.mixin"]
    _order = "id desc"
    _rec_names_search = ["partner_id", "member_code", "phone", "email"]
    # The balance follows the ledger and the tier follows requalification:
    # nobody types them. A membership never moves to another customer.
    _flexi_guarded_fields = (
        "points_balance",
        "tier_id",
        "member_code",
        "referral_code",
        "expiry_reminder_date",
        "expiry_reminder_points",
    )
    _flexi_fixed_fields = ("partner_id", "program_id")

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
    # Made once per member (see _auto_init for members made before, and
    # _flexi_referral_code for members seeded by SQL without one).
    referral_code = fields.Char(
        readonly=True,
        copy=False,
        default=lambda s: new_referral_code(),
        help="The code this member shares with friends (link, receipt, SMS).",
    )
    referral_enabled = fields.Boolean(related="program_id.referral_enabled")
    referral_url = fields.Char("Referral Link", compute="_compute_referral_url")
    referral_count = fields.Integer(compute="_compute_referral_count")
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
        copy=False,
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
    notify_channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email"), ("none", "No Messages")],
        "Send Messages By",
        required=True,
        default="sms",
        tracking=True,
        help="Channel of service messages: welcome, reward reached, points "
        "expiring, tier change. Blacklisted numbers and emails receive nothing.",
    )
    expiry_reminder_date = fields.Date(
        "Expiry Reminded For",
        readonly=True,
        copy=False,
        help="Expiry date of the last reminder sent: one reminder per date.",
    )
    expiry_reminder_points = fields.Integer(
        "Points Reminded", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "partner_program_unique",
            "UNIQUE(partner_id, program_id)",
            "This customer is already a member of this program.",
        ),
        ("member_code_unique", "UNIQUE(member_code)", "Member codes are unique."),
        (
            "referral_code_unique",
            "UNIQUE(referral_code)",
            "Referral codes are unique.",
        ),
    ]

    def _auto_init(self):
        # Members made before referrals each get a code of their own: Odoo
        # would give every existing row the same default.
        cr = self.env.cr
        if table_exists(cr, self._table) and not column_exists(
            cr, self._table, "referral_code"
        ):
            create_column(cr, self._table, "referral_code", "varchar")
            cr.execute(SQL("SELECT id FROM %s", SQL.identifier(self._table)))
            ids = [row[0] for row in cr.fetchall()]
            if ids:
                cr.execute(
                    SQL(
                        """UPDATE %s t SET referral_code = c.code
                             FROM unnest(%s::int[], %s::varchar[]) AS c(id, code)
                            WHERE t.id = c.id""",
                        SQL.identifier(self._table),
                        ids,
                        [new_referral_code() for _id in ids],
                    )
                )
        return super()._auto_init()

    def init(self):
        # Prefix search by phone at the counter ("+213550…") and by email
        # among many members.
        for column in ("phone", "email"):
            create_index(
                self.env.cr,
                f"{self._table}_{column}_prefix_idx",
                self._table,
                [f"{column} text_pattern_ops"],
            )

    @api.depends("partner_id", "program_id")
    def _compute_display_name(self):
        for sub in self:
            sub.display_name = f"{sub.partner_id.name} ({sub.program_id.name})"

    @api.depends("referral_code")
    def _compute_referral_url(self):
        for sub in self:
            base = sub.get_base_url() if sub.id and sub.referral_code else ""
            sub.referral_url = f"{base}/r/{sub.referral_code}" if base else False

    def _compute_referral_count(self):
        # sudo: a count only; customers see their friends through the portal.
        counts = dict(
            self.env["flexi.loyalty.referral"]
            .sudo()
            ._read_group(
                [("subscription_id", "in", self.ids)], ["subscription_id"], ["__count"]
            )
        )
        for sub in self:
            sub.referral_count = counts.get(sub.sudo(), 0)

    @api.depends("line_ids", "points_balance")
    def _compute_points(self):
        states = self._flexi_points_state()
        for sub in self:
            state = states[sub.id]
            sub.points_pending = state["pending"]
            sub.points_available = state["spendable"]
            upcoming = state["upcoming"]
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
            if "notify_channel" not in vals:
                vals["notify_channel"] = self._flexi_default_channel(
                    vals.get("phone"), vals.get("email")
                )
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
        changed = self._flexi_contact_changes(vals)
        if changed:
            self.browse(list(changed))._flexi_check_contact_change()
        res = super().write(vals)
        if changed:
            self.browse(list(changed))._flexi_after_contact_change(changed)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_history(self):
        if self.env["flexi.loyalty.ledger.line"].search_count(
            [("subscription_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                _("A member with a points history cannot be deleted: close it.")
            )

    def _flexi_contact_changes(self, vals):
        """{member id: [(field label, old, new)]} for phone/email really changed."""
        changes = {}
        for name in ("phone", "email"):
            if name not in vals:
                continue
            new = vals[name] or False
            label = self._fields[name]._description_string(self.env)
            for sub in self:
                if (sub[name] or False) != new:
                    changes.setdefault(sub.id, []).append((label, sub[name], new))
        return changes

    def _flexi_check_contact_change(self):
        """Codes go to the phone and email: on a member holding points, only a
        loyalty manager may redirect them."""
        if self.env.su or self.env.user.has_group(
            "flexi_loyalty.flexi_loyalty_group_manager"
        ):
            return
        holding = self.filtered(lambda s: s.points_balance > 0)
        if holding:
            raise AccessError(
                _(
                    "%(member)s holds points: only a loyalty manager may change "
                    "the mobile number or email where the codes are sent.",
                    member=holding[0].display_name,
                )
            )

    def _flexi_after_contact_change(self, changes):
        """Log each change (whatever the caller's tracking context) and stop
        the codes already sent to the old contact."""
        self.env["flexi.loyalty.otp"].sudo().search(
            [("subscription_id", "in", self.ids), ("state", "=", "pending")]
        )._flexi_cancel()
        for sub in self:
            lines = [
                _(
                    "%(field)s changed from %(old)s to %(new)s by %(user)s.",
                    field=label,
                    old=old or "-",
                    new=new or "-",
                    user=self.env.user.name,
                )
                for label, old, new in changes[sub.id]
            ]
            # sudo: a log line on the member, whoever made the change.
            sub.sudo()._message_log(body=Markup("<br/>").join(lines))

    # ------------------------------------------------------------ actions

    def action_suspend(self):
        self.write({"state": "suspended"})

    def action_activate(self):
        self.write({"state": "active"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_send_referral(self):
        """Send the member their referral link and code (SMS or email)."""
        self.ensure_one()
        if not self.env.user._is_internal():
            raise AccessError(_("Only staff send referral links."))
        if not self.program_id.referral_enabled:
            raise UserError(
                _("%s does not run referrals.", self.program_id.display_name)
            )
        if self.state != "active" or self.notify_channel == "none":
            raise UserError(
                _("%s receives no messages: give the code by hand.", self.display_name)
            )
        self._flexi_referral_code()
        self._flexi_notify("referral")
        return True

    def _flexi_referral_code(self):
        """The member's referral code, made now for a member seeded without
        one."""
        self.ensure_one()
        if not self.referral_code:
            with self._flexi_trusted():
                self.sudo().write({"referral_code": new_referral_code()})
        return self.referral_code

    def action_view_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "flexi_loyalty.flexi_loyalty_referral_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {}
        return action

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
        formatted = self.env["res.partner"]._flexi_phone_e164(
            number, partner and partner.country_id
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

    @api.model
    def _flexi_search_members(self, term, limit=8, program_ids=None):
        """Members matching what staff typed: a phone number in any common
        form (or its beginning), an email (or its beginning) or a member code.

        Served by prefix indexes, so it stays fast with many members and never
        needs the member list in the browser.
        """
        term = (term or "").strip()
        if not term:
            return self.browse()
        escaped = term.lower().replace("\\", "").replace("%", "").replace("_", "\\_")
        if "@" in term:
            match = [("email", "=like", escaped + "%")]
        else:
            prefix = phone_search_prefix(term, self.env.company.country_id.code)
            code = normalize_code(term)
            options = []
            if prefix:
                options.append([("phone", "=like", prefix + "%")])
            if len(code) == MEMBER_CODE_LENGTH:
                options.append([("member_code", "=", code)])
            if not options:
                return self.browse()
            match = expression.OR(options)
        domain = [("state", "!=", "closed")]
        if program_ids:
            domain.append(("program_id", "in", list(program_ids)))
        return self.search(expression.AND([domain, match]), limit=limit)

    def _flexi_on_enrolled(self):
        """Hook after enrolment: welcome message."""
        self._flexi_notify("welcome")

    def _flexi_lock(self):
        """Row lock against concurrent movements on these memberships.

        Odoo runs transactions in REPEATABLE READ: when another transaction
        already changed the balance, this raises a serialization failure
        (retried by Odoo) instead of letting us act on a stale balance.
        """
        if self:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM %s WHERE id IN %s FOR UPDATE",
                    SQL.identifier(self._table),
                    tuple(self.ids),
                )
            )

    def _flexi_lot_data(self):
        """{subscription id: (lot lines, debited points, pending points)}."""
        if not self.ids:
            return {}
        self.env["flexi.loyalty.ledger.line"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT subscription_id, is_lot, expiry_date, SUM(points),
                       SUM(points) FILTER (WHERE available_date > %s)
                  FROM flexi_loyalty_ledger_line
                 WHERE subscription_id IN %s
              GROUP BY subscription_id, is_lot, expiry_date
                """,
                fields.Datetime.now(),
                tuple(self.ids),
            )
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

    def _flexi_points_state(self, today=None):
        """The points rules of each member, read from the ledger at once.

        {member id: {"balance", "pending", "due", "spendable", "upcoming"}}:
        pending points are not spendable yet, due ones expire (posted or not),
        and "upcoming" lists [(expiry date, points left)] from ``today`` on,
        earliest first (see ``tools/fifo``).
        """
        today = today or fields.Date.context_today(self)
        data = self._flexi_lot_data()
        states = {}
        for sub in self:
            lots, debited, pending = data.get(sub.id, ([], 0, 0))
            balance = sub.points_balance
            states[sub.id] = {
                "balance": balance,
                "pending": pending,
                "due": expired_due(lots, debited, today),
                "spendable": spendable(balance, pending, lots, debited, today),
                "upcoming": upcoming_expiries(lots, debited, today),
            }
        return states

    def _flexi_spendable(self):
        """Points that can be spent now (after posting due expirations)."""
        self.ensure_one()
        self.env["flexi.loyalty.ledger.line"]._flexi_expire_due(
            fields.Date.context_today(self), self.ids
        )
        return self._flexi_points_state()[self.id]["spendable"]

    def _flexi_check_affordable(self, points):
        """Spendable points of the member, or a clear refusal when ``points``
        cannot be spent (posts due expirations first)."""
        self.ensure_one()
        available = self._flexi_spendable()
        if not can_redeem(available, points):
            raise UserError(
                _(
                    "Not enough points: %(member)s can spend %(available)s points, "
                    "%(asked)s asked.",
                    member=self.partner_id.name,
                    available=max(available, 0),
                    asked=points,
                )
            )
        return available

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
        self._flexi_check_affordable(points)
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
            **Line._flexi_source_vals(source),
        }
        # No lock needed to add points: the balance UPDATE locks the row, and
        # the idempotency key refuses a concurrent twin.
        # Keyed by member: a document whose customer changed after a
        # cancellation earns for the new customer too.
        balances = {}
        line = Line._flexi_post_earning(
            vals, f"earn:{source._name},{source.id}:{self.id}:", balances=balances
        )
        if line:
            self._flexi_after_earn(line, balance=balances.get(self.id))
        return line

    def _flexi_after_earn(self, line, balance=None):
        """Hook after points were earned: requalify the tier, tell about rewards.

        ``balance`` is the member's balance the earning left, when the caller
        has it from the writer (else it is read).
        """
        self._flexi_requalify()
        self._flexi_check_reward_reached(line, balance=balance)

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

    # ------------------------------------------------------------ tiers

    def _flexi_tier_stats(self, today):
        """{member id: {period: {basis: value}}} for the periods of their tiers.

        A few grouped queries for the whole set, whatever its size: confirmed
        orders of the members' partners (count, amount on the program's base)
        and points earned net of their reversals.
        """
        stats = {sub.id: {} for sub in self}
        if not self:
            return stats
        # sudo: only aggregates are read, and a tier must not depend on which
        # orders the user who triggers the requalification may see.
        Order = self.env["sale.order"].sudo()
        Line = self.env["flexi.loyalty.ledger.line"].sudo()
        for period in set(self.program_id.tier_ids.mapped("period")):
            start = window_start(today, period)
            order_domain = [
                ("state", "=", "sale"),
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]
            line_domain = [
                ("subscription_id", "in", self.ids),
                "|",
                ("move_type", "in", ("earn", "pending")),
                "&",
                ("move_type", "=", "reversal"),
                "&",
                ("points", "<", 0),
                # Points taken back from purchases, not from bonuses.
                ("lot_line_id.move_type", "in", ("earn", "pending")),
            ]
            if start:
                start_dt = fields.Datetime.to_datetime(start)
                order_domain.append(("date_order", ">=", start_dt))
                line_domain.append(("date", ">=", start_dt))
            orders = {
                (partner.id, company.id): (count, untaxed, total)
                for partner, company, count, untaxed, total in Order._read_group(
                    order_domain,
                    ["partner_id", "company_id"],
                    ["__count", "amount_untaxed:sum", "amount_total:sum"],
                )
            }
            points = {
                sub.id: total
                for sub, total in Line._read_group(
                    line_domain, ["subscription_id"], ["points:sum"]
                )
            }
            for sub in self:
                count, untaxed, total = orders.get(
                    (sub.partner_id.id, sub.company_id.id), (0, 0.0, 0.0)
                )
                amount = (
                    untaxed if sub.program_id.amount_base == "tax_excluded" else total
                )
                stats[sub.id][period] = {
                    "orders": count,
                    "amount": amount,
                    "points": points.get(sub.id, 0),
                }
        return stats

    def _flexi_qualifying_tier(self, stats):
        """The best tier of the member's program that ``stats`` reach."""
        self.ensure_one()
        tiers = self.program_id.tier_ids
        best = self.env["flexi.loyalty.tier"]
        for period, period_stats in stats.items():
            tier_id = qualifying_tier(
                [
                    {
                        "id": tier.id,
                        "basis": tier.basis,
                        "threshold": tier.threshold,
                        "sequence": tier.sequence,
                    }
                    for tier in tiers
                    if tier.period == period
                ],
                period_stats,
            )
            tier = tiers.browse(tier_id) if tier_id else best
            if tier and (
                not best
                or (tier.sequence, tier.threshold) > (best.sequence, best.threshold)
            ):
                best = tier
        return best

    def _flexi_requalify(self, today=None):
        """Move active members to the tier they qualify for now.

        Logs each upgrade or downgrade on the membership and tells the member.
        Returns the members whose tier changed.
        """
        subs = self.filtered(lambda s: s.state == "active" and s.program_id.tier_ids)
        if not subs:
            return subs
        today = today or fields.Date.context_today(self)
        stats = subs._flexi_tier_stats(today)
        changed = self.browse()
        for sub in subs:
            new_tier = sub._flexi_qualifying_tier(stats[sub.id])
            ranks = {t.id: (t.sequence, t.threshold) for t in sub.program_id.tier_ids}
            change = tier_change(sub.tier_id.id, new_tier.id, ranks)
            if change == "same":
                continue
            old_tier = sub.tier_id
            # The chatter line below says more than field tracking would.
            with sub._flexi_trusted():
                sub.with_context(mail_notrack=True).write({"tier_id": new_tier.id})
            sub._message_log(body=sub._flexi_tier_change_message(old_tier, change))
            changed |= sub
        changed._flexi_notify("tier")
        return changed

    def _flexi_tier_change_message(self, old_tier, change):
        self.ensure_one()
        values = {
            "old": old_tier.name or _("no tier"),
            "new": self.tier_id.name or _("no tier"),
        }
        if change == "upgrade":
            return _("Tier upgraded: %(old)s → %(new)s", **values)
        return _("Tier downgraded: %(old)s → %(new)s", **values)

    @api.model
    def _cron_flexi_loyalty_requalify(self):
        """Nightly: rolling windows drop old orders, reversals take points back."""
        programs = self.env["flexi.loyalty.program"].search([("tier_ids", "!=", False)])
        members = self.search(
            [
                ("program_id", "in", programs.ids),
                ("state", "=", "active"),
            ]
        )
        # Bounded batches keep the grouped queries and the cache small.
        for start in range(0, len(members), 1000):
            members[start : start + 1000]._flexi_requalify()

    # ------------------------------------------------------------ notifications

    @api.model
    def _flexi_default_channel(self, phone, email):
        """The configured channel, else the one the member can be reached on."""
        channel = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("flexi_loyalty.notify_channel", "sms")
        )
        if channel == "sms" and not phone and email:
            return "email"
        if channel == "email" and not email and phone:
            return "sms"
        return channel

    def _flexi_notify(self, kind):
        """Send the service message ``kind`` to each member on its channel.

        Members who chose no messages, or who are blacklisted on their channel,
        receive nothing.
        """
        members = self.filtered(
            lambda s: s.state == "active" and s.notify_channel != "none"
        )
        if not members:
            return
        mail_xmlid, sms_xmlid = NOTIFICATION_TEMPLATES[kind]
        by_sms = members.filtered(lambda s: s.notify_channel == "sms" and s.phone)
        by_email = members.filtered(lambda s: s.notify_channel == "email" and s.email)
        sms_template = self.env.ref(sms_xmlid, raise_if_not_found=False)
        mail_template = self.env.ref(mail_xmlid, raise_if_not_found=False)
        if by_sms and sms_template:
            by_sms._flexi_send_sms(sms_template)
        if by_email and mail_template:
            by_email._flexi_send_email(mail_template)

    def _flexi_send_sms(self, template):
        """Queue ``template`` by SMS through Odoo's mass SMS composer.

        The composer renders in each member's language, cancels numbers of the
        phone blacklist, and logs the text on each membership. ``sudo`` is safe:
        the template and the recipients (the members' own numbers) are ours;
        the current user may be a salesperson or a portal customer without
        rights on SMS templates.
        """
        return self.sudo()._message_sms_schedule_mass(template=template.sudo())

    def _flexi_send_email(self, template):
        """Queue ``template`` by email to members whose address is not blacklisted.

        ``sudo``: same boundary as :meth:`_flexi_send_sms`.
        """
        emails = {sub.id: email_normalize(sub.email) for sub in self}
        blacklisted = set(
            self.env["mail.blacklist"]
            .sudo()
            .search([("email", "in", [e for e in emails.values() if e])])
            .mapped("email")
        )
        for sub in self:
            if not emails[sub.id] or emails[sub.id] in blacklisted:
                continue
            template.sudo().send_mail(sub.id)

    def _flexi_cheapest_reward(self):
        """Cheapest active reward the member's tier allows."""
        self.ensure_one()
        # A plain loop: this runs at every order confirmation.
        cheapest = self.env["flexi.loyalty.reward"]
        for reward in self.program_id.reward_ids:
            if reward.min_tier_id and not (
                self.tier_id and reward.min_tier_id.sequence <= self.tier_id.sequence
            ):
                continue
            if not cheapest or reward.points_cost < cheapest.points_cost:
                cheapest = reward
        return cheapest

    def _flexi_check_reward_reached(self, line, balance=None):
        """Tell the member when an earning makes a reward affordable.

        Only on the earning that crosses the cheapest reward's cost, not on
        every later one. ``balance``: the member's balance after the earning,
        if known (it saves reading the member again at every confirmation).
        """
        self.ensure_one()
        # Cheapest tests first: this runs at every order confirmation.
        reward = self._flexi_cheapest_reward()
        if not reward:
            return
        if balance is None:
            balance = self.points_balance
        if balance < reward.points_cost or line.move_type != "earn":
            return
        if self.program_id.pending_days:
            # Pending points hide part of the balance: ask the ledger.
            available = self._flexi_points_state()[self.id]["spendable"]
        else:
            # Runs at every confirmation and only decides whether to send a
            # message: the balance is enough (expiries are posted every night).
            available = balance
        if available - line.points < reward.points_cost <= available:
            self._flexi_notify("reward")

    @api.model
    def _cron_flexi_loyalty_expiry_reminders(self, today=None):
        """Daily: "your points expire on ..." once per member and expiry date.

        The date reminded is stored on the membership in the same transaction
        as the queued message, so a retried run sends nothing twice.
        """
        ICP = self.env["ir.config_parameter"].sudo()
        if ICP.get_param("flexi_loyalty.expiry_reminder", "True") != "True":
            return
        today = today or fields.Date.context_today(self)
        programs = self.env["flexi.loyalty.program"].search(
            [("expiry_reminder_days", ">", 0), ("validity_months", ">", 0)]
        )
        for program in programs:
            end = fields.Date.add(today, days=program.expiry_reminder_days)
            members = self.search(
                [
                    ("program_id", "=", program.id),
                    ("state", "=", "active"),
                    ("notify_channel", "!=", "none"),
                    ("line_ids.is_lot", "=", True),
                    ("line_ids.expiry_date", ">=", today),
                    ("line_ids.expiry_date", "<=", end),
                ]
            )
            members._flexi_remind_expiry(today, end)

    def _flexi_remind_expiry(self, today, end):
        """Remind members of their first points expiring between the two days."""
        states = self._flexi_points_state(today)
        todo = {}
        for sub in self:
            upcoming = states[sub.id]["upcoming"]
            if not upcoming or upcoming[0][0] > end:
                continue
            expiry, points = upcoming[0]
            if sub.expiry_reminder_date and sub.expiry_reminder_date >= expiry:
                continue
            todo.setdefault((expiry, points), self.browse())
            todo[(expiry, points)] |= sub
        reminded = self.browse()
        for (expiry, points), subs in todo.items():
            with subs._flexi_trusted():
                subs.write(
                    {"expiry_reminder_date": expiry, "expiry_reminder_points": points}
                )
            reminded |= subs
        reminded._flexi_notify("expiry")
        return reminded
