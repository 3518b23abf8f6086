from odoo import Command, _, api, fields, models
from odoo.tools import float_compare


class FmAntiwasteBasket(models.Model):
    _inherit = "fm.antiwaste.basket"

    pos_order_line_id = fields.Many2one(
        "pos.order.line", "POS Order Line", readonly=True
    )
    pos_double_sale_line_ids = fields.Many2many(
        "pos.order.line",
        "fm_antiwaste_basket_pos_double_sale_rel",
        "basket_id",
        "line_id",
        string="Sold Again at the Till",
        readonly=True,
        help="Paid till orders that sold this basket after it was gone (offline "
        "till, or a sale in the same minute): the customer paid, the contents "
        "were not delivered twice. Refund or serve these customers.",
    )
    sold_twice = fields.Boolean(
        compute="_compute_sold_twice", store=True, help="A till sold it again."
    )

    @api.depends("pos_double_sale_line_ids")
    def _compute_sold_twice(self):
        for basket in self:
            basket.sold_twice = bool(basket.pos_double_sale_line_ids)

    # ------------------------------------------------------------ selling

    @api.model
    def _fm_product_vals(self, name, price, value):
        # Offered at the counter too.
        return dict(super()._fm_product_vals(name, price, value), available_in_pos=True)

    @api.model
    def _fm_product_off_sale_vals(self):
        return dict(super()._fm_product_off_sale_vals(), available_in_pos=False)

    def _fm_sold_quantity(self, order_line):
        if order_line._name == "pos.order.line":
            # The till sells one basket a line; extra units are recorded by
            # _fm_sell_pos, never refused (the customer has paid).
            return 1.0
        return super()._fm_sold_quantity(order_line)

    def _fm_customer(self, order_line):
        if order_line._name == "pos.order.line":
            return order_line.order_id.partner_id
        return super()._fm_customer(order_line)

    def _fm_sold_vals(self, order_line):
        if order_line._name == "pos.order.line":
            return {"pos_order_line_id": order_line.id}
        return super()._fm_sold_vals(order_line)

    def _fm_sell_pos(self, line):
        """Sell the basket on a paid till order line; idempotent.

        A till order is paid before it reaches the server: it is never
        refused. When the basket is already gone, the sale is recorded on
        the basket (``sold_twice``) and explained on the order's chatter.
        """
        self.ensure_one()
        self._fm_lock()
        # Read after the lock: a concurrent sync of the same order has committed.
        self.invalidate_recordset(["pos_order_line_id", "pos_double_sale_line_ids"])
        if line in self.pos_order_line_id | self.pos_double_sale_line_ids:
            return  # the same order synced again
        if self.state == "published":
            self._fm_sell(line)
            if float_compare(line.qty, 1.0, precision_digits=3) > 0:
                self._fm_record_double_sale(line)
        else:
            self._fm_record_double_sale(line)

    def _fm_record_double_sale(self, line):
        self.ensure_one()
        self.pos_double_sale_line_ids = [Command.link(line.id)]
        if line in self.pos_order_line_id:
            qty = f"{line.qty:g}"  # outside _(): extraction reads no code
            body = _(
                "Only one surprise basket %(basket)s exists, %(qty)s were paid: "
                "refund the extra ones.",
                basket=self.name,
                qty=qty,
            )
        else:
            states = dict(self._fields["state"]._description_selection(self.env))
            body = _(
                "The surprise basket %(basket)s was already sold (%(state)s) when "
                "this paid order reached the server: its contents were not "
                "delivered again. Refund the customer or give them something else.",
                basket=self.name,
                state=states[self.state],
            )
        line.order_id.message_post(body=body)
