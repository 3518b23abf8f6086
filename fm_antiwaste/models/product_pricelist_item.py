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
