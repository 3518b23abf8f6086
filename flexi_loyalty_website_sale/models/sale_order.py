from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _cart_update(self, product_id, line_id=None, add_qty=0, set_qty=0, **kwargs):
        reward_line = self._flexi_loyalty_website_sale_reward_line(line_id)
        # The quantity asked for, read as website_sale reads it (a form post
        # of /shop/cart/update sends text).
        try:
            set_number = float(set_qty or 0)
        except (TypeError, ValueError):
            set_number = 0.0
        try:
            add_number = float(add_qty or 0)
        except (TypeError, ValueError):
            add_number = 1.0
        if set_number:
            quantity = set_number
        elif add_qty is not None:
            quantity = reward_line.product_uom_qty + add_number
        else:
            quantity = 0
        if reward_line and quantity > 0:
            # A reward is worth the points it cost: its quantity does not
            # change; removing it (quantity 0) gives the points back.
            return {
                "line_id": reward_line.id,
                "quantity": reward_line.product_uom_qty,
                "option_ids": [],
                "warning": _("A reward cannot change quantity: remove it instead."),
            }
        res = super()._cart_update(
            product_id, line_id=line_id, add_qty=add_qty, set_qty=set_qty, **kwargs
        )
        # Tier discounts follow the cart (flexi_loyalty has no website hook).
        self._flexi_loyalty_sync_tier_discount()
        return res

    def _flexi_loyalty_referral_channel(self):
        return (
            "website" if self.website_id else super()._flexi_loyalty_referral_channel()
        )

    def _flexi_loyalty_website_sale_reward_line(self, line_id):
        """The cart's reward or voucher line ``line_id``, if it is one."""
        if not line_id:
            return self.env["sale.order.line"]
        line = self.order_line.filtered(lambda ln: ln.id == int(line_id))
        return line if line and line._flexi_loyalty_is_reward() else line.browse()

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
