from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _flexi_loyalty_is_customer(self):
        """Customers who paid at the till are customers too."""
        if super()._flexi_loyalty_is_customer():
            return True
        customers = self.commercial_partner_id.ids
        # sudo: a yes or no for a referral check, whoever asks.
        return bool(
            customers
            and self.env["pos.order"]
            .sudo()
            .search_count(
                [
                    ("partner_id.commercial_partner_id", "in", customers),
                    ("state", "in", ("paid", "done", "invoiced")),
                ],
                limit=1,
            )
        )
