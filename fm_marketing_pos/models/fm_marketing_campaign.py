from odoo import models
from odoo.tools import SQL

# Till orders whose payment went through (``draft`` ones are still open).
PAID_STATES = ("paid", "done", "invoiced")


class FmMarketingCampaign(models.Model):
    _inherit = "fm.marketing.campaign"

    def _fm_attribution_sources(self):
        """Paid till orders too, for what the customer kept: the untaxed
        amount less that of their refunds. A refund is not an order of its
        own, and an order refunded in full credits nothing."""
        return [
            *super()._fm_attribution_sources(),
            SQL(
                """
            SELECT po.partner_id, po.date_order, kept.amount, NULL::int AS code_trace_id
              FROM pos_order po,
                   LATERAL (
                       SELECT po.amount_total - po.amount_tax + COALESCE(
                              (SELECT SUM(rl.price_subtotal)
                                 FROM pos_order_line ol
                                 JOIN pos_order_line rl
                                   ON rl.refunded_orderline_id = ol.id
                                 JOIN pos_order r ON r.id = rl.order_id
                                WHERE ol.order_id = po.id AND r.state IN %(paid)s),
                              0) AS amount
                   ) kept
             WHERE po.state IN %(paid)s AND po.partner_id IS NOT NULL
               AND po.amount_total > 0 AND kept.amount > 0
            """,
                paid=PAID_STATES,
            ),
        ]

    def _fm_attribution_flush(self):
        super()._fm_attribution_flush()
        self.env["pos.order"].flush_model(
            ["partner_id", "state", "date_order", "amount_total", "amount_tax"]
        )
        self.env["pos.order.line"].flush_model(
            ["order_id", "refunded_orderline_id", "price_subtotal"]
        )
