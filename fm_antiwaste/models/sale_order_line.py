from odoo import api, fields, models
from odoo.tools import float_compare

from ..tools.cap import allocate, blended_unit_price


class SaleOrderLine(models.Model):
    _name = "sale.order.line"
    _inherit = ["sale.order.line", "fm.antiwaste.guarded.mixin"]
    # Computed from the markdown's units left; a typed value would free the
    # cap for another order.
    _fm_antiwaste_guarded_fields = (
        "fm_antiwaste_markdown_id",
        "fm_antiwaste_qty",
        "fm_antiwaste_unit_price",
    )

    fm_antiwaste_markdown_id = fields.Many2one(
        "fm.antiwaste.markdown",
        "Anti-Waste Markdown",
        compute="_compute_fm_antiwaste",
        store=True,
        readonly=True,
    )
    fm_antiwaste_qty = fields.Float(
        "Marked-Down Units",
        compute="_compute_fm_antiwaste",
        store=True,
        readonly=True,
        digits="Product Unit of Measure",
        help="Units of this line sold at the anti-waste price; the rest of the "
        "line is charged at the normal price.",
    )
    fm_antiwaste_unit_price = fields.Float(
        "Anti-Waste Unit Price",
        compute="_compute_fm_antiwaste",
        store=True,
        readonly=True,
        digits="Product Price",
    )

    @api.depends("product_id", "product_uom", "product_uom_qty")
    def _compute_pricelist_item_id(self):
        super()._compute_pricelist_item_id()
        for line in self:
            item = line.pricelist_item_id
            skipped = []
            while (
                item.fm_antiwaste_markdown_id
                and line._fm_antiwaste_remaining(item.fm_antiwaste_markdown_id) <= 0
            ):
                # This step is used up by the quotation's other lines: the
                # next step of the ladder, or the normal rule, applies.
                skipped.append(item.fm_antiwaste_markdown_id.id)
                item = line._fm_pricelist_rule(fm_antiwaste_skip_markdown_ids=skipped)
            line.pricelist_item_id = item

    @api.depends("pricelist_item_id", "product_uom_qty")
    def _compute_fm_antiwaste(self):
        for line in self:
            if (
                line.state in ("sale", "cancel")
                and line._origin.fm_antiwaste_markdown_id
            ):
                # Frozen once confirmed: the price is, and the report counts these.
                line.fm_antiwaste_markdown_id = line._origin.fm_antiwaste_markdown_id
                line.fm_antiwaste_qty = line._origin.fm_antiwaste_qty
                line.fm_antiwaste_unit_price = line._origin.fm_antiwaste_unit_price
                continue
            markdown = line.pricelist_item_id.fm_antiwaste_markdown_id
            if not markdown:
                line.fm_antiwaste_markdown_id = False
                line.fm_antiwaste_qty = 0.0
                line.fm_antiwaste_unit_price = 0.0
                continue
            marked, _full = allocate(
                line.product_uom_qty, line._fm_antiwaste_remaining(markdown)
            )
            line.fm_antiwaste_markdown_id = markdown
            line.fm_antiwaste_qty = marked
            line.fm_antiwaste_unit_price = line.pricelist_item_id._compute_price(
                product=line.product_id.with_context(
                    **line._get_product_price_context()
                ),
                quantity=line.product_uom_qty or 1.0,
                uom=line.product_uom,
                date=line._get_order_date(),
                currency=line.currency_id,
            )

    def _fm_antiwaste_remaining(self, markdown):
        """Marked-down units still available to this line.

        Confirmed orders have reserved their lots (FEFO), which lowers the
        markdown's live quantity; other lines of this quotation come first.
        """
        self.ensure_one()
        others = self.order_id.order_line.filtered(
            lambda ln: (
                ln != self
                and ln.fm_antiwaste_markdown_id == markdown
                and ln._fm_antiwaste_rank() < self._fm_antiwaste_rank()
                and ln.state not in ("sale", "cancel")
            )
        )
        live = markdown._fm_remaining_by_markdown().get(markdown.id, 0.0)
        return live - sum(others.mapped("fm_antiwaste_qty"))

    def _fm_antiwaste_rank(self):
        """Order in which lines take the marked-down units: saved lines by id,
        then the lines being created (priced before they have an id)."""
        return (0, self._origin.id) if self._origin.id else (1, 0)

    def _fm_antiwaste_stale_lines(self):
        """The lines of one quotation holding more marked-down units than are
        left now (taken by other orders since), read in the cap's order."""
        stale = self.browse()
        for line in self.filtered("fm_antiwaste_markdown_id").sorted("id"):
            left = line._fm_antiwaste_remaining(line.fm_antiwaste_markdown_id)
            if (
                float_compare(
                    line.fm_antiwaste_qty,
                    left,
                    precision_rounding=line.product_uom.rounding or 0.001,
                )
                > 0
            ):
                stale |= line
        return stale

    def _fm_antiwaste_reprice(self):
        """Price these lines again with the units left now: the cap's rule, as
        the "Update Prices" button would. Prices typed by hand are kept."""
        computed = self.filtered(lambda ln: ln.technical_price_unit == ln.price_unit)
        for line in self.sorted("id"):
            line._compute_pricelist_item_id()
            # Called outside a recomputation, its assignments are writes.
            with line._fm_antiwaste_trusted():
                line._compute_fm_antiwaste()
        computed._compute_price_unit()
        computed.discount = 0.0
        computed._compute_discount()

    def _fm_full_price_rule(self):
        self.ensure_one()
        return self._fm_pricelist_rule(fm_antiwaste_full_price=True)

    def _fm_pricelist_rule(self, **context):
        self.ensure_one()
        rule_id = self.order_id.pricelist_id.with_context(**context)._get_product_rule(
            self.product_id,
            quantity=self.product_uom_qty or 1.0,
            uom=self.product_uom,
            date=self._get_order_date(),
        )
        return self.env["product.pricelist.item"].browse(rule_id)

    def _get_pricelist_price(self):
        price = super()._get_pricelist_price()
        markdown = self.pricelist_item_id.fm_antiwaste_markdown_id
        if not markdown or self.fm_antiwaste_qty >= self.product_uom_qty:
            return price
        # Beyond the near-expiry units the customer pays the normal price:
        # one unit price for the line, the average of both.
        full_rule = self._fm_full_price_rule()
        full_price = full_rule._compute_price(
            product=self.product_id.with_context(**self._get_product_price_context()),
            quantity=self.product_uom_qty or 1.0,
            uom=self.product_uom,
            date=self._get_order_date(),
            currency=self.currency_id,
        )
        return blended_unit_price(
            self.product_uom_qty,
            self.fm_antiwaste_qty,
            price,
            full_price,
            self.env["decimal.precision"].precision_get("Product Price"),
        )
