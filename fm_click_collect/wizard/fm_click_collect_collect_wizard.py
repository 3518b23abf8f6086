from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FmClickCollectCollectWizard(models.TransientModel):
    _name = "fm.click_collect.collect.wizard"
    _description = "Hand Over a Click & Collect Order"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    amount_due = fields.Monetary(
        compute="_compute_amount_due", currency_field="currency_id"
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    paid = fields.Boolean(related="order_id.fm_cc_paid")
    code = fields.Char(
        "Pickup Code", help="The code the customer received by SMS or email."
    )
    use_override = fields.Boolean("Hand Over Without Code")
    override_reason = fields.Text("Reason")
    journal_id = fields.Many2one(
        "account.journal",
        string="Paid With",
        domain="[('type', 'in', ('cash', 'bank')), ('company_id', '=', company_id)]",
    )
    company_id = fields.Many2one(related="order_id.company_id")

    @api.depends("order_id")
    def _compute_amount_due(self):
        for wizard in self:
            wizard.amount_due = (
                wizard.order_id._fm_cc_amount_due() if wizard.order_id else 0.0
            )

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        if "journal_id" in fields_list and res.get("order_id"):
            order = self.env["sale.order"].browse(res["order_id"])
            res["journal_id"] = (
                self.env["account.journal"]
                .search(
                    [("type", "=", "cash"), ("company_id", "=", order.company_id.id)],
                    limit=1,
                )
                .id
            )
        return res

    def action_collect(self):
        self.ensure_one()
        if self.order_id.fm_cc_state == "collected":
            # A second click or a retry: the order left already, nothing more.
            return {"type": "ir.actions.act_window_close"}
        if self.use_override and not (self.override_reason or "").strip():
            raise UserError(_("Say why the order is handed over without its code."))
        self.order_id._fm_cc_collect(
            code=None if self.use_override else self.code,
            override_reason=self.override_reason if self.use_override else None,
            journal=self.journal_id,
        )
        return {"type": "ir.actions.act_window_close"}
