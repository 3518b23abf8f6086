from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FlexiLoyaltyRedeemWizard(models.TransientModel):
    """Use points on a quotation: pick a reward, send a code, type it, apply."""

    _name = "flexi.loyalty.redeem.wizard"
    _description = "Use Loyalty Points"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    partner_id = fields.Many2one(related="order_id.partner_id")
    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription",
        "Membership",
        required=True,
        compute="_compute_subscription_id",
        store=True,
        precompute=True,
        readonly=False,
        domain="[('partner_id', '=', partner_id), ('state', '=', 'active')]",
    )
    points_available = fields.Integer(related="subscription_id.points_available")
    otp_required = fields.Boolean(related="subscription_id.program_id.otp_required")
    available_reward_ids = fields.Many2many(
        "flexi.loyalty.reward", compute="_compute_available_reward_ids"
    )
    reward_id = fields.Many2one(
        "flexi.loyalty.reward", domain="[('id', 'in', available_reward_ids)]"
    )
    chooses_points = fields.Boolean(compute="_compute_points_choice")
    points_rule = fields.Char("Rule", compute="_compute_points_choice")
    points_max = fields.Integer(
        "Up to",
        compute="_compute_points_choice",
        help="The most points the member may use on this order.",
    )
    points = fields.Integer(
        "Points to Use",
        help="How many points the member uses on a credit per point.",
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    points_credit = fields.Monetary(
        "Credit", compute="_compute_points_credit", help="Taken off the order."
    )
    otp_id = fields.Many2one("flexi.loyalty.otp", readonly=True)
    otp_message = fields.Char(
        "Code Sent", compute="_compute_otp_message", help="Where the code went."
    )
    code = fields.Char(help="The code the customer received.")
    override_reason = fields.Char(help="Why the code is skipped (managers only).")

    @api.depends("order_id")
    def _compute_subscription_id(self):
        for wizard in self:
            wizard.subscription_id = wizard.order_id.flexi_loyalty_subscription_ids[:1]

    @api.depends("subscription_id")
    def _compute_available_reward_ids(self):
        for wizard in self:
            wizard.available_reward_ids = wizard._flexi_available_rewards()

    @api.depends("reward_id", "subscription_id")
    def _compute_points_choice(self):
        for wizard in self:
            reward = wizard.reward_id
            chooses = bool(reward) and reward._flexi_chooses_points()
            wizard.chooses_points = chooses
            wizard.points_rule = reward._flexi_points_rule() if chooses else False
            wizard.points_max = (
                wizard.order_id._flexi_loyalty_max_points(
                    wizard.subscription_id, reward
                )
                if chooses and wizard.subscription_id
                else 0
            )

    @api.depends("reward_id", "points")
    def _compute_points_credit(self):
        for wizard in self:
            reward = wizard.reward_id
            wizard.points_credit = (
                reward._flexi_credit_for(max(wizard.points, 0))
                if reward and reward._flexi_chooses_points()
                else 0.0
            )

    @api.depends("otp_id")
    def _compute_otp_message(self):
        for wizard in self:
            wizard.otp_message = (
                wizard.otp_id._flexi_sent_message() if wizard.otp_id else False
            )

    @api.onchange("reward_id", "subscription_id")
    def _onchange_reward_id(self):
        # A code is bound to one reward: a new choice needs a new code.
        self.otp_id = False
        self.code = False
        # As many points as the order and the balance allow, to lower at will.
        self.points = self.points_max

    @api.onchange("points")
    def _onchange_points(self):
        # A code is bound to a number of points too.
        self.otp_id = False
        self.code = False

    def _flexi_available_rewards(self):
        """Rewards the member may pick now: tier allowed and affordable."""
        self.ensure_one()
        sub = self.subscription_id
        if not sub:
            return self.env["flexi.loyalty.reward"]
        available = sub.points_available
        return sub.program_id.reward_ids.filtered(
            lambda r: r.points_cost <= available and r._flexi_is_available_for(sub)
        )

    def _flexi_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": _("Use Points"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _flexi_check_ready(self):
        self.ensure_one()
        if not self.reward_id:
            raise UserError(_("Choose a reward first."))

    def _flexi_points(self):
        """The points chosen, for a credit per point (None for other rewards:
        they spend their cost)."""
        self.ensure_one()
        return self.points if self.reward_id._flexi_chooses_points() else None

    def action_send_code(self):
        self.ensure_one()
        self._flexi_check_ready()
        # What would refuse the redemption is said before a code goes out.
        order, member, reward = self.order_id, self.subscription_id, self.reward_id
        order._flexi_loyalty_check_redeem(member, reward, self._flexi_points())
        # Sent at once: the member is waiting, and a failed SMS is said. The
        # code is bound to the number of points chosen.
        self.otp_id = self.env["flexi.loyalty.otp"]._flexi_request(
            member,
            reward,
            order,
            points=order._flexi_loyalty_points_to_spend(
                member, reward, self._flexi_points()
            ),
            send_now=True,
        )
        self.code = False
        return self._flexi_reopen()

    def action_apply(self):
        self.ensure_one()
        self._flexi_check_ready()
        order, member, reward = self.order_id, self.subscription_id, self.reward_id
        # "Already applied", a reward larger than the order…: said before the
        # code is spent.
        order._flexi_loyalty_check_redeem(member, reward, self._flexi_points())
        points = order._flexi_loyalty_points_to_spend(
            member, reward, self._flexi_points()
        )
        otp = None
        if self.otp_required:
            otp = self.otp_id
            if not otp:
                raise UserError(_("Send a code to the member first."))
            otp._flexi_check_points(points)
            otp._flexi_verify(self.code, reward, order, points=points)
        order._flexi_loyalty_redeem(member, reward, otp=otp, points=points)
        return {"type": "ir.actions.act_window_close"}

    def action_override(self):
        """Manager: redeem without a code, with a reason kept in the log."""
        self.ensure_one()
        self._flexi_check_ready()
        order, member, reward = self.order_id, self.subscription_id, self.reward_id
        points = order._flexi_loyalty_points_to_spend(
            member, reward, self._flexi_points()
        )
        otp = self.env["flexi.loyalty.otp"]._flexi_override(
            member, reward, order, self.override_reason, points=points
        )
        order._flexi_loyalty_redeem(member, reward, otp=otp, points=points)
        return {"type": "ir.actions.act_window_close"}
