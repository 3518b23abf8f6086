import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Points held for a reward accepted at a till are given back after this
# delay if no paid order took them (ir.config_parameter
# flexi_loyalty_pos.hold_hours).
HOLD_HOURS = 24


class FlexiLoyaltyPosRedemption(models.Model):
    """One reward asked for at the till, from the code request to the order.

    The one-time code is bound to this record (its document), so a code sent
    for one redemption unlocks nothing else. Once the code is accepted the
    record holds a random token and the points are held: debited at once,
    with this record as their source, so they cannot be spent twice while the
    order is rung up. The order line carrying the reward quotes the token;
    the paid order takes the held points over. A reward never paid for gives
    its points back, once, when the session closes (or by the cron). A paid
    order is never refused for want of points: see :meth:`_flexi_consume`.
    """

    _name = "flexi.loyalty.pos.redemption"
    _description = "Loyalty Redemption at the Till"
    _order = "id desc"
    _rec_name = "reward_id"

    session_id = fields.Many2one(
        "pos.session", required=True, index=True, readonly=True, ondelete="cascade"
    )
    config_id = fields.Many2one(related="session_id.config_id", store=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription",
        "Member",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(related="subscription_id.partner_id", store=True)
    reward_id = fields.Many2one(
        "flexi.loyalty.reward", required=True, readonly=True, ondelete="restrict"
    )
    points = fields.Integer(readonly=True)
    amount = fields.Monetary(
        readonly=True, help="Value taken off the order, tax included."
    )
    currency_id = fields.Many2one(related="session_id.currency_id")
    product_id = fields.Many2one("product.product", readonly=True)
    otp_id = fields.Many2one("flexi.loyalty.otp", "Code", readonly=True)
    token = fields.Char(readonly=True, copy=False, groups="base.group_system")
    state = fields.Selection(
        [
            ("draft", "Code Sent"),
            ("verified", "Accepted"),
            ("used", "Spent"),
            ("released", "Given Back"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    accepted_date = fields.Datetime(readonly=True, copy=False)
    base_amount = fields.Monetary(
        readonly=True, help="Value of the goods on the order when the reward was asked."
    )
    pos_order_id = fields.Many2one("pos.order", readonly=True, index="btree_not_null")
    ledger_line_id = fields.Many2one(
        "flexi.loyalty.ledger.line",
        "Points Debit",
        readonly=True,
        help="The points held when the reward was accepted, or debited when "
        "the order was paid after they had been given back.",
    )

    _sql_constraints = [
        ("token_unique", "UNIQUE(token)", "Redemption tokens are unique."),
    ]

    # ------------------------------------------------------------ business

    def _flexi_line_values(self):
        """What the till adds to the order once the redemption is accepted."""
        self.ensure_one()
        return {
            "redemption_id": self.id,
            "token": self.sudo().token,
            "product_id": self.product_id.id,
            "price_unit": -self.amount,
            "qty": 1,
            "name": self.reward_id._flexi_line_description(self.points),
            "points": self.points,
        }

    def _flexi_accept(self):
        """The code was right (or none was needed): hold the points, issue
        the token."""
        self.ensure_one()
        self._flexi_hold()
        self.sudo().write(
            {
                "state": "verified",
                "token": secrets.token_urlsafe(24),
                "accepted_date": fields.Datetime.now(),
            }
        )
        return self._flexi_line_values()

    def _flexi_source(self):
        return {"res_model": self._name, "res_id": self.id}

    def _flexi_debit_vals(self, reason):
        """What the redeem line carries, whenever it is posted."""
        self.ensure_one()
        sub = self.subscription_id.sudo()
        # Posts due expirations first so the expiry read below is right.
        sub._flexi_spendable()
        return {
            "reward_id": self.reward_id.id,
            "base_amount": self.base_amount,
            "expiry_date": sub._flexi_expiry_consumed_by(self.points),
            "reason": reason,
        }

    def _flexi_hold(self):
        """Debit the points now, once per redemption: refused (clear message,
        nothing held) when the member no longer has them."""
        self.ensure_one()
        vals = self._flexi_debit_vals(
            _(
                "%(reward)s at %(session)s",
                reward=self.reward_id.name,
                session=self.session_id.name,
            )
        )
        line = self.subscription_id.sudo()._flexi_debit(
            self.points,
            "redeem",
            vals.pop("reason"),
            source=self._flexi_source(),
            key=f"pos-redeem:{self.id}",
            **vals,
        )
        self.sudo().ledger_line_id = line
        return line

    @api.model
    def _flexi_from_token(self, token):
        # sudo: the token is the secret that proves the redemption.
        return self.sudo().search([("token", "=", token)], limit=1) if token else self

    def _flexi_check_line(self, order_vals, line_vals):
        """Refuse an order line that does not match this accepted redemption
        (``self`` is empty when the line quotes no valid token)."""
        session = self.env["pos.session"].browse(order_vals.get("session_id"))
        if not self or self.state == "draft":
            raise UserError(
                _("A reward line has no accepted redemption: it cannot be sold.")
            )
        if self.state == "used" and self.pos_order_id.uuid != order_vals.get("uuid"):
            raise UserError(_("This reward was already spent on another order."))
        if session.config_id != self.config_id:
            raise UserError(_("This reward was accepted at another till."))
        if (order_vals.get("partner_id") or False) != self.partner_id.id:
            raise UserError(
                _("The reward of %s cannot go on another customer's order.")
                % self.partner_id.name
            )
        if line_vals.get("product_id") != self.product_id.id:
            raise UserError(_("A reward line was changed after it was accepted."))
        value = (line_vals.get("price_unit") or 0.0) * (line_vals.get("qty") or 0.0)
        value *= 1 - (line_vals.get("discount") or 0.0) / 100
        if self.currency_id.compare_amounts(-value, self.amount) > 0 or value > 0:
            raise UserError(_("A reward line was changed after it was accepted."))

    def _flexi_lock(self):
        """Row lock: a payment and a release of the same redemption conflict
        (the later one is retried and sees what the first did)."""
        if self:
            self.env.cr.execute(
                "SELECT id FROM flexi_loyalty_pos_redemption WHERE id IN %s FOR UPDATE",
                [tuple(self.ids)],
            )
            self.invalidate_recordset()

    def _flexi_consume(self, order):
        """The paid ``order`` takes over the held points; once per token.

        Never refuses: when the hold was given back meanwhile (or was never
        posted), the points are debited now, even below zero.
        """
        self.ensure_one()
        self._flexi_lock()
        if self.state == "used":
            return self.ledger_line_id
        if self.state == "verified" and self.ledger_line_id:
            line = self.ledger_line_id
        else:
            line = self._flexi_debit_at_sale(order)
        self.sudo().write(
            {"state": "used", "pos_order_id": order.id, "ledger_line_id": line.id}
        )
        return line

    def _flexi_debit_at_sale(self, order):
        """Debit the points of a reward the customer has already had.

        The one place points may go below zero (server code only, never
        reachable over RPC): the goods and the money are gone, so the order
        is kept, the member owes the points and a manager is told.
        """
        self.ensure_one()
        sub = self.subscription_id.sudo()
        sub._flexi_lock()
        key = f"pos-redeem:{self.id}:sale"
        vals = self._flexi_debit_vals(
            _("%(reward)s on %(order)s", reward=self.reward_id.name, order=order.name)
        )
        spendable = sub._flexi_spendable()
        if sub.state == "active" and spendable >= self.points:
            return sub._flexi_debit(
                self.points,
                "redeem",
                vals.pop("reason"),
                source=self._flexi_source(),
                key=key,
                **vals,
            )
        Line = self.env["flexi.loyalty.ledger.line"]
        line = Line._flexi_post(
            [
                {
                    "subscription_id": sub.id,
                    "move_type": "redeem",
                    "points": -self.points,
                    "idempotency_key": key,
                    **self._flexi_source(),
                    **vals,
                }
            ]
        ) or Line.sudo().search([("idempotency_key", "=", key)], limit=1)
        if spendable < self.points:
            sub._flexi_pos_owes_points(order, self)
        return line

    def _flexi_release(self):
        """Give back the points held for rewards that were never paid for.

        Once per redemption whatever the retries: the state moves under a row
        lock and the reversal carries a key bound to the redemption.
        """
        for redemption in self.sudo():
            redemption._flexi_lock()
            if redemption.state != "verified":
                continue
            redemption.ledger_line_id._flexi_reverse(
                f"pos-release:{redemption.id}",
                _("%(reward)s not used at the till", reward=redemption.reward_id.name),
                source=redemption._flexi_source(),
            )
            redemption.state = "released"

    @api.model
    def _cron_flexi_loyalty_release_holds(self):
        """Hourly: give back the points of rewards accepted at a till whose
        session is closed, or held longer than the allowed delay."""
        hours = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("flexi_loyalty_pos.hold_hours", HOLD_HOURS)
        )
        limit = fields.Datetime.subtract(fields.Datetime.now(), hours=hours)
        self.sudo().search(
            [
                ("state", "=", "verified"),
                "|",
                ("session_id.state", "=", "closed"),
                ("accepted_date", "<", limit),
            ]
        )._flexi_release()
