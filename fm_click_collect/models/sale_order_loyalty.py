from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _compute_cart_info(self):
        # The header badge counts articles: money off paid with points or a
        # voucher, and the tier discount, are none (a free product is one:
        # it also keeps a cart of free products from being dropped as empty).
        res = super()._compute_cart_info()
        for order in self:
            money_off = order.website_order_line.filtered(
                lambda line: line._flexi_loyalty_earns_nothing() and line.price_unit < 0
            )
            order.cart_quantity -= int(sum(money_off.mapped("product_uom_qty")))
        return res
