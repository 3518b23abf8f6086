from odoo import api, models
from odoo.tools import SQL

# Till orders whose payment went through (``draft`` ones are still open).
PAID_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    _name = "pos.order"
    _inherit = ["pos.order", "fm.marketing.attribution.mixin"]

    @api.model
    def sync_from_ui(self, orders):
        # The till sends back every order field it loaded: the campaign an
        # order is credited to is the server's to decide, never the till's.
        for order in orders:
            order.pop("fm_marketing_trace_id", None)
            order.pop("fm_marketing_campaign_id", None)
        return super().sync_from_ui(orders)

    def _fm_attribution_may_count(self):
        return self.filtered(lambda order: order.state in PAID_STATES)

    def _fm_attribution_counts(self):
        # A refund is no order of its own: it lessens the order it refunds.
        return SQL(
            "o.state IN %s AND o.partner_id IS NOT NULL AND o.amount_total > 0",
            PAID_STATES,
        )

    def _fm_attribution_amount(self):
        # What the customer kept: the untaxed amount less that of the refunds.
        return SQL(
            """o.amount_total - o.amount_tax + COALESCE(
                   (SELECT SUM(rl.price_subtotal)
                      FROM pos_order_line ol
                      JOIN pos_order_line rl ON rl.refunded_orderline_id = ol.id
                      JOIN pos_order r ON r.id = rl.order_id
                     WHERE ol.order_id = o.id AND r.state IN %s),
                   0)""",
            PAID_STATES,
        )

    def _fm_credited(self, campaign):
        # An order refunded in full credits nothing.
        self.env["pos.order.line"].flush_model(
            ["order_id", "refunded_orderline_id", "price_subtotal"]
        )
        self.flush_model(["state", "amount_total", "amount_tax"])
        return SQL(
            "SELECT * FROM (%s) kept WHERE kept.amount > 0",
            super()._fm_credited(campaign),
        )

    def _fm_attribution_flush(self):
        super()._fm_attribution_flush()
        self.flush_model(["amount_total"])
