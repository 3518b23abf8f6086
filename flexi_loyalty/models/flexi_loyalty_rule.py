from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.points import points_for_quantity


class FlexiLoyaltyRule(models.Model):
    _name = "flexi.loyalty.rule"
    _description = "Loyalty Earning Rule"
    _order = "program_id, id"

    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, ondelete="cascade", index=True
    )
    product_id = fields.Many2one("product.product", "Product")
    categ_id = fields.Many2one("product.category", "Product Category")
    mode = fields.Selection(
        [("fixed", "Fixed Points per Unit"), ("multiplier", "Multiplier")],
        default="multiplier",
        required=True,
    )
    points_per_unit = fields.Float("Points per Unit", digits=(16, 2))
    multiplier = fields.Float(default=2.0, digits=(16, 2))

    @api.constrains("product_id", "categ_id", "points_per_unit", "multiplier")
    def _check_rule(self):
        for rule in self:
            if bool(rule.product_id) == bool(rule.categ_id):
                raise ValidationError(
                    _("An earning rule applies to either a product or a category.")
                )
            if rule.points_per_unit < 0 or rule.multiplier < 0:
                raise ValidationError(_("Earning rules cannot take points away."))

    def _flexi_fixed_points(self, quantity):
        self.ensure_one()
        return points_for_quantity(quantity, self.points_per_unit)
