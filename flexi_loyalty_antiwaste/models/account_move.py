from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _flexi_loyalty_line_data(self, program):
        # Programs earning on payment: an invoice line carries the anti-waste
        # share of the order lines it invoices.
        data = super()._flexi_loyalty_line_data(program)
        if program.antiwaste_multiplier == 1:
            return data
        for vals in data:
            vals["antiwaste_qty"] = vals["line"]._flexi_antiwaste_units()
        return data
