from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class FlexiLoyaltyPromotion(models.Model):
    _name = "flexi.loyalty.promotion"
    _description = "Loyalty Promotion Period"
    _order = "date_from, id"

    program_id = fields.Many2one(
        "flexi.loyalty.program", required=True, ondelete="cascade", index=True
    )
    name = fields.Char(required=True, translate=True)
    date_from = fields.Date("From")
    date_to = fields.Date("To")
    multiplier = fields.Float(default=2.0, digits=(16, 2), required=True)
    mon = fields.Boolean("Monday")
    tue = fields.Boolean("Tuesday")
    wed = fields.Boolean("Wednesday")
    thu = fields.Boolean("Thursday")
    fri = fields.Boolean("Friday")
    sat = fields.Boolean("Saturday")
    sun = fields.Boolean("Sunday")

    @api.constrains("multiplier", "date_from", "date_to")
    def _check_promotion(self):
        for promo in self:
            if promo.multiplier <= 0:
                raise ValidationError(_("A promotion multiplier must be positive."))
            if promo.date_from and promo.date_to and promo.date_to < promo.date_from:
                raise ValidationError(
                    _("The promotion %s ends before it starts.", promo.name)
                )

    def _flexi_as_rules(self):
        """Plain mappings for the database-free multiplier rule."""
        return [
            {
                "date_from": promo.date_from or None,
                "date_to": promo.date_to or None,
                "weekdays": [i for i, day in enumerate(WEEKDAYS) if promo[day]],
                "multiplier": promo.multiplier,
            }
            for promo in self
        ]
