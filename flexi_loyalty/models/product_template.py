from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    flexi_loyalty_no_earn = fields.Boolean(
        "Earns No Loyalty Points",
        help="Gift cards, vouchers, deposits: sold without earning points.",
    )
