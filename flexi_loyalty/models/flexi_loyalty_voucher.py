from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.codes import MIN_VOUCHER_LENGTH, new_voucher_code


class FlexiLoyaltyVoucher(models.Model):
    """A single-use code worth an amount or a percentage, owned by a customer.

    Shared by rewards (points exchanged for a voucher) and by marketing
    campaigns that hand out unique codes.
    """

    _name = "flexi.loyalty.voucher"
    _description = "Loyalty Voucher"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "code"

    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: new_voucher_code(),
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Owner", index=True, tracking=True)
    subscription_id = fields.Many2one("flexi.loyalty.subscription", index=True)
    reward_id = fields.Many2one("flexi.loyalty.reward")
    value_type = fields.Selection(
        [("amount", "Amount"), ("percent", "Percentage")],
        default="amount",
        required=True,
    )
    value = fields.Float(required=True, digits=(16, 2))
    date_expiry = fields.Date("Valid Until", tracking=True)
    state = fields.Selection(
        [
            ("valid", "Valid"),
            ("used", "Used"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        default="valid",
        required=True,
        tracking=True,
    )
    used_date = fields.Datetime(readonly=True)
    order_id = fields.Many2one("sale.order", "Used On", readonly=True)
    origin = fields.Char(help="What issued the voucher: a reward, a campaign…")

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A voucher code must be unique."),
        ("value_positive", "CHECK(value > 0)", "A voucher has a positive value."),
    ]

    @api.constrains("code", "value_type", "value")
    def _check_voucher(self):
        for voucher in self:
            if len(voucher.code or "") < MIN_VOUCHER_LENGTH:
                raise ValidationError(
                    _("A voucher code has at least %s characters.", MIN_VOUCHER_LENGTH)
                )
            if voucher.value_type == "percent" and voucher.value > 100:
                raise ValidationError(_("A percentage voucher is at most 100%."))
