from odoo import models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _flexi_antiwaste_units(self):
        """Units of this invoice line saved from the bin: the anti-waste share
        of the order lines it invoices."""
        self.ensure_one()
        ordered = sum(self.sale_line_ids.mapped("product_uom_qty"))
        if not ordered:
            return 0.0
        saved = sum(sl._flexi_antiwaste_units() for sl in self.sale_line_ids)
        return self.quantity * saved / ordered
