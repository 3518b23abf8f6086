from odoo import _, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fm_baskets_by_line(self):
        lines = self.order_line.filtered("product_id")
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "in", lines.product_id.ids)])
        )
        by_product = {b.product_id.id: b for b in baskets}
        return {
            line: by_product[line.product_id.id]
            for line in lines
            if line.product_id.id in by_product
        }

    def _action_confirm(self):
        for order in self:
            for line, basket in order._fm_baskets_by_line().items():
                # sudo: salespeople and website customers sell baskets without
                # stock rights; _fm_sell checks availability under a row lock.
                basket._fm_sell(line)
        return super()._action_confirm()

    def _verify_updated_quantity(self, order_line, product_id, new_qty, **kwargs):
        new_qty, warning = super()._verify_updated_quantity(
            order_line, product_id, new_qty, **kwargs
        )
        basket = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "=", product_id)], limit=1)
        )
        if basket and new_qty > 0:
            if basket.state != "published":
                return 0, _("This surprise basket has already been sold.")
            if new_qty > 1:
                return 1, _("Each surprise basket is unique: one per order.")
        return new_qty, warning
