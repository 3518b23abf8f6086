from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _flexi_loyalty_line_data(self, program):
        # Each line dict says how many of its units are anti-waste; the
        # program multiplies their points (flexi.loyalty.program).
        data = super()._flexi_loyalty_line_data(program)
        if program.antiwaste_multiplier == 1:
            # No bonus: no basket to look up at every confirmation.
            return data
        baskets = self._fm_baskets_by_line()
        for vals in data:
            vals["antiwaste_qty"] = vals["line"]._flexi_antiwaste_units(baskets)
        return data
