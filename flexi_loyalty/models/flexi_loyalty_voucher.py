from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.codes import MIN_VOUCHER_LENGTH, new_voucher_code, normalize_code


class FlexiLoyaltyVoucher(models.Model):
    """A single-use code worth an amount or a percentage, owned by a customer.

    Shared by rewards (points exchanged for a voucher) and by marketing
    campaigns that hand out unique codes.
    """

    _name = "flexi.loyalty.voucher"
    _description = "Loyalty Voucher"
    _inherit = ["mail.thread", "flexi.loyalty.guarded.mixin"]
    _order = "id desc"
    _rec_name = "code"
    # Where a voucher was used and which points paid for it are facts.
    _flexi_guarded_fields = ("order_id", "used_date", "ledger_line_id")

    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: self._flexi_new_code(),
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
    used_date = fields.Datetime(readonly=True, copy=False)
    order_id = fields.Many2one(
        "sale.order", "Used On", readonly=True, copy=False, index="btree_not_null"
    )
    origin = fields.Char(help="What issued the voucher: a reward, a campaign…")
    ledger_line_id = fields.Many2one(
        "flexi.loyalty.ledger.line",
        "Paid With",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The points redemption that paid for this voucher.",
    )

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

    # ------------------------------------------------------------ business

    @api.model
    def _flexi_issue(
        self,
        partner,
        value_type,
        value,
        validity_days,
        origin,
        subscription=None,
        reward=None,
        notify=None,
        **vals,
    ):
        """Issue a single-use voucher owned by ``partner``; returns it.

        The one way rewards and campaigns (fm_marketing) create codes.
        ``validity_days`` 0 means no end date. ``notify`` (default: when a
        reward is given) sends the owner the code by email and SMS.

        ``sudo``: staff only read vouchers; callers are business methods that
        already checked what pays for the voucher (points, a campaign).
        """
        if value <= 0:
            raise UserError(_("A voucher has a positive value."))
        today = fields.Date.context_today(self)
        with self._flexi_trusted():
            voucher = self.sudo().create(
                {
                    "partner_id": partner.id,
                    "subscription_id": subscription.id if subscription else False,
                    "reward_id": reward.id if reward else False,
                    "company_id": (
                        subscription.company_id if subscription else self.env.company
                    ).id,
                    "value_type": value_type,
                    "value": value,
                    "date_expiry": fields.Date.add(today, days=validity_days)
                    if validity_days
                    else False,
                    "origin": origin,
                    **vals,
                }
            )
        if notify if notify is not None else bool(reward):
            voucher._flexi_notify_issued()
        return voucher.sudo(False)

    @api.model
    def _flexi_issue_batch(
        self, partners, value_type, value, validity_days, origin, **vals
    ):
        """One voucher per partner in ``partners``, created in one batch.

        Same rules as ``_flexi_issue`` without notification: for campaigns
        (fm_marketing) that send the code in their own message to thousands of
        customers at once. Returns the vouchers in the order of ``partners``.
        """
        if value <= 0:
            raise UserError(_("A voucher has a positive value."))
        today = fields.Date.context_today(self)
        expiry = fields.Date.add(today, days=validity_days) if validity_days else False
        vouchers = self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.env.company.id,
                    "value_type": value_type,
                    "value": value,
                    "date_expiry": expiry,
                    "origin": origin,
                    **vals,
                }
                for partner in partners
            ]
        )
        return vouchers.sudo(False)

    def _flexi_notify_issued(self):
        """Send each owner their code: email and SMS when we have them.

        ``sudo``: the templates and the SMS queue are not staff's to read; the
        messages only go to the voucher's own owner.
        """
        mail_template = self.env.ref(
            "flexi_loyalty.mail_template_voucher_issued", raise_if_not_found=False
        )
        sms_template = self.env.ref(
            "flexi_loyalty.sms_template_voucher_issued", raise_if_not_found=False
        )
        for voucher in self.sudo():
            partner = voucher.partner_id
            email = voucher.subscription_id.email or partner.email
            phone = voucher.subscription_id.phone or partner.mobile or partner.phone
            if mail_template and email:
                mail_template.send_mail(
                    voucher.id, email_values={"email_to": email, "recipient_ids": []}
                )
            if sms_template and phone:
                voucher._message_sms_with_template(
                    template=sms_template,
                    partner_ids=partner.ids,
                    sms_pid_to_number={partner.id: phone},
                    put_in_queue=True,
                )

    @api.model
    def _flexi_new_code(self):
        """A fresh random voucher code (other addons print codes through it)."""
        return new_voucher_code()

    @api.model
    def _flexi_find_usable(self, code, partner, company):
        """The voucher ``code`` as ``partner`` may use it now, row-locked.

        Unknown, used, expired and other customers' codes get the same message
        so codes cannot be probed. The lock makes a second concurrent use wait
        and then fail (serialization error): a voucher is used once.
        """
        code = normalize_code(code)
        refused = _("This voucher code is not valid for this customer.")
        voucher = self.sudo().search(
            [("code", "=", code), ("company_id", "=", company.id)], limit=1
        )
        if not code or not voucher:
            raise UserError(refused)
        self.env.cr.execute(
            "SELECT id FROM flexi_loyalty_voucher WHERE id = %s FOR UPDATE",
            [voucher.id],
        )
        voucher.invalidate_recordset()
        if not voucher._flexi_usable_by(partner):
            raise UserError(refused)
        return voucher

    def _flexi_usable_by(self, partner):
        """True when this voucher is valid today for ``partner``."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.state != "valid" or (self.date_expiry and self.date_expiry < today):
            return False
        owner = self.partner_id.commercial_partner_id
        return not owner or owner == partner.commercial_partner_id

    def _flexi_use(self, order):
        """Mark the (locked) voucher used on ``order``."""
        with self._flexi_trusted():
            self.sudo().write(
                {
                    "state": "used",
                    "order_id": order.id,
                    "used_date": fields.Datetime.now(),
                }
            )

    def _flexi_release(self, order):
        """The voucher left ``order`` (line removed, order cancelled): usable
        again, with a note on both.

        ``sudo``: salespeople only read vouchers; giving back the one their
        quotation used is part of editing or cancelling it.
        """
        for voucher in self.sudo().filtered(
            lambda v: v.state == "used" and v.order_id == order
        ):
            with self._flexi_trusted():
                voucher.write({"state": "valid", "order_id": False, "used_date": False})
            message = _(
                "Voucher %(code)s given back: removed from %(order)s by %(user)s.",
                code=voucher.code,
                order=order.name,
                user=self.env.user.name,
            )
            voucher._message_log(body=message)
            order.sudo()._message_log(body=message)

    def _flexi_cancel(self, order):
        """Vouchers paid with points given back on ``order`` stop being valid."""
        for voucher in self.sudo().filtered(lambda v: v.state == "valid"):
            voucher.write({"state": "cancelled"})
            voucher._message_log(
                body=_(
                    "Cancelled: the points that paid for it were given back "
                    "(%(order)s).",
                    order=order.name,
                )
            )

    @api.model
    def _cron_flexi_expire(self):
        """Daily: valid vouchers past their last day become expired."""
        today = fields.Date.context_today(self)
        self.search([("state", "=", "valid"), ("date_expiry", "<", today)]).write(
            {"state": "expired"}
        )
