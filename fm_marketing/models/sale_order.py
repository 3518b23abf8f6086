from odoo import models
from odoo.tools import SQL
from odoo.tools.sql import create_index


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "fm.marketing.attribution.mixin"]

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

    def _fm_attribution_may_count(self):
        return self.filtered(lambda order: order.state == "sale")

    def _fm_attribution_counts(self):
        return SQL("o.state = 'sale'")

    def _fm_attribution_amount(self):
        return SQL("o.amount_untaxed")

    def _fm_attribution_code(self):
        # The last campaign code used on the order (one per order in practice).
        return SQL(
            """(SELECT MAX(ct.id)
                  FROM flexi_loyalty_voucher v
                  JOIN fm_marketing_trace ct ON ct.voucher_id = v.id
                 WHERE v.order_id = o.id AND v.state = 'used')"""
        )

    def _fm_attribution_flush(self):
        super()._fm_attribution_flush()
        self.env["fm.marketing.trace"].flush_model(["voucher_id"])
        self.env["flexi.loyalty.voucher"].flush_model(["order_id", "state"])
