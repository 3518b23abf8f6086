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

    def _flexi_antiwaste_refunded_quantities(self):
        """{line id: quantity given back by posted credit notes} (one query)."""
        refund_lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("sale_line_ids", "in", self.ids),
                    ("move_id.move_type", "=", "out_refund"),
                    ("parent_state", "=", "posted"),
                    ("display_type", "=", "product"),
                ]
            )
        )
        result = {}
        for refund_line in refund_lines:
            for line in refund_line.sale_line_ids & self:
                result[line.id] = result.get(line.id, 0.0) + abs(refund_line.quantity)
        return result
