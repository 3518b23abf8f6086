from odoo import models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    def _get_applicable_rules_domain(self, products, date, **kwargs):
        domain = super()._get_applicable_rules_domain(products, date, **kwargs)
        if self.env.context.get("fm_antiwaste_full_price"):
            # The price of the units beyond the marked-down quantity.
            domain = [*domain, ("fm_antiwaste_markdown_id", "=", False)]
        skipped = self.env.context.get("fm_antiwaste_skip_markdown_ids")
        if skipped:
            # The steps a quotation's other lines already used up.
            domain = [*domain, ("fm_antiwaste_markdown_id", "not in", list(skipped))]
        return domain

    def _get_applicable_rules(self, products, date, **kwargs):
        rules = super()._get_applicable_rules(products, date, **kwargs)
        return rules._fm_antiwaste_sorted_steps()
