from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError


class FlexiLoyaltyReward(models.Model):
    _name = "flexi.loyalty.reward"
    _description = "Loyalty Reward"
    _order = "program_id, points_cost, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    currency_id = fields.Many2one(related="program_id.currency_id")
    reward_type = fields.Selection(
        [
            ("credit", "Credit"),
            ("discount", "Percentage Discount"),
            ("product", "Free Product"),
            ("voucher", "Voucher"),
        ],
        "Type",
        default="credit",
        required=True,
    )
    points_cost = fields.Integer("Points", required=True)
    credit_amount = fields.Monetary("Credit", help="Amount taken off the order.")
    discount_percent = fields.Float("Discount (%)", digits=(16, 2))
    product_id = fields.Many2one("product.product", "Free Product")
    voucher_value = fields.Monetary("Voucher Value")
    voucher_validity_days = fields.Integer("Voucher Valid (days)", default=90)
    min_tier_id = fields.Many2one(
        "flexi.loyalty.tier",
        "Minimum Tier",
        domain="[('program_id', '=', program_id)]",
    )
    reward_product_id = fields.Many2one(
        "product.product",
        "Order Line Product",
        help="Product of the order line that carries the reward.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("points_cost_positive", "CHECK(points_cost > 0)", "A reward costs points."),
    ]

    @api.constrains(
        "reward_type",
        "credit_amount",
        "discount_percent",
        "product_id",
        "voucher_value",
    )
    def _check_reward_value(self):
        for reward in self:
            if reward.reward_type == "credit" and reward.credit_amount <= 0:
                raise ValidationError(_("A credit reward needs a positive amount."))
            if reward.reward_type == "discount" and not (
                0 < reward.discount_percent <= 100
            ):
                raise ValidationError(_("A discount is between 0 and 100%."))
            if reward.reward_type == "product" and not reward.product_id:
                raise ValidationError(_("A free product reward needs a product."))
            if reward.reward_type == "voucher" and reward.voucher_value <= 0:
                raise ValidationError(_("A voucher reward needs a positive value."))

    # ------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        rewards = super().create(vals_list)
        # A free product is its own order line; other rewards need a product
        # to carry their (negative) line.
        for reward in rewards.filtered(
            lambda r: not r.reward_product_id and r.reward_type != "product"
        ):
            reward.reward_product_id = self.env["product.product"].create(
                reward._flexi_reward_product_vals()
            )
        return rewards

    # ------------------------------------------------------------ business

    def _flexi_reward_product_vals(self):
        """Values of the service product created to carry this reward."""
        self.ensure_one()
        return {
            "name": self.name,
            "type": "service",
            "sale_ok": False,
            "purchase_ok": False,
            "list_price": 0.0,
            "invoice_policy": "order",
            "taxes_id": [Command.clear()],
            "supplier_taxes_id": [Command.clear()],
            "flexi_loyalty_no_earn": True,
            "company_id": self.company_id.id,
        }

    def _flexi_unavailable_reason(self, subscription):
        """Why ``subscription`` may not pick this reward, or False.

        Points are checked when they are debited; this covers the rest.
        """
        self.ensure_one()
        if not self.active or self.program_id != subscription.program_id:
            return _("This reward is not part of %s.", subscription.program_id.name)
        if subscription.state != "active":
            return _("This membership is not active.")
        if self.min_tier_id and not self._flexi_tier_reached(subscription.tier_id):
            return _(
                "This reward is for members from the %(tier)s tier.",
                tier=self.min_tier_id.name,
            )
        return False

    def _flexi_tier_reached(self, tier):
        """True when ``tier`` is the minimum tier or a higher one."""
        self.ensure_one()
        if not tier:
            return False
        # Tiers rank by sequence (then id), like the program's tier list.
        minimum = self.min_tier_id
        return (tier.sequence, tier.id) >= (minimum.sequence, minimum.id)

    def _flexi_is_available_for(self, subscription):
        """True when ``subscription`` may pick this reward (points aside)."""
        return not self._flexi_unavailable_reason(subscription)
