from odoo import api, models


class FmMarketingCampaign(models.Model):
    _inherit = "fm.marketing.campaign"

    @api.model
    def _fm_attribution_models(self):
        return [*super()._fm_attribution_models(), "pos.order"]
