from odoo import api, fields, models

EXPIRY_REMINDER_PARAM = "flexi_loyalty.expiry_reminder"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    flexi_loyalty_notify_channel = fields.Selection(
        [("sms", "SMS"), ("email", "Email"), ("none", "No Messages")],
        "Loyalty Messages By",
        default="sms",
        config_parameter="flexi_loyalty.notify_channel",
        help="Channel given to new members; members without a mobile number "
        "get emails, and the other way round.",
    )
    # Not a config_parameter field: unticking would delete the parameter and
    # fall back to the default (on).
    flexi_loyalty_expiry_reminder = fields.Boolean(
        "Remind Members Before Points Expire",
        help="Each program says how many days before.",
    )

    @api.model
    def get_values(self):
        res = super().get_values()
        res["flexi_loyalty_expiry_reminder"] = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(EXPIRY_REMINDER_PARAM, "True")
            == "True"
        )
        return res

    def set_values(self):
        super().set_values()
        self.env["ir.config_parameter"].sudo().set_param(
            EXPIRY_REMINDER_PARAM, str(bool(self.flexi_loyalty_expiry_reminder))
        )
