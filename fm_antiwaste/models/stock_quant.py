from odoo import models


class StockQuant(models.Model):
    _inherit = "stock.quant"

    def _get_removal_strategy(self, product_id, location_id):
        strategy = super()._get_removal_strategy(product_id, location_id)
        if strategy == "fifo" and product_id.sudo().use_expiration_date:
            configured = product_id.sudo().categ_id.removal_strategy_id
            loc = location_id.sudo()
            while loc and not configured:
                configured = loc.removal_strategy_id
                loc = loc.location_id
            if not configured:
                # Nothing configured: lots that expire first leave first, which is
                # what lets the marked-down units be the ones delivered.
                return "fefo"
        return strategy
