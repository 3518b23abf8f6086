from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _flexi_loyalty_line_data(self, program):
        # Programs earning on payment: an invoice line carries the anti-waste
        # share of the order lines it invoices.
        data = super()._flexi_loyalty_line_data(program)
        counted = self.invoice_line_ids.filtered(
            lambda ln: (
                ln.display_type == "product"
                and not any(
                    sl.is_downpayment or sl._is_delivery() for sl in ln.sale_line_ids
                )
            )
        )
        for vals, line in zip(data, counted, strict=True):
            vals["antiwaste_qty"] = line._flexi_antiwaste_units()
        return data
