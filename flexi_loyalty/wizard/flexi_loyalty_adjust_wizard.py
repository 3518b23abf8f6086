from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FlexiLoyaltyAdjustWizard(models.TransientModel):
    """Managers correct a balance or grant a bonus, always with a reason."""

    _name = "flexi.loyalty.adjust.wizard"
    _description = "Adjust Loyalty Points"

    subscription_id = fields.Many2one(
        "flexi.loyalty.subscription", "Member", required=True, readonly=True
    )
    points_balance = fields.Integer(related="subscription_id.points_balance")
    move_type = fields.Selection(
        [("bonus", "Bonus"), ("adjustment", "Correction")],
        "Type",
        default="bonus",
        required=True,
    )
    points = fields.Integer(
        required=True, help="Positive to add points, negative to take them back."
    )
    reason = fields.Char(required=True, help="e.g. +50 points for a late delivery")

    @api.onchange("move_type")
    def _onchange_move_type(self):
        if self.move_type == "bonus" and self.points < 0:
            self.points = -self.points

    def action_confirm(self):
        self.ensure_one()
        if self.move_type == "bonus" and self.points <= 0:
            raise UserError(_("A bonus adds points: enter a positive number."))
        line = self.subscription_id._flexi_adjust(
            self.points, self.reason, move_type=self.move_type
        )
        signed = f"{self.points:+d}"  # formatted outside _() for extraction
        self.subscription_id.message_post(
            body=_(
                "%(points)s points (%(type)s): %(reason)s",
                points=signed,
                type=dict(self._fields["move_type"].selection)[self.move_type],
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close", "res_id": line.id}
