import re
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools.providers import ConfigError, HttpClient, TwilioClient

SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9]{3,11}$")
ADMIN = "base.group_system"


class ResCompany(models.Model):
    _inherit = "res.company"

    fm_sms_provider = fields.Selection(
        [("iap", "Odoo IAP"), ("twilio", "Twilio"), ("http", "HTTP API")],
        string="SMS Provider",
        default="iap",
        required=True,
    )
    fm_sms_sender_id = fields.Char(
        "SMS Sender ID",
        help="Name shown instead of a number (3 to 11 letters and digits), "
        "where the provider and the country allow it.",
    )
    fm_sms_segment_price = fields.Monetary(
        "Price per SMS Segment", currency_field="currency_id"
    )
    fm_sms_max_attempts = fields.Integer("SMS Sending Attempts", default=5)
    fm_sms_twilio_account_sid = fields.Char("Twilio SMS Account SID", groups=ADMIN)
    fm_sms_twilio_auth_token = fields.Char("Twilio SMS Auth Token", groups=ADMIN)
    fm_sms_twilio_number = fields.Char("Twilio Number", groups=ADMIN)
    fm_sms_twilio_base_url = fields.Char(
        "Twilio API URL", default="https://api.twilio.com", groups=ADMIN
    )
    fm_sms_http_url = fields.Char("SMS API URL", groups=ADMIN)
    fm_sms_http_method = fields.Selection(
        [("POST", "POST"), ("GET", "GET")], default="POST", groups=ADMIN
    )
    fm_sms_http_body_type = fields.Selection(
        [("json", "JSON"), ("form", "Form")], default="json", groups=ADMIN
    )
    fm_sms_http_body_template = fields.Text(
        "SMS Body Template",
        default='{"to": "{number}", "message": "{text}"}',
        groups=ADMIN,
    )
    fm_sms_http_auth = fields.Selection(
        [("none", "None"), ("header", "Header"), ("basic", "Basic")],
        "SMS API Authentication",
        default="none",
        groups=ADMIN,
    )
    fm_sms_http_header_name = fields.Char(
        "SMS API Header", default="Authorization", groups=ADMIN
    )
    fm_sms_http_header_value = fields.Char("SMS API Header Value", groups=ADMIN)
    fm_sms_http_username = fields.Char("SMS API User", groups=ADMIN)
    fm_sms_http_password = fields.Char("SMS API Password", groups=ADMIN)
    fm_sms_http_success_path = fields.Char("Success Field", groups=ADMIN)
    fm_sms_http_success_value = fields.Char("Success Value", groups=ADMIN)
    fm_sms_http_id_path = fields.Char("Message ID Field", groups=ADMIN)
    fm_sms_webhook_token = fields.Char("SMS Webhook Token", groups=ADMIN, copy=False)

    @api.constrains("fm_sms_sender_id")
    def _check_fm_sms_sender_id(self):
        for company in self:
            if company.fm_sms_sender_id and not SENDER_ID.match(
                company.fm_sms_sender_id
            ):
                raise ValidationError(
                    _(
                        "The SMS sender ID must be 3 to 11 letters and digits, "
                        "with at least one letter (e.g. FidelMart)."
                    )
                )

    @api.constrains("fm_sms_max_attempts")
    def _check_fm_sms_max_attempts(self):
        if any(company.fm_sms_max_attempts < 1 for company in self):
            raise ValidationError(_("SMS need at least one sending attempt."))

    def _fm_sms_check_provider(self):
        """Raise a ValidationError saying what is missing when the provider
        cannot work (checked by the Settings once all values are written)."""
        for company in self:
            if company.fm_sms_provider != "iap":
                company._fm_sms_client()

    def _fm_sms_config_error(self, code):
        messages = {
            "twilio": _(
                "Twilio needs the account SID, the auth token and a number or "
                "a sender ID."
            ),
            "url": _("The SMS API URL must start with http:// or https://."),
            "template": _(
                "The SMS body template must be a JSON object, or key=value "
                "pairs for a form."
            ),
            "placeholders": _(
                "The SMS body template must contain {number} and {text}."
            ),
        }
        return ValidationError(messages.get(code, messages["template"]))

    def _fm_sms_client(self):
        """The provider's client; only code running as the system reads the
        credentials (callers are the SMS queue and the Settings check)."""
        self.ensure_one()
        company = self.sudo()
        try:
            if company.fm_sms_provider == "twilio":
                return TwilioClient(
                    company.fm_sms_twilio_account_sid,
                    company.fm_sms_twilio_auth_token,
                    company.fm_sms_sender_id or company.fm_sms_twilio_number,
                    company.fm_sms_twilio_base_url,
                    callback=company._fm_sms_url("/fm_sms_gateway/twilio/status"),
                )
            return HttpClient(
                company.fm_sms_http_url,
                company.fm_sms_http_method or "POST",
                company.fm_sms_http_body_type or "json",
                company.fm_sms_http_body_template,
                sender=company.fm_sms_sender_id,
                auth=company.fm_sms_http_auth,
                header_name=company.fm_sms_http_header_name,
                header_value=company.fm_sms_http_header_value,
                username=company.fm_sms_http_username,
                password=company.fm_sms_http_password,
                success_path=company.fm_sms_http_success_path,
                success_value=company.fm_sms_http_success_value,
                id_path=company.fm_sms_http_id_path,
            )
        except ConfigError as e:
            raise self._fm_sms_config_error(str(e)) from e

    def _fm_sms_url(self, path):
        return self.get_base_url().rstrip("/") + path

    def _fm_sms_ensure_token(self):
        for company in self.sudo():
            if not company.fm_sms_webhook_token:
                company.fm_sms_webhook_token = secrets.token_urlsafe(24)
