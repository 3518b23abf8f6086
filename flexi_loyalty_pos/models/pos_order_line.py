from odoo import api, fields, models


class PosOrderLine(models.Model):
    _name = "pos.order.line"
    _inherit = ["pos.order.line", "flexi.loyalty.guarded.mixin"]
    # Sent by the till with the line and checked at sync; refunds read them
    # later, so nobody changes them afterwards.
    _flexi_fixed_fields = ("flexi_loyalty_token", "flexi_loyalty_tier_discount")

    flexi_loyalty_token = fields.Char(
        "Redemption Token",
        copy=False,
        index="btree_not_null",
        help="Proof that the server accepted the points redemption this line carries.",
    )
    flexi_loyalty_tier_discount = fields.Boolean(
        "Tier Discount",
        copy=False,
        help="The line's discount is the customer's loyalty tier discount; the "
        "server accepts it only if it is exactly the discount of the customer's tier.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "flexi_loyalty_token",
            "flexi_loyalty_tier_discount",
        ]

    def _flexi_loyalty_amounts(self):
        """(tax excluded, tax included) recomputed here from price, quantity,
        discount and taxes: the totals the browser sent are not trusted."""
        self.ensure_one()
        amounts = self._compute_amount_line_all()
        return amounts["price_subtotal"], amounts["price_subtotal_incl"]
