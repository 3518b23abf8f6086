from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

PARAM_DEFAULTS = {
    "fm_marketing.sms_cap_days": 7,
    "fm_marketing.email_cap_days": 7,
    "fm_marketing.quiet_start": 21,
    "fm_marketing.quiet_end": 8,
    "fm_marketing.sms_attribution_days": 5,
    "fm_marketing.email_attribution_days": 5,
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fm_marketing_sms_cap_days = fields.Integer(
        "Days Between Marketing SMS",
        default=PARAM_DEFAULTS["fm_marketing.sms_cap_days"],
        help="A customer receives at most one marketing SMS in this many days.",
    )
    fm_marketing_email_cap_days = fields.Integer(
        "Days Between Marketing Emails",
        default=PARAM_DEFAULTS["fm_marketing.email_cap_days"],
        help="A customer receives at most one marketing email in this many days.",
    )
    fm_marketing_quiet_start = fields.Integer(
        "Quiet Hours From",
        default=PARAM_DEFAULTS["fm_marketing.quiet_start"],
        help="Hour (company time zone) from which no marketing SMS is sent.",
    )
    fm_marketing_quiet_end = fields.Integer(
        "Quiet Hours Until",
        default=PARAM_DEFAULTS["fm_marketing.quiet_end"],
        help="Hour at which SMS held during the night are released.",
    )
    fm_marketing_sms_attribution_days = fields.Integer(
        "Orders Credited to an SMS For",
        default=PARAM_DEFAULTS["fm_marketing.sms_attribution_days"],
        help="Days after a marketing SMS in which the customer's confirmed "
        "orders (sales and till) count for its campaign, besides orders that "
        "used its code. An order counts once, for the last message received. "
        "0: only orders that used the code.",
    )
    fm_marketing_email_attribution_days = fields.Integer(
        "Orders Credited to an Email For",
        default=PARAM_DEFAULTS["fm_marketing.email_attribution_days"],
        help="Days after a marketing email in which the customer's confirmed "
        "orders count for its campaign, besides orders that used its code.",
    )
    fm_marketing_shop_url = fields.Char(
        "Shop Link",
        config_parameter="fm_marketing.shop_url",
        help="Address put in messages for {shop_link}; the website address when empty.",
    )

    # Integers are kept by hand: Odoo drops a config parameter set to 0, and
    # 0 is meaningful here (no cap, quiet hours from midnight).
    @api.model
    def get_values(self):
        res = super().get_values()
        res.update(
            {
                f"fm_marketing_{key.split('.')[1]}": self.env[
                    "fm.marketing.campaign"
                ]._fm_param(key)
                for key in PARAM_DEFAULTS
            }
        )
        return res

    def set_values(self):
        super().set_values()
        Campaign = self.env["fm.marketing.campaign"]
        windows = Campaign._fm_attribution_days()
        params = self.env["ir.config_parameter"].sudo()
        for key in PARAM_DEFAULTS:
            params.set_param(key, str(self[f"fm_marketing_{key.split('.')[1]}"]))
        if Campaign._fm_attribution_days() != windows:
            # New windows credit past orders anew: the figures a manager
            # reads always follow the windows shown here.
            for model in Campaign._fm_attribution_models():
                self.env[model].sudo()._fm_attribute_all()

    @api.constrains(
        "fm_marketing_quiet_start",
        "fm_marketing_quiet_end",
        "fm_marketing_sms_cap_days",
        "fm_marketing_email_cap_days",
        "fm_marketing_sms_attribution_days",
        "fm_marketing_email_attribution_days",
    )
    def _check_fm_marketing(self):
        for settings in self:
            hours = (settings.fm_marketing_quiet_start, settings.fm_marketing_quiet_end)
            if any(h < 0 or h > 23 for h in hours):
                raise ValidationError(_("Quiet hours are hours of the day, 0 to 23."))
            if (
                min(
                    settings.fm_marketing_sms_cap_days,
                    settings.fm_marketing_email_cap_days,
                )
                < 0
            ):
                raise ValidationError(
                    _("The days between messages cannot be negative.")
                )
            if (
                min(
                    settings.fm_marketing_sms_attribution_days,
                    settings.fm_marketing_email_attribution_days,
                )
                < 0
            ):
                raise ValidationError(
                    _("The days an order is credited to a message cannot be negative.")
                )
