from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    flexi_loyalty_token = fields.Char(
        "Redemption Token",
        copy=False,
        index="btree_not_null",
        help="Proof that the server accepted the points redemption this line carries.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "flexi_loyalty_token"]

    def _flexi_loyalty_amounts(self):
        """(tax excluded, tax included) recomputed here from price, quantity,
        discount and taxes: the totals the browser sent are not trusted."""
        self.ensure_one()
        amounts = self._compute_amount_line_all()
        return amounts["price_subtotal"], amounts["price_subtotal_incl"]
