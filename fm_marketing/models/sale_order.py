from odoo import models
from odoo.tools.sql import create_index


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def init(self):
        super().init()
        # Dormant customers: last confirmed order per partner, read from the
        # index alone (see fm.marketing.campaign._fm_segment_dormant).
        create_index(
            self.env.cr,
            "sale_order_fm_marketing_last_order_idx",
            self._table,
            ["partner_id", "date_order"],
            where="state = 'sale'",
        )
