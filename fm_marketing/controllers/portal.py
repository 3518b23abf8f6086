from datetime import date

from odoo import _, fields
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

CONSENT_FIELDS = ("fm_marketing_sms_consent", "fm_marketing_email_consent")


class FmMarketingPortal(CustomerPortal):
    """ "My details" lets customers give their birth date and their consents."""

    def _get_optional_fields(self):
        return [
            *super()._get_optional_fields(),
            "fm_marketing_birthdate",
            *CONSENT_FIELDS,
        ]

    def details_form_validate(self, data, partner_creation=False):
        error, error_message = super().details_form_validate(
            data, partner_creation=partner_creation
        )
        raw = data.get("fm_marketing_birthdate")
        if raw:
            try:
                birthdate = fields.Date.to_date(raw)
            except ValueError:
                birthdate = None
            today = fields.Date.context_today(request.env.user)
            if not birthdate or not (date(1900, 1, 1) <= birthdate <= today):
                error["fm_marketing_birthdate"] = "error"
                error_message.append(_("Please enter a valid birth date."))
        return error, error_message

    def on_account_update(self, values, partner):
        res = super().on_account_update(values, partner)
        if "fm_marketing_birthdate" in values:
            values["fm_marketing_birthdate"] = values["fm_marketing_birthdate"] or False
        # Unticked boxes are not posted: the form always shows both.
        for name in CONSENT_FIELDS:
            values[name] = bool(values.get(name))
        return res
