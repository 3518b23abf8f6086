from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fm_antiwaste_basket_hour = fields.Float(
        "Basket Time",
        default=18.0,
        config_parameter="fm_antiwaste.basket_hour",
        help="From this time of day, leftovers are proposed as surprise baskets.",
    )
    fm_antiwaste_closing_hour = fields.Float(
        "Closing Time",
        default=21.0,
        config_parameter="fm_antiwaste.closing_hour",
        help="Unsold baskets are dissolved and their contents put back in stock.",
    )
    fm_antiwaste_basket_price_ratio = fields.Float(
        "Basket Price Ratio",
        default=0.4,
        config_parameter="fm_antiwaste.basket_price_ratio",
        help="Basket price as a share of its contents' normal price (0.4 = 40 %).",
    )
    fm_antiwaste_basket_target_value = fields.Float(
        "Basket Value",
        default=1000.0,
        config_parameter="fm_antiwaste.basket_target_value",
        help="Approximate normal-price value of the contents of one basket.",
    )
    fm_antiwaste_cron_hours = fields.Integer(
        "Recompute Markdowns Every (Hours)",
        compute="_compute_fm_antiwaste_cron_hours",
        inverse="_inverse_fm_antiwaste_cron_hours",
        readonly=False,
    )

    @api.depends("company_id")
    def _compute_fm_antiwaste_cron_hours(self):
        cron = self.env.ref(
            "fm_antiwaste.fm_antiwaste_cron_recompute", raise_if_not_found=False
        )
        for settings in self:
            settings.fm_antiwaste_cron_hours = (
                cron.sudo().interval_number if cron else 3
            )

    def _inverse_fm_antiwaste_cron_hours(self):
        pass  # written in set_values, once the values are checked

    @api.constrains(
        "fm_antiwaste_basket_hour",
        "fm_antiwaste_closing_hour",
        "fm_antiwaste_basket_price_ratio",
        "fm_antiwaste_cron_hours",
    )
    def _check_fm_antiwaste(self):
        for settings in self:
            if (
                not 0
                <= settings.fm_antiwaste_basket_hour
                < settings.fm_antiwaste_closing_hour
                <= 24
            ):
                raise ValidationError(
                    _("The basket time must come before the closing time.")
                )
            if not 0 < settings.fm_antiwaste_basket_price_ratio <= 1:
                raise ValidationError(
                    _("The basket price ratio must be above 0 and at most 1 (100 %).")
                )
            if not 1 <= settings.fm_antiwaste_cron_hours <= 24:
                raise ValidationError(
                    _("Markdowns are recomputed every 1 to 24 hours.")
                )

    def set_values(self):
        super().set_values()
        cron = self.env.ref(
            "fm_antiwaste.fm_antiwaste_cron_recompute", raise_if_not_found=False
        )
        if cron and self.fm_antiwaste_cron_hours:
            # sudo: settings are for administrators; the cron record is technical.
            cron.sudo().write(
                {
                    "interval_number": self.fm_antiwaste_cron_hours,
                    "interval_type": "hours",
                }
            )
