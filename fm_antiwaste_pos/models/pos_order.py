from odoo import _, api, fields, models
from odoo.tools import float_compare

from odoo.addons.fm_antiwaste.tools.cap import allocate

from .fm_antiwaste_markdown import POS_PAID_STATES

# Only the server writes these on the lines of a synced order.
SERVER_LINE_FIELDS = ("fm_antiwaste_markdown_id", "fm_antiwaste_qty")


class PosOrder(models.Model):
    _inherit = "pos.order"

    @api.model
    def _process_order(self, order, existing_order):
        for command in order.get("lines") or []:
            if command[0] in (0, 1) and isinstance(command[2], dict):
                for name in SERVER_LINE_FIELDS:
                    command[2].pop(name, None)
        # The units left before this order: once processed, its own picking
        # may already have taken them out of the quants.
        left = self._fm_antiwaste_left_before(order)
        order_id = super()._process_order(order, existing_order)
        pos_order = self.browse(order_id)
        if pos_order.state in POS_PAID_STATES:
            pos_order._fm_antiwaste_count_markdowns(left)
            pos_order._fm_antiwaste_sell_baskets()
        return order_id

    # ------------------------------------------------------------ markdowns

    @api.model
    def _fm_antiwaste_left_before(self, order):
        """{markdown: units left} for the products of an order being synced."""
        product_ids = {
            command[2].get("product_id")
            for command in order.get("lines") or []
            if command[0] in (0, 1) and isinstance(command[2], dict)
        }
        session = self.env["pos.session"].browse(order.get("session_id")).exists()
        products = self.env["product.product"].browse(list(product_ids - {None}))
        if not session or not products:
            return {}
        now = fields.Datetime.now()
        # sudo: the server counts the units left; cashiers have no stock rights.
        # Markdowns with no unit left are kept: a till may still have charged them.
        markdowns = (
            self.env["fm.antiwaste.markdown"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("company_id", "=", session.company_id.id),
                    ("state", "=", "active"),
                    ("date_from", "<=", now),
                    ("date_to", ">", now),
                ]
            )
        )
        return {m: m.qty_remaining for m in markdowns}

    def _fm_antiwaste_count_markdowns(self, left):
        """Record on each line the units sold at the anti-waste price.

        The till already charged the line; the server keeps the paid order
        whatever it says and counts at most the units left, so the shop and
        sale orders stop selling those units reduced. A till that charged
        more reduced units than were left (two tills offline) leaves a note
        on the order for the manager.
        """
        self.ensure_one()
        # Lots on several steps of the ladder: the deepest discount with units
        # left is the one charged, as the pricelist does.
        markdowns = {}
        for markdown in sorted(left, key=lambda m: (left[m] > 0, m.discount)):
            markdowns[markdown.product_id] = markdown
        used = dict.fromkeys(left, 0.0)
        digits = self.env["decimal.precision"].precision_get("Product Price")
        for line in self.lines.sorted("id"):
            markdown = markdowns.get(line.product_id)
            if (
                not markdown
                or line.qty <= 0
                or line.refunded_orderline_id
                or self.pricelist_id not in markdown.pricelist_item_ids.pricelist_id
            ):
                continue
            marked, _full = allocate(line.qty, left[markdown] - used[markdown])
            used[markdown] += marked
            with line._fm_antiwaste_trusted():
                line.write(
                    {
                        "fm_antiwaste_markdown_id": markdown.id,
                        "fm_antiwaste_qty": marked,
                    }
                )
            expected, _reduced, _normal = line._fm_antiwaste_prices(marked)
            charged = line.price_unit * (1 - (line.discount or 0.0) / 100)
            if (
                not line.discount
                and float_compare(charged, expected, precision_digits=digits) < 0
            ):
                self.message_post(
                    body=_(
                        "%(product)s was charged %(charged)s a unit, below the "
                        "%(expected)s due for %(marked)s anti-waste units out of "
                        "%(qty)s: fewer near-expiry units were left than the till "
                        "knew. The order is kept as paid.",
                        product=line.product_id.display_name,
                        charged=line.price_unit,
                        expected=expected,
                        marked=marked,
                        qty=line.qty,
                    )
                )

    # ------------------------------------------------------------ baskets

    def _fm_antiwaste_basket_lines(self):
        """{line: basket} of the baskets this order sells (refunds aside)."""
        self.ensure_one()
        lines = self.lines.filtered(
            lambda ln: ln.qty > 0 and not ln.refunded_orderline_id
        )
        # sudo: cashiers sell baskets without stock rights; the basket checks
        # its own availability under a row lock.
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "in", lines.product_id.ids)])
        )
        by_product = {b.product_id: b for b in baskets}
        return {
            ln: by_product[ln.product_id] for ln in lines if ln.product_id in by_product
        }

    def _fm_antiwaste_sell_baskets(self):
        """Deliver the baskets of a paid order; safe to repeat."""
        for order in self:
            for line, basket in order._fm_antiwaste_basket_lines().items():
                basket._fm_sell_pos(line)
