from odoo import models


class FlexiLoyaltyVoucher(models.Model):
    _inherit = "flexi.loyalty.voucher"

    def write(self, vals):
        # An order that uses (or gives back) a campaign's code is credited to
        # that campaign (or no longer).
        moved = "state" in vals or "order_id" in vals
        before = self.order_id if moved else None
        res = super().write(vals)
        if moved:
            (before | self.order_id)._fm_attribution_may_count()._fm_attribute()
        return res
