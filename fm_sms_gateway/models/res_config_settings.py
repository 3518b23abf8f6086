from odoo import api, fields, models

ADMIN = "base.group_system"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fm_sms_provider = fields.Selection(
        related="company_id.fm_sms_provider", readonly=False
    )
    fm_sms_sender_id = fields.Char(
        related="company_id.fm_sms_sender_id", readonly=False
    )
    fm_sms_currency_id = fields.Many2one(
        related="company_id.currency_id", string="SMS Currency"
    )
    fm_sms_segment_price = fields.Monetary(
        related="company_id.fm_sms_segment_price",
        currency_field="fm_sms_currency_id",
        readonly=False,
    )
    fm_sms_max_attempts = fields.Integer(
        related="company_id.fm_sms_max_attempts", readonly=False
    )
    fm_sms_twilio_account_sid = fields.Char(
        related="company_id.fm_sms_twilio_account_sid", readonly=False, groups=ADMIN
    )
    fm_sms_twilio_auth_token = fields.Char(
        related="company_id.fm_sms_twilio_auth_token", readonly=False, groups=ADMIN
    )
    fm_sms_twilio_number = fields.Char(
        related="company_id.fm_sms_twilio_number", readonly=False, groups=ADMIN
    )
    fm_sms_twilio_base_url = fields.Char(
        related="company_id.fm_sms_twilio_base_url", readonly=False, groups=ADMIN
    )
    fm_sms_http_url = fields.Char(
        related="company_id.fm_sms_http_url", readonly=False, groups=ADMIN
    )
    fm_sms_http_method = fields.Selection(
        related="company_id.fm_sms_http_method", readonly=False, groups=ADMIN
    )
    fm_sms_http_body_type = fields.Selection(
        related="company_id.fm_sms_http_body_type", readonly=False, groups=ADMIN
    )
    fm_sms_http_body_template = fields.Text(
        related="company_id.fm_sms_http_body_template", readonly=False, groups=ADMIN
    )
    fm_sms_http_auth = fields.Selection(
        related="company_id.fm_sms_http_auth", readonly=False, groups=ADMIN
    )
    fm_sms_http_header_name = fields.Char(
        related="company_id.fm_sms_http_header_name", readonly=False, groups=ADMIN
    )
    fm_sms_http_header_value = fields.Char(
        related="company_id.fm_sms_http_header_value", readonly=False, groups=ADMIN
    )
    fm_sms_http_username = fields.Char(
        related="company_id.fm_sms_http_username", readonly=False, groups=ADMIN
    )
    fm_sms_http_password = fields.Char(
        related="company_id.fm_sms_http_password", readonly=False, groups=ADMIN
    )
    fm_sms_http_success_path = fields.Char(
        related="company_id.fm_sms_http_success_path", readonly=False, groups=ADMIN
    )
    fm_sms_http_success_value = fields.Char(
        related="company_id.fm_sms_http_success_value", readonly=False, groups=ADMIN
    )
    fm_sms_http_id_path = fields.Char(
        related="company_id.fm_sms_http_id_path", readonly=False, groups=ADMIN
    )
    fm_sms_webhook_token = fields.Char(
        related="company_id.fm_sms_webhook_token", groups=ADMIN
    )
    fm_sms_status_url = fields.Char(
        "Delivery Report URL", compute="_compute_fm_sms_urls", groups=ADMIN
    )
    fm_sms_inbound_url = fields.Char(
        "Incoming SMS URL", compute="_compute_fm_sms_urls", groups=ADMIN
    )

    @api.depends("fm_sms_provider", "company_id")
    def _compute_fm_sms_urls(self):
        for settings in self:
            company = settings.company_id.sudo()
            if settings.fm_sms_provider == "twilio":
                status = company._fm_sms_url("/fm_sms_gateway/twilio/status")
                inbound = company._fm_sms_url("/fm_sms_gateway/twilio/inbound")
            elif settings.fm_sms_provider == "http" and company.fm_sms_webhook_token:
                # The token goes in a header, not in the address: addresses
                # end up in access logs.
                base = company._fm_sms_url(f"/fm_sms_gateway/{company.id}")
                status, inbound = f"{base}/status", f"{base}/inbound"
            else:
                status = inbound = False
            settings.fm_sms_status_url = status
            settings.fm_sms_inbound_url = inbound

    @api.constrains(
        "fm_sms_provider",
        "fm_sms_twilio_account_sid",
        "fm_sms_twilio_auth_token",
        "fm_sms_twilio_number",
        "fm_sms_sender_id",
        "fm_sms_http_url",
        "fm_sms_http_body_type",
        "fm_sms_http_body_template",
    )
    def _check_fm_sms_provider(self):
        """Once every value of the form is on the company: a provider that
        cannot send is refused, saying what is missing."""
        self.company_id._fm_sms_check_provider()

    def set_values(self):
        super().set_values()
        if self.fm_sms_provider == "http":
            self.company_id._fm_sms_ensure_token()
