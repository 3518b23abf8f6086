from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    fm_cc_prep_minutes = fields.Float(
        "Preparation Time per Unit (minutes)",
        digits=(16, 2),
        help="Kitchen time one unit takes. At pickup points counting their "
        "slots in preparation minutes, an order takes the minutes of its cart.",
    )
    fm_cc_notice_hours = fields.Integer(
        "Minimum Notice (hours)",
        help="A cart with this product is only offered pickup slots starting "
        "at least this long after the order (e.g. 48 for a wedding cake).",
    )

    @api.constrains("fm_cc_prep_minutes", "fm_cc_notice_hours")
    def _check_fm_cc_preparation(self):
        for product in self:
            if product.fm_cc_prep_minutes < 0 or product.fm_cc_notice_hours < 0:
                raise ValidationError(
                    self.env._(
                        "The preparation time and the minimum notice of "
                        "%(product)s cannot be negative.",
                        product=product.display_name,
                    )
                )
