from odoo import _, api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    flexi_loyalty_reward_id = fields.Many2one(
        "flexi.loyalty.reward", "Loyalty Reward", readonly=True, index="btree_not_null"
    )
    flexi_loyalty_ledger_line_id = fields.Many2one(
        "flexi.loyalty.ledger.line", "Points Spent", readonly=True, copy=False
    )
    flexi_loyalty_voucher_id = fields.Many2one(
        "flexi.loyalty.voucher", "Voucher", readonly=True, index="btree_not_null"
    )

    flexi_loyalty_is_tier_discount = fields.Boolean(
        "Tier Discount",
        readonly=True,
        help="The member's permanent tier discount; kept up to date on quotations "
        "and earns no points.",
    )

    def write(self, vals):
        res = super().write(vals)
        if "qty_delivered" in vals:
            # Manual deliveries; stock deliveries are caught by the hourly cron.
            self.order_id._flexi_loyalty_check_delivered()
        return res

    @api.ondelete(at_uninstall=False)
    def _flexi_loyalty_unlink_reward(self):
        """Removing a reward line from a quotation gives its points back."""
        redeemed = self.sudo().flexi_loyalty_ledger_line_id
        redeemed._flexi_reverse("line-removed", _("Reward removed from the order"))
        self.flexi_loyalty_voucher_id.filtered(lambda v: v.state == "used").write(
            {"state": "valid", "order_id": False, "used_date": False}
        )
