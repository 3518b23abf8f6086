from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_flexi_loyalty_program_ids = fields.Many2many(
        related="pos_config_id.flexi_loyalty_program_ids", readonly=False
    )
    pos_flexi_loyalty_otp_required = fields.Boolean(
        related="pos_config_id.flexi_loyalty_otp_required", readonly=False
    )
