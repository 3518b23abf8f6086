from odoo import api, fields, models


class FmAntiwasteBasketLine(models.Model):
    _name = "fm.antiwaste.basket.line"
    _description = "Anti-Waste Basket Content"

    basket_id = fields.Many2one(
        "fm.antiwaste.basket", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="basket_id.company_id", store=True)
    product_id = fields.Many2one("product.product", required=True)
    lot_id = fields.Many2one("stock.lot", required=True)
    quantity = fields.Float(digits="Product Unit of Measure", required=True)
    unit_value = fields.Float("Normal Unit Price", digits="Product Price")
    value = fields.Float(compute="_compute_value", store=True, digits="Product Price")

    @api.depends("quantity", "unit_value")
    def _compute_value(self):
        for line in self:
            line.value = line.quantity * line.unit_value
