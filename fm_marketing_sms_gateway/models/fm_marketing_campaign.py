from odoo import api, fields, models

from odoo.addons.fm_marketing.tools.template import (
    TemplateError,
    format_percent,
    render,
)
from odoo.addons.fm_sms_gateway.tools.segments import GSM7, UCS2, count_sms


class FmMarketingCampaign(models.Model):
    _inherit = "fm.marketing.campaign"

    sms_fold_gsm7 = fields.Boolean(
        "Keep to the GSM Alphabet",
        help="Replace characters that have a plain equivalent (ê → e, "
        "typographic quotes → straight ones) so a French message is sent in "
        "the cheaper alphabet: 160 characters per SMS instead of 70.",
    )
    sms_char_count = fields.Integer("Characters", compute="_compute_sms_cost")
    sms_encoding = fields.Selection(
        [(GSM7, "GSM-7"), (UCS2, "Unicode (UCS-2)")],
        "Encoding",
        compute="_compute_sms_cost",
    )
    sms_segment_count = fields.Integer("Segments", compute="_compute_sms_cost")
    sms_unicode_warning = fields.Char(compute="_compute_sms_cost")
    sms_segment_price = fields.Monetary(related="company_id.fm_sms_segment_price")
    sms_estimated_cost = fields.Monetary(
        "Estimated Cost of the Next Run", compute="_compute_sms_cost"
    )
    sms_segments_sent = fields.Integer("Segments Sent", compute="_compute_sms_spent")
    sms_cost_spent = fields.Monetary("SMS Cost", compute="_compute_sms_spent")

    @api.depends("body", "channel", "offer_discount", "sms_fold_gsm7", "audience_count")
    @api.depends_context("company")
    def _compute_sms_cost(self):
        samples = self.get_sms_samples() if self else {}
        for campaign in self:
            count = campaign._fm_sms_count(samples)
            price = campaign.company_id.fm_sms_segment_price
            campaign.sms_char_count = count.units
            campaign.sms_encoding = count.encoding if count.segments else False
            campaign.sms_segment_count = count.segments
            campaign.sms_unicode_warning = campaign._fm_unicode_warning(count)
            campaign.sms_estimated_cost = campaign.currency_id.round(
                count.segments * campaign.audience_count * price
            )

    def _fm_sms_count(self, samples):
        """Segments of the SMS as a sample customer receives it: placeholders
        filled, the opt-out line added, folded when the campaign asks."""
        self.ensure_one()
        if self.channel != "sms" or not self.body:
            return count_sms("")
        values = {**samples, "discount": format_percent(self.offer_discount)}
        try:
            text = render(self.body, values)
        except TemplateError:
            text = self.body
        return count_sms(text + samples.get("stop", ""), fold=self.sms_fold_gsm7)

    @api.model
    def _fm_unicode_warning(self, count):
        return self.env["sms.template"]._fm_unicode_warning(count)

    def _compute_sms_spent(self):
        # sudo: the trackers are technical; only sums of this campaign's own
        # messages are read.
        groups = (
            self.env["sms.tracker"]
            .sudo()
            ._read_group(
                [("fm_marketing_trace_id.campaign_id", "in", self.ids)],
                ["fm_marketing_trace_id"],
                ["fm_segments:sum", "fm_cost:sum"],
            )
        )
        spent = {}
        for trace, segments, cost in groups:
            total = spent.setdefault(trace.campaign_id.id, [0, 0.0])
            total[0] += segments
            total[1] += cost
        for campaign in self:
            segments, cost = spent.get(campaign.id, (0, 0.0))
            campaign.sms_segments_sent = segments
            campaign.sms_cost_spent = campaign.currency_id.round(cost)
