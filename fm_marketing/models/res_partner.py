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
    # The churn risk of the customer's membership in the current company (the
    # riskiest when several): read from the member, never set here.
    fm_churn_score = fields.Integer(
        "Churn Risk",
        compute="_compute_fm_churn",
        groups="flexi_loyalty.flexi_loyalty_group_user",
    )
    fm_churn_at_risk = fields.Boolean(
        "At Risk",
        compute="_compute_fm_churn",
        groups="flexi_loyalty.flexi_loyalty_group_user",
    )
    fm_churn_reason = fields.Char(
        "Why",
        compute="_compute_fm_churn",
        groups="flexi_loyalty.flexi_loyalty_group_user",
    )
    fm_churn_date = fields.Date(
        "Churn Risk On",
        compute="_compute_fm_churn",
        groups="flexi_loyalty.flexi_loyalty_group_user",
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

    @api.depends(
        "flexi_loyalty_subscription_ids.fm_churn_score",
        "flexi_loyalty_subscription_ids.fm_churn_date",
    )
    @api.depends_context("company", "lang")
    def _compute_fm_churn(self):
        for partner in self:
            member = partner.flexi_loyalty_subscription_ids.filtered(
                lambda m: m.company_id == self.env.company and m.fm_churn_date
            ).sorted("fm_churn_score", reverse=True)[:1]
            partner.fm_churn_score = member.fm_churn_score
            partner.fm_churn_at_risk = member.fm_churn_at_risk
            partner.fm_churn_reason = member.fm_churn_reason or False
            partner.fm_churn_date = member.fm_churn_date

    @api.depends("fm_marketing_birthdate")
    def _compute_fm_marketing_birth_mmdd(self):
        for partner in self:
            day = partner.fm_marketing_birthdate
            partner.fm_marketing_birth_mmdd = mmdd(day.month, day.day) if day else 0

    def _fm_next_reward_text(self, company):
        """ "8 more points for <reward>" in the customer's language, from their
        active memberships of ``company``; "" for a customer who is none."""
        self.ensure_one()
        partner = self.with_context(lang=self.lang or self.env.lang)
        # sudo: a campaign writes to the customer about their own points,
        # whatever the loyalty rights of whoever runs it.
        members = partner.sudo().flexi_loyalty_subscription_ids.filtered(
            lambda m: m.company_id == company
        )
        choice = members._fm_next_reward()
        if not choice:
            return ""
        _member, reward, missing = choice
        env = partner.env
        if not missing:
            return env._("your points already pay for %s", reward.name)
        if missing == 1:
            return env._("1 more point for %s", reward.name)
        return env._(
            "%(points)s more points for %(reward)s", points=missing, reward=reward.name
        )
