from odoo import api, models


class FlexiLoyaltyProgram(models.Model):
    _name = "flexi.loyalty.program"
    _inherit = ["flexi.loyalty.program", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        config_id = data["pos.config"]["data"][0]["id"]
        return [
            (
                "id",
                "in",
                self.env["pos.config"].browse(config_id).flexi_loyalty_program_ids.ids,
            )
        ]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "otp_required", "amount_base", "amount_per_point"]
