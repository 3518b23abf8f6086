from odoo import _, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _pre_action_done_hook(self):
        # product_expiry only asks for a confirmation; food past its expiration
        # date must never reach a customer.
        expired = self.move_line_ids.filtered(
            lambda ml: (
                ml.quantity
                and ml.lot_id.product_expiry_alert
                and ml.location_dest_id.usage == "customer"
            )
        )
        if expired:
            raise UserError(
                _(
                    "These lots are past their expiration date and cannot be "
                    "delivered to a customer: %s. Pick other lots or scrap them.",
                    ", ".join(expired.lot_id.mapped("display_name")),
                )
            )
        return super()._pre_action_done_hook()
