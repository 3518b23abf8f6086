from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _flexi_loyalty_line_data(self, program):
        # Each line dict says how many of its units are anti-waste; the
        # program multiplies their points (flexi.loyalty.program).
        data = super()._flexi_loyalty_line_data(program)
        counted = self.order_line.filtered(
            lambda line: line._flexi_loyalty_counts(delivery=False)
        )
        baskets = self._fm_baskets_by_line()
        for vals, line in zip(data, counted, strict=True):
            vals["antiwaste_qty"] = line._flexi_antiwaste_units(baskets)
        return data
