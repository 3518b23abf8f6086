from odoo import api, models


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    @api.model_create_multi
    def create(self, vals_list):
        pricelists = super().create(vals_list)
        # A pricelist added while lots are marked down charges them too.
        markdowns = (
            self.env["fm.antiwaste.markdown"].sudo().search([("state", "=", "active")])
        )
        markdowns._fm_create_pricelist_items(pricelists=pricelists.sudo())
        return pricelists

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
