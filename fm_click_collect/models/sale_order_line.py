from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _fm_cc_product_qty(self):
        """Quantity in the product's unit (preparation is per unit of it)."""
        self.ensure_one()
        if self.product_uom and self.product_uom != self.product_id.uom_id:
            return self.product_uom._compute_quantity(
                self.product_uom_qty, self.product_id.uom_id, round=False
            )
        return self.product_uom_qty
