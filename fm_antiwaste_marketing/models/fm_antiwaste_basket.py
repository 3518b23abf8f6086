import logging

from odoo import models

_logger = logging.getLogger(__name__)


class FmAntiwasteBasket(models.Model):
    _inherit = "fm.antiwaste.basket"

    def _fm_notify(self, now=None):
        """SMS to customers who opted in, through fm_marketing's campaign.

        fm_marketing applies its consent, blacklist, frequency cap and quiet
        hours; its daily run key makes a retried proposal send nothing twice.
        """
        super()._fm_notify(now)
        campaign = self.env.ref(
            "fm_antiwaste_marketing.fm_antiwaste_campaign_baskets",
            raise_if_not_found=False,
        )
        if not campaign or not (campaign.body or "").strip():
            _logger.info("No anti-waste basket campaign: no alert sent")
            return self.env["fm.marketing.trace"]
        # sudo: the cron or a stock manager proposes baskets; sending goes
        # through the campaign's own rules, whoever triggers it.
        return campaign.sudo()._fm_run(now)
