from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        res = super()._post_process()
        # Paid online (the shop): a referred friend's order counts once it is
        # confirmed and paid in full.
        orders = self.filtered(lambda tx: tx.state == "done").sale_order_ids.filtered(
            lambda o: (
                o.state == "sale"
                and o.currency_id.compare_amounts(o.amount_paid, o.amount_total) >= 0
            )
        )
        orders._flexi_loyalty_referral_paid()
        return res
