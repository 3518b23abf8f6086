from odoo import api, fields, models

from ..tools.schedule import mmdd


class ResPartner(models.Model):
    _inherit = "res.partner"

    fm_marketing_sms_consent = fields.Boolean(
        "Marketing SMS",
        help="The customer agreed to receive marketing text messages.",
    )
    fm_marketing_sms_consent_date = fields.Datetime(
        "SMS Consent Date",
        compute="_compute_fm_marketing_sms_consent_date",
        store=True,
        readonly=False,
    )
    fm_marketing_email_consent = fields.Boolean(
        "Marketing Emails",
        help="The customer agreed to receive marketing emails.",
    )
    fm_marketing_email_consent_date = fields.Datetime(
        "Email Consent Date",
        compute="_compute_fm_marketing_email_consent_date",
        store=True,
        readonly=False,
    )
    fm_marketing_birthdate = fields.Date("Birth Date")
    # Month * 100 + day, indexed: today's birthdays without scanning dates.
    fm_marketing_birth_mmdd = fields.Integer(
        compute="_compute_fm_marketing_birth_mmdd", store=True, index="btree_not_null"
    )

    @api.depends("fm_marketing_sms_consent")
    def _compute_fm_marketing_sms_consent_date(self):
        for partner in self:
            if not partner.fm_marketing_sms_consent:
                partner.fm_marketing_sms_consent_date = False
            elif not partner.fm_marketing_sms_consent_date:
                partner.fm_marketing_sms_consent_date = fields.Datetime.now()

    @api.depends("fm_marketing_email_consent")
    def _compute_fm_marketing_email_consent_date(self):
        for partner in self:
            if not partner.fm_marketing_email_consent:
                partner.fm_marketing_email_consent_date = False
            elif not partner.fm_marketing_email_consent_date:
                partner.fm_marketing_email_consent_date = fields.Datetime.now()

    @api.depends("fm_marketing_birthdate")
    def _compute_fm_marketing_birth_mmdd(self):
        for partner in self:
            day = partner.fm_marketing_birthdate
            partner.fm_marketing_birth_mmdd = mmdd(day.month, day.day) if day else 0
