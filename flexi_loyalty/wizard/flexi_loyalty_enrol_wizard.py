from odoo import _, api, fields, models
from odoo.exceptions import UserError


class FlexiLoyaltyEnrolWizard(models.TransientModel):
    """Staff enrol a customer, at the counter or on the phone."""

    _name = "flexi.loyalty.enrol.wizard"
    _description = "Enrol a Customer in a Loyalty Program"

    partner_id = fields.Many2one("res.partner", "Customer", required=True)
    sale_order_id = fields.Many2one("sale.order", "Order")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    program_id = fields.Many2one(
        "flexi.loyalty.program",
        "Program",
        required=True,
        domain="[('company_id', '=', company_id)]",
    )
    phone = fields.Char(
        "Mobile",
        compute="_compute_contact",
        store=True,
        readonly=False,
        help="Any common format; stored in international format.",
    )
    email = fields.Char(compute="_compute_contact", store=True, readonly=False)
    consent_channel = fields.Selection(
        selection="_selection_consent_channel",
        string="Consent Given",
        default="counter",
        required=True,
    )

    @api.model
    def _selection_consent_channel(self):
        return (
            self.env["flexi.loyalty.subscription"]
            ._fields["consent_channel"]
            ._description_selection(self.env)
        )

    @api.model
    def default_get(self, fields_list):
        vals = super().default_get(fields_list)
        order = self.env["sale.order"].browse(vals.get("sale_order_id"))
        if order:
            vals.setdefault("partner_id", order.partner_id.id)
            vals["company_id"] = order.company_id.id
        company = self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )
        if "program_id" in fields_list and not vals.get("program_id"):
            programs = self.env["flexi.loyalty.program"]._flexi_active_programs(
                company, fields.Date.context_today(self)
            )
            if len(programs) == 1:
                vals["program_id"] = programs.id
        return vals

    @api.depends("partner_id")
    def _compute_contact(self):
        for wizard in self:
            partner = wizard.partner_id
            wizard.phone = partner.mobile or partner.phone or False
            wizard.email = partner.email or False

    def action_enrol(self):
        self.ensure_one()
        Member = self.env["flexi.loyalty.subscription"]
        existing = Member.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("program_id", "=", self.program_id.id),
            ],
            limit=1,
        )
        if existing:
            raise UserError(
                _(
                    "%(customer)s is already a member of %(program)s "
                    "(member code %(code)s).",
                    customer=self.partner_id.display_name,
                    program=self.program_id.name,
                    code=existing.member_code,
                )
            )
        member = Member._flexi_enroll(
            self.partner_id,
            self.program_id,
            channel=self.consent_channel,
            **self._prepare_member_vals(),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "flexi.loyalty.subscription",
            "res_id": member.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _prepare_member_vals(self):
        """Values of the new membership besides partner, program and channel."""
        self.ensure_one()
        return {
            "phone": (self.phone or "").strip() or False,
            "email": (self.email or "").strip() or False,
            "consent_date": fields.Datetime.now(),
        }
