from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _compute_cart_info(self):
        # The header badge counts products: rewards, vouchers and the tier
        # discount are money off, not articles.
        res = super()._compute_cart_info()
        for order in self:
            money_off = order.website_order_line.filtered(
                lambda line: line._flexi_loyalty_earns_nothing()
            )
            order.cart_quantity -= int(sum(money_off.mapped("product_uom_qty")))
        return res
