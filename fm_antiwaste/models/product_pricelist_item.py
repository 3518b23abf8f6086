from odoo import fields, models


class ProductPricelistItem(models.Model):
    _inherit = "product.pricelist.item"

    fm_antiwaste_markdown_id = fields.Many2one(
        "fm.antiwaste.markdown",
        "Anti-Waste Markdown",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="Created and removed by the anti-waste markdown cron.",
    )

    def _fm_antiwaste_sorted_steps(self):
        """These rules, in their order, with the anti-waste steps sorted.

        A product whose lots sit on several steps of the ladder has one item
        per step: the deepest discount with units left applies first. A step
        sold out comes last; the sale line then charges the next step or the
        normal price (``sale.order.line._compute_pricelist_item_id``).
        """
        steps = self.filtered("fm_antiwaste_markdown_id")
        if len(steps) < 2:
            return self
        # sudo: shop visitors price products; only the discount and the live
        # units of the markdowns are read to order the rules.
        markdowns = steps.fm_antiwaste_markdown_id.sudo()
        left = markdowns._fm_remaining_by_markdown()

        def rank(item):
            markdown = item.sudo().fm_antiwaste_markdown_id
            return (left.get(markdown.id, 0.0) <= 0, -markdown.discount, -item.id)

        ordered = iter(steps.sorted(rank))
        return self.browse(
            [
                next(ordered).id if rule.fm_antiwaste_markdown_id else rule.id
                for rule in self
            ]
        )
