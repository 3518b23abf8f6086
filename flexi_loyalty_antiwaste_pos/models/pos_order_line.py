from odoo import models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    def _flexi_antiwaste_baskets(self):
        """{line: basket} of the surprise baskets these lines sold (one query).

        sudo: cashiers may not read baskets; only which line sold one.
        """
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("pos_order_line_id", "in", self.ids)])
        )
        return {basket.pos_order_line_id: basket for basket in baskets}

    def _flexi_antiwaste_units(self, baskets=None):
        """Units of this line saved from the bin: a surprise basket, or the
        units the server counted at the anti-waste price; a price lowered by
        hand at the till is no markdown: none."""
        self.ensure_one()
        if baskets is None:
            baskets = self._flexi_antiwaste_baskets()
        if self in baskets:
            return abs(self.qty)
        if self.fm_antiwaste_markdown_id:
            return min(self.fm_antiwaste_qty, abs(self.qty))
        return 0.0
