from odoo import fields, models


class FlexiLoyaltyVoucherWizard(models.TransientModel):
    """Staff type the customer's voucher code to take it off the quotation."""

    _name = "flexi.loyalty.voucher.wizard"
    _description = "Apply a Voucher"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    code = fields.Char(required=True, help="Spaces and dashes are ignored.")

    def action_apply(self):
        self.ensure_one()
        self.order_id._flexi_loyalty_apply_voucher(self.code)
        return {"type": "ir.actions.act_window_close"}
