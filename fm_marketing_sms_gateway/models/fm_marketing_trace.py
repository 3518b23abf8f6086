from odoo import models

from odoo.addons.fm_sms_gateway.tools.segments import fold_to_gsm7


class FmMarketingTrace(models.Model):
    _inherit = "fm.marketing.trace"

    def _fm_sms_body(self):
        body = super()._fm_sms_body()
        return fold_to_gsm7(body) if self.campaign_id.sms_fold_gsm7 else body
