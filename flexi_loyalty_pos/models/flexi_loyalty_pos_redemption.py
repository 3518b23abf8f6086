import secrets

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FlexiLoyaltyPosRedemption(models.Model):
    """One reward asked for at the till, from the code request to the order.

    The one-time code is bound to this record (its document), so a code sent
    for one redemption unlocks nothing else. Once the code is accepted the
    record holds a random token; the order line carrying the reward quotes it
    and the points are debited when the paid order reaches the server, once
    per token.
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
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    pos_order_id = fields.Many2one("pos.order", readonly=True, index="btree_not_null")
    ledger_line_id = fields.Many2one("flexi.loyalty.ledger.line", readonly=True)

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
            "name": self.reward_id.name,
            "points": self.points,
        }

    def _flexi_accept(self):
        """The code was right (or none was needed): issue the token."""
        self.ensure_one()
        self.sudo().write({"state": "verified", "token": secrets.token_urlsafe(24)})
        return self._flexi_line_values()

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

    def _flexi_consume(self, order):
        """Debit the points for ``order``; once per token whatever the retries."""
        self.ensure_one()
        sub = self.subscription_id.sudo()
        if self.state == "used":
            return self.ledger_line_id
        goods = sum(
            line._flexi_loyalty_amounts()[1]
            for line in order.lines
            if not line.flexi_loyalty_token and line.qty > 0
        )
        # Posts due expirations first so the expiry read below is right.
        sub._flexi_spendable()
        line = sub._flexi_debit(
            self.points,
            "redeem",
            _("%(reward)s on %(order)s", reward=self.reward_id.name, order=order.name),
            source={"res_model": "pos.order", "res_id": order.id},
            key=f"pos-redeem:{self.sudo().token}",
            reward_id=self.reward_id.id,
            base_amount=goods,
            expiry_date=sub._flexi_expiry_consumed_by(self.points),
        )
        self.sudo().write(
            {"state": "used", "pos_order_id": order.id, "ledger_line_id": line.id}
        )
        return line
