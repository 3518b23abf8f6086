import re

from odoo import api, fields, models

from ..tools.segments import GSM7, UCS2, count_sms

# An inline-template expression (``{{ object.name }}``): its value is only
# known per recipient.
PLACEHOLDER = re.compile(r"\{\{.*?\}\}", re.DOTALL)


class SmsTemplate(models.Model):
    """What one SMS of a template costs, shown while it is edited."""

    _inherit = "sms.template"

    fm_sms_char_count = fields.Integer("Characters", compute="_compute_fm_sms_cost")
    fm_sms_encoding = fields.Selection(
        [(GSM7, "GSM-7"), (UCS2, "Unicode (UCS-2)")],
        "Encoding",
        compute="_compute_fm_sms_cost",
    )
    fm_sms_segment_count = fields.Integer("Segments", compute="_compute_fm_sms_cost")
    fm_sms_unicode_warning = fields.Char(
        "Unicode Warning", compute="_compute_fm_sms_cost"
    )
    fm_sms_currency_id = fields.Many2one(
        "res.currency", "SMS Currency", compute="_compute_fm_sms_cost"
    )
    fm_sms_segment_price = fields.Monetary(
        "Price per SMS Segment",
        currency_field="fm_sms_currency_id",
        compute="_compute_fm_sms_segment_price",
    )
    fm_sms_estimated_cost = fields.Monetary(
        "Estimated Cost per Recipient",
        currency_field="fm_sms_currency_id",
        compute="_compute_fm_sms_cost",
    )

    @api.depends("body")
    @api.depends_context("company", "lang")
    def _compute_fm_sms_cost(self):
        company = self.env.company
        for template in self:
            count = count_sms(PLACEHOLDER.sub("", template.body or ""))
            template.fm_sms_char_count = count.units
            template.fm_sms_encoding = count.encoding if count.segments else False
            template.fm_sms_segment_count = count.segments
            template.fm_sms_unicode_warning = self._fm_unicode_warning(count)
            template.fm_sms_currency_id = company.currency_id
            template.fm_sms_estimated_cost = company.currency_id.round(
                count.segments * company.fm_sms_segment_price
            )

    @api.depends_context("company")
    def _compute_fm_sms_segment_price(self):
        # The form's live counter prices what is typed with it.
        self.fm_sms_segment_price = self.env.company.fm_sms_segment_price

    @api.model
    def _fm_unicode_warning(self, count):
        """The warning naming the characters that send a text in Unicode."""
        if not count.unicode_chars:
            return False
        chars = ", ".join(f"« {char} »" for char in count.unicode_chars)
        return self.env._(
            "%(chars)s cannot be sent in the GSM alphabet: the whole message "
            "goes in Unicode, 70 characters per SMS instead of 160.",
            chars=chars,
        )
