from odoo import models


class Website(models.Model):
    _inherit = "website"

    def _fm_antiwaste_offers(self):
        """The markdowns this website sells now, one per product: the step
        of the ladder being charged (deepest discount with units left).

        sudo: visitors may not read markdowns; only published products, their
        discount, units left and expiry date are shown.
        """
        self.ensure_one()
        Markdown = self.env["fm.antiwaste.markdown"].sudo()
        running = Markdown.search(
            [
                ("state", "=", "active"),
                ("company_id", "=", self.company_id.id),
                ("product_id.is_published", "=", True),
                ("product_id.website_id", "in", (False, self.id)),
            ]
        )
        selling = Markdown._fm_active_for_products(running.product_id, self.company_id)
        offers = Markdown.browse(m.id for m in selling.values())
        return offers.sorted(
            lambda m: (-m.discount, m.expiration_date or m.date_to, m.id)
        )

    def _fm_antiwaste_offer_count(self):
        self.ensure_one()
        return len(self._fm_antiwaste_offers())
