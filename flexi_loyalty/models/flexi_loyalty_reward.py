from odoo import _, api, fields, models
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
