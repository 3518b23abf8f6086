from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class FlexiLoyaltyTier(models.Model):
    _name = "flexi.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "program_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    sequence = fields.Integer(default=10, help="Higher tiers have a higher sequence.")
    basis = fields.Selection(
        [
            ("orders", "Number of Orders"),
            ("amount", "Amount Spent"),
            ("points", "Points Earned"),
        ],
        "Qualified By",
        default="orders",
        required=True,
    )
    threshold = fields.Float(
        "Minimum",
        required=True,
        help="Members reaching this number of orders, amount or points qualify.",
    )
    period = fields.Selection(
        [("lifetime", "Whole Membership"), ("rolling_12", "Last 12 Months")],
        default="lifetime",
        required=True,
    )
    discount_percent = fields.Float(
        "Permanent Discount (%)",
        digits=(16, 2),
        help="Applied automatically to every order of the member.",
    )
    earn_multiplier = fields.Float("Earning Multiplier", default=1.0, digits=(16, 2))

    @api.constrains("threshold", "discount_percent", "earn_multiplier")
    def _check_benefits(self):
        for tier in self:
            if tier.threshold < 0:
                raise ValidationError(_("A tier threshold cannot be negative."))
            if not 0 <= tier.discount_percent <= 100:
                raise ValidationError(_("A tier discount is between 0 and 100%."))
            if tier.earn_multiplier <= 0:
                raise ValidationError(_("A tier earning multiplier must be positive."))
