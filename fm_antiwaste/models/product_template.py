from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _fm_antiwaste_offers_by_template(self):
        """{template id: markdown} of these products marked down now: one
        query for a whole shop page, not one per product card.

        sudo: shop visitors may not read stock lots nor markdowns; only the
        discount, the units left and the date are rendered.
        """
        markdowns = (
            self.env["fm.antiwaste.markdown"]
            .sudo()
            ._fm_active_for_products(self.product_variant_ids, self.env.company)
        )
        offers = {}
        # Deepest discount first: the variant the pricelist charges first.
        for markdown in markdowns.values():
            offers.setdefault(markdown.product_id.product_tmpl_id.id, markdown)
        return offers

    def _fm_antiwaste_offer(self):
        """The markdown shown on the shop for this product, if any."""
        self.ensure_one()
        return self._fm_antiwaste_offers_by_template().get(self.id)
