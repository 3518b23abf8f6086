from odoo import models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def _flexi_antiwaste_units(self, baskets=None):
        """Units of this line saved from the bin: all of a surprise basket,
        the units sold at the anti-waste markdown price (the others of the
        line are charged the normal price). A price lowered by hand is no
        anti-waste markdown: none.

        ``baskets``: {line: basket} of the order (``_fm_baskets_by_line``).
        """
        self.ensure_one()
        if baskets is None:
            baskets = self.order_id._fm_baskets_by_line()
        if self in baskets:
            return self.product_uom_qty
        if self.fm_antiwaste_markdown_id:
            return min(self.fm_antiwaste_qty, self.product_uom_qty)
        return 0.0
