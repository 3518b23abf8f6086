from odoo import api, models


class FlexiLoyaltyReward(models.Model):
    _name = "flexi.loyalty.reward"
    _inherit = ["flexi.loyalty.reward", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        programs = data["flexi.loyalty.program"]["data"]
        return [
            ("program_id", "in", [p["id"] for p in programs]),
            ("active", "=", True),
        ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            "id",
            "name",
            "program_id",
            "reward_type",
            "points_cost",
            "credit_amount",
            "credit_per_point",
            "points_step",
            "discount_percent",
            "reward_product_id",
        ]

    def _flexi_pos_supported(self):
        """Rewards the till can carry as an order line (vouchers and free
        products are handed out in the back office)."""
        return self.filtered(
            lambda r: r.reward_type in ("credit", "discount", "points_credit")
        )
