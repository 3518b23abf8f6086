from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.antiwaste import boost_entry, boost_factor, valid_multiplier


class FlexiLoyaltyProgram(models.Model):
    _inherit = "flexi.loyalty.program"

    antiwaste_multiplier = fields.Float(
        "Anti-Waste Multiplier",
        default=1.0,
        required=True,
        digits=(16, 2),
        help="Products sold at an anti-waste markdown price and surprise "
        "baskets earn this many times the points, e.g. 2 for double points; "
        "1 means no bonus. Prices lowered by hand earn no bonus.",
    )

    @api.constrains("antiwaste_multiplier")
    def _check_antiwaste_multiplier(self):
        for program in self:
            if not valid_multiplier(program.antiwaste_multiplier):
                raise ValidationError(
                    _(
                        "The anti-waste multiplier of %(program)s must be between "
                        "1 (no bonus) and 10.",
                        program=program.name,
                    )
                )

    def _flexi_earning_entry(self, line):
        # ``antiwaste_qty``: units of the line sold marked down or as a
        # surprise basket (see sale.order.line._flexi_antiwaste_units).
        entry = super()._flexi_earning_entry(line)
        units = line.get("antiwaste_qty")
        if not units or self.antiwaste_multiplier == 1:
            return entry
        factor = boost_factor(self.antiwaste_multiplier, units, line["quantity"])
        return boost_entry(entry, factor)
