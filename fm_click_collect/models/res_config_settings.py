from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import slots as slot_rules


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fm_cc_hold_minutes = fields.Integer(
        "Pickup Slot Hold (minutes)",
        config_parameter="fm_click_collect.hold_minutes",
        default=slot_rules.HOLD_MINUTES_DEFAULT,
        help="How long an unpaid checkout keeps its place in the chosen pickup "
        "slot. Paid or confirmed orders keep their place for good.",
    )

    @api.constrains("fm_cc_hold_minutes")
    def _check_fm_cc_hold_minutes(self):
        for settings in self:
            if not 1 <= settings.fm_cc_hold_minutes <= slot_rules.HOLD_MINUTES_MAX:
                raise ValidationError(
                    _(
                        "An unpaid checkout holds its pickup slot between 1 and "
                        "%(max)s minutes.",
                        max=slot_rules.HOLD_MINUTES_MAX,
                    )
                )
