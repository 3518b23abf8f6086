from odoo import models
from odoo.tools import float_compare


class Website(models.Model):
    _inherit = "website"

    def _fm_antiwaste_running(self):
        """The running markdowns of the products this website publishes.

        sudo: visitors may not read markdowns; only published products, their
        discount, units left and expiry date are shown.
        """
        self.ensure_one()
        Markdown = self.env["fm.antiwaste.markdown"].sudo()
        return Markdown.search(
            [
                *Markdown._fm_running_domain(self.company_id),
                ("product_id.is_published", "=", True),
                ("product_id.website_id", "in", (False, self.id)),
            ]
        )

    def _fm_antiwaste_selling(self):
        """{product_id: markdown} this website sells now: the step of the
        ladder being charged (deepest discount with units left)."""
        return self._fm_antiwaste_running()._fm_selling_by_product()

    def _fm_antiwaste_offers(self):
        """The markdowns this website sells now, one per product, deepest
        discount first."""
        offers = self.env["fm.antiwaste.markdown"].sudo()
        offers = offers.browse(m.id for m in self._fm_antiwaste_selling().values())
        return offers.sorted(
            lambda m: (-m.discount, m.expiration_date or m.date_to, m.id)
        )

    def _fm_antiwaste_offer_count(self):
        """How many products the shop banner announces: those with a running
        markdown that has units left. Shown on every page of the shop, so the
        markdowns are neither sorted nor read one by one."""
        running = self._fm_antiwaste_running()
        remaining = running._fm_remaining_by_markdown()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        with_units = [
            markdown_id
            for markdown_id, units in remaining.items()
            if float_compare(units, 0.0, precision_digits=digits) > 0
        ]
        if not with_units:
            return 0
        [(count,)] = running._read_group(
            [("id", "in", with_units)], aggregates=["product_id:count_distinct"]
        )
        return count
