from odoo import models


class Website(models.Model):
    _inherit = "website"

    def _fm_antiwaste_selling(self):
        """{product_id: markdown} this website sells now: the step of the
        ladder being charged (deepest discount with units left).

        sudo: visitors may not read markdowns; only published products, their
        discount, units left and expiry date are shown.
        """
        self.ensure_one()
        Markdown = self.env["fm.antiwaste.markdown"].sudo()
        running = Markdown.search(
            [
                *Markdown._fm_running_domain(self.company_id),
                ("product_id.is_published", "=", True),
                ("product_id.website_id", "in", (False, self.id)),
            ]
        )
        return running._fm_selling_by_product()

    def _fm_antiwaste_offers(self):
        """The markdowns this website sells now, one per product, deepest
        discount first."""
        offers = self.env["fm.antiwaste.markdown"].sudo()
        offers = offers.browse(m.id for m in self._fm_antiwaste_selling().values())
        return offers.sorted(
            lambda m: (-m.discount, m.expiration_date or m.date_to, m.id)
        )

    def _fm_antiwaste_offer_count(self):
        """How many products the shop banner announces (no sorting needed)."""
        return len(self._fm_antiwaste_selling())
