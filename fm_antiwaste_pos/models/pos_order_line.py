from odoo import fields, models

from odoo.addons.fm_antiwaste.tools.cap import blended_unit_price


class PosOrderLine(models.Model):
    _name = "pos.order.line"
    _inherit = ["pos.order.line", "fm.antiwaste.guarded.mixin"]
    # The units sold reduced decide what the next customer pays.
    _fm_antiwaste_guarded_fields = ("fm_antiwaste_markdown_id", "fm_antiwaste_qty")

    # Written by the server when the paid order is synced, never by the till.
    fm_antiwaste_markdown_id = fields.Many2one(
        "fm.antiwaste.markdown",
        "Anti-Waste Markdown",
        readonly=True,
        index="btree_not_null",
        # A refund or a copy sells nothing reduced (and copying would be
        # refused by the guard).
        copy=False,
    )
    fm_antiwaste_qty = fields.Float(
        "Marked-Down Units",
        readonly=True,
        digits="Product Unit of Measure",
        copy=False,
        help="Units of this line the server counted at the anti-waste price "
        "(the units left when the order reached it); the rest is full price.",
    )

    def _fm_antiwaste_prices(self, markdown_qty):
        """(expected unit price, reduced price, normal price) of the line when
        ``markdown_qty`` of its units are sold at the anti-waste price."""
        self.ensure_one()
        order = self.order_id
        pricelist = order.pricelist_id
        qty = self.qty or 1.0
        date = order.date_order
        # The step of the ladder counted on this line, even when the order
        # took its last units and the pricelist moved to the next step.
        # sudo: cashiers may not read markdowns; only its price rule is read.
        step = self.fm_antiwaste_markdown_id.sudo().pricelist_item_ids.filtered(
            lambda item: item.pricelist_id == pricelist
        )[:1]
        if step:
            reduced = step._compute_price(
                self.product_id, qty, self.product_uom_id, date, pricelist.currency_id
            )
        else:
            reduced = pricelist._get_product_price(self.product_id, qty, date=date)
        full = pricelist.with_context(fm_antiwaste_full_price=True)._get_product_price(
            self.product_id, qty, date=date
        )
        digits = self.env["decimal.precision"].precision_get("Product Price")
        expected = blended_unit_price(self.qty, markdown_qty, reduced, full, digits)
        return expected, reduced, full
