from markupsafe import Markup

from odoo import _, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _fm_baskets_by_line(self):
        lines = self.order_line.filtered("product_id")
        baskets = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "in", lines.product_id.ids)])
        )
        by_product = {b.product_id.id: b for b in baskets}
        return {
            line: by_product[line.product_id.id]
            for line in lines
            if line.product_id.id in by_product
        }

    def action_confirm(self):
        # Prices are settled before the confirmation: quotations holding
        # marked-down units are checked and confirmed one at a time, so each
        # one sees the units the previous one reserved.
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        quotations._fm_antiwaste_markdowns()._fm_lock()
        holding = quotations.filtered(lambda o: o.order_line.fm_antiwaste_markdown_id)
        res = True
        for order in holding:
            order._fm_antiwaste_check_markdowns()
            res = super(SaleOrder, order).action_confirm()
        if self - holding:
            res = super(SaleOrder, self - holding).action_confirm()
        return res

    def _fm_antiwaste_markdowns(self):
        """The running markdowns of these orders' products, and of their lines."""
        # sudo: salespeople and website customers read the units left, as the
        # shop shows them; nothing is written but the lock's touch.
        Markdown = self.env["fm.antiwaste.markdown"].sudo()
        products = self.order_line.product_id
        if not products:
            return Markdown
        running = Markdown.search(
            [("product_id", "in", products.ids), ("state", "=", "active")]
        )
        return running | self.order_line.fm_antiwaste_markdown_id.sudo()

    def _fm_antiwaste_check_markdowns(self):
        """At confirmation: re-price the lines whose marked-down units went to
        other orders, and say so on the chatter."""
        self.ensure_one()
        marked = {ln: ln.fm_antiwaste_qty for ln in self.order_line}
        total = self.amount_total
        stale = self._fm_antiwaste_refresh_prices()
        if stale:
            self._fm_antiwaste_post_repriced(stale, marked, total)

    def _fm_antiwaste_refresh_prices(self):
        """Re-price the lines whose marked-down units went to other orders
        since they were priced; returns them."""
        self.ensure_one()
        stale = self.order_line._fm_antiwaste_stale_lines()
        stale._fm_antiwaste_reprice()
        return stale

    def _fm_antiwaste_post_repriced(self, lines, marked, total):
        self.ensure_one()

        def money(amount):
            return formatLang(self.env, amount, currency_obj=self.currency_id)

        items = []
        for line in lines:  # not a comprehension: _() reads this frame
            kept, before = f"{line.fm_antiwaste_qty:g}", f"{marked[line]:g}"
            items.append(
                _(
                    "%(product)s: %(kept)s of %(marked)s units still at the "
                    "anti-waste price, the others at the normal price.",
                    product=line.product_id.display_name,
                    kept=kept,
                    marked=before,
                )
            )
        intro = _(
            "Anti-waste prices updated at confirmation: other orders took some "
            "of the marked-down units in the meantime. Total: %(before)s, now "
            "%(after)s.",
            before=money(total),
            after=money(self.amount_total),
        )
        body = Markup("<p>%s</p><ul>%s</ul>") % (
            intro,
            Markup().join(Markup("<li>%s</li>") % item for item in items),
        )
        # A log, not a message: nobody is notified, no sender address needed.
        self._message_log(body=body)

    def _action_confirm(self):
        for order in self:
            for line, basket in order._fm_baskets_by_line().items():
                # sudo: salespeople and website customers sell baskets without
                # stock rights; _fm_sell checks availability under a row lock.
                basket._fm_sell(line)
        return super()._action_confirm()

    def _check_cart_is_ready_to_be_paid(self):
        super()._check_cart_is_ready_to_be_paid()
        if self.order_line._fm_antiwaste_stale_lines():
            # The payment page re-prices the cart when it is shown again.
            raise ValidationError(
                _(
                    "Some anti-waste products of your cart were sold to other "
                    "customers in the meantime and its prices have changed. "
                    "Please refresh the page."
                )
            )

    def _verify_updated_quantity(self, order_line, product_id, new_qty, **kwargs):
        new_qty, warning = super()._verify_updated_quantity(
            order_line, product_id, new_qty, **kwargs
        )
        basket = (
            self.env["fm.antiwaste.basket"]
            .sudo()
            .search([("product_id", "=", product_id)], limit=1)
        )
        if basket and new_qty > 0:
            if basket.state != "published":
                return 0, _("This surprise basket has already been sold.")
            if new_qty > 1:
                return 1, _("Each surprise basket is unique: one per order.")
        return new_qty, warning
