from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def _fm_antiwaste_offer(self):
        """The markdown shown on the shop for this product, if any.

        sudo: shop visitors may not read stock lots nor markdowns; only the
        discount and the number of units left are rendered.
        """
        self.ensure_one()
        markdowns = (
            self.env["fm.antiwaste.markdown"]
            .sudo()
            ._fm_active_for_products(self.product_variant_ids, self.env.company)
        )
        return next(iter(markdowns.values()), None)
