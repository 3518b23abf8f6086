import logging
from zoneinfo import ZoneInfo

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from ..tools.baskets import basket_count, basket_price, compose

_logger = logging.getLogger(__name__)


class FmAntiwasteBasket(models.Model):
    """A surprise basket made of leftover near-expiry lots.

    Its contents are moved to the warehouse's "Anti-waste baskets" location
    (a done internal transfer): out of WH/Stock, they can be neither reserved
    by another delivery nor marked down again, and the stock stays exact.
    Selling the basket delivers them from there; dissolving moves them back.
    """

    _name = "fm.antiwaste.basket"
    _description = "Anti-Waste Surprise Basket"
    _order = "date desc, id"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, index=True)
    product_id = fields.Many2one("product.product", "Basket Product", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True)
    location_id = fields.Many2one("stock.location", "Basket Location", required=True)
    line_ids = fields.One2many("fm.antiwaste.basket.line", "basket_id", "Contents")
    value = fields.Float(
        compute="_compute_value",
        store=True,
        digits="Product Price",
        help="Contents at their normal price.",
    )
    price = fields.Float(digits="Product Price", required=True)
    state = fields.Selection(
        [
            ("published", "On Offer"),
            ("sold", "Sold"),
            ("dissolved", "Dissolved"),
        ],
        default="published",
        required=True,
        index=True,
    )
    sale_line_id = fields.Many2one("sale.order.line", readonly=True)
    picking_ids = fields.Many2many("stock.picking", string="Transfers", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.depends("line_ids.value")
    def _compute_value(self):
        for basket in self:
            basket.value = sum(basket.line_ids.mapped("value"))

    @api.constrains("price", "value")
    def _check_price(self):
        for basket in self:
            if basket.price <= 0:
                raise ValidationError(_("A basket price must be positive."))
            if float_compare(basket.price, basket.value, precision_digits=2) > 0:
                raise ValidationError(
                    _(
                        "The basket %(name)s would cost %(price)s, more than the "
                        "%(value)s its contents are worth.",
                        name=basket.name,
                        price=basket.price,
                        value=basket.value,
                    )
                )

    # ------------------------------------------------------------------
    # Settings
    # ------------------------------------------------------------------
    @api.model
    def _fm_param(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(f"fm_antiwaste.{key}")
        try:
            return float(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    @api.model
    def _fm_local_now(self, company, now):
        tz = ZoneInfo(company.partner_id.tz or self.env.user.tz or "UTC")
        return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)

    # ------------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------------
    @api.model
    def _cron_fm_antiwaste_baskets(self, now=None):
        """Propose baskets after the basket time, dissolve them after closing.

        Runs often; both steps do nothing when already done today.
        """
        now = now or fields.Datetime.now()
        basket_hour = self._fm_param("basket_hour", 18.0)
        closing_hour = self._fm_param("closing_hour", 21.0)
        for company in self.env["res.company"].search([]):
            local = self._fm_local_now(company, now)
            hour = local.hour + local.minute / 60.0
            today = local.date()
            baskets = self.with_company(company)
            if hour >= closing_hour:
                baskets._fm_dissolve_open(company)
            elif hour >= basket_hour and not baskets.search_count(
                [("company_id", "=", company.id), ("date", "=", today)], limit=1
            ):
                baskets._fm_propose(company, today, now)
        # baskets left from a previous day are never sold the next morning
        self.search(
            [("state", "=", "published"), ("date", "<", fields.Date.today())]
        )._fm_dissolve()

    @api.model
    def _fm_dissolve_open(self, company):
        self.search(
            [("company_id", "=", company.id), ("state", "=", "published")]
        )._fm_dissolve()

    @api.model
    def _fm_leftovers(self, company, now):
        """Near-expiry lots still on the shelf: those of the active markdowns."""
        markdowns = self.env["fm.antiwaste.markdown"]
        markdowns._fm_recompute(company, now)
        active = markdowns.search(
            [("company_id", "=", company.id), ("state", "=", "active")]
        )
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", active.lot_ids.ids),
                ("location_id.usage", "=", "internal"),
                ("location_id.fm_antiwaste_basket", "=", False),
                ("company_id", "=", company.id),
            ]
        )
        return quants.filtered(
            lambda q: (
                q.quantity - q.reserved_quantity >= 1
                and q.location_id.warehouse_id
                and q.lot_id.expiration_date > now
            )
        )

    @api.model
    def _fm_propose(self, company, today, now):
        quants = self._fm_leftovers(company, now)
        ratio = self._fm_param("basket_price_ratio", 0.4)
        target = self._fm_param("basket_target_value", 1000.0)
        baskets = self.browse()
        for warehouse in quants.location_id.warehouse_id:
            wh_quants = quants.filtered(
                lambda q, w=warehouse: q.location_id.warehouse_id == w
            )
            items = [
                {
                    "key": quant.id,
                    "quantity": quant.quantity - quant.reserved_quantity,
                    "unit_value": quant.product_id.lst_price,
                }
                for quant in wh_quants
            ]
            total = sum(i["unit_value"] * int(i["quantity"]) for i in items)
            composed = compose(items, basket_count(total, target))
            location = self.env["stock.location"]._fm_antiwaste_basket_location(
                warehouse
            )
            for index, content in enumerate(composed, start=1):
                baskets |= self._fm_create_basket(
                    company, warehouse, location, today, index, content, ratio
                )
        if baskets:
            baskets._fm_notify(now)
        return baskets

    @api.model
    def _fm_create_basket(
        self, company, warehouse, location, today, index, content, ratio
    ):
        quants = self.env["stock.quant"].browse(list(content["lines"]))
        name = _(
            "Anti-gaspi basket %(date)s #%(index)s",
            date=today.strftime("%d/%m"),
            index=index,
        )
        price = basket_price(content["value"], ratio)
        product = self.env["product.product"].create(
            self._fm_product_vals(name, price, content["value"])
        )
        basket = self.create(
            {
                "name": name,
                "company_id": company.id,
                "date": today,
                "warehouse_id": warehouse.id,
                "location_id": location.id,
                "product_id": product.id,
                "price": price,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": quant.product_id.id,
                            "lot_id": quant.lot_id.id,
                            "quantity": content["lines"][quant.id],
                            "unit_value": quant.product_id.lst_price,
                        }
                    )
                    for quant in quants
                ],
            }
        )
        basket._fm_move_contents(
            {q.lot_id.id: q.location_id for q in quants},
            location,
            _("Basket reservation"),
        )
        return basket

    @api.model
    def _fm_product_vals(self, name, price, value):
        return {
            "name": name,
            "type": "service",
            "list_price": price,
            "sale_ok": True,
            "purchase_ok": False,
            "is_published": True,
            "description_sale": _(
                "A surprise basket of fresh products close to their date, worth %s.",
                value,
            ),
            "invoice_policy": "order",
        }

    def _fm_move_contents(
        self, sources, destination, reason, partner=None, picking_type=None
    ):
        """One done transfer of the basket contents (lot by lot).

        ``sources``: {lot_id: location} or a single location for every lot.
        """
        self.ensure_one()
        picking_type = picking_type or self.warehouse_id.int_type_id
        first_source = (
            sources if not isinstance(sources, dict) else next(iter(sources.values()))
        )
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "location_id": first_source.id,
                "location_dest_id": destination.id,
                "partner_id": partner.id if partner else False,
                "origin": self.name,
                "move_ids": [
                    Command.create(
                        {
                            "name": f"{reason}: {self.name}",
                            "product_id": line.product_id.id,
                            "product_uom": line.product_id.uom_id.id,
                            "product_uom_qty": line.quantity,
                            "location_id": (
                                sources.get(line.lot_id.id, first_source)
                                if isinstance(sources, dict)
                                else sources
                            ).id,
                            "location_dest_id": destination.id,
                            "company_id": self.company_id.id,
                        }
                    )
                    for line in self.line_ids
                ],
            }
        )
        picking.action_confirm()
        for move, line in zip(picking.move_ids, self.line_ids, strict=True):
            move.move_line_ids.unlink()
            move.write(
                {
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "product_uom_id": line.product_id.uom_id.id,
                                "lot_id": line.lot_id.id,
                                "quantity": line.quantity,
                                "location_id": move.location_id.id,
                                "location_dest_id": destination.id,
                            }
                        )
                    ],
                    "picked": True,
                }
            )
        picking._action_done()
        self.picking_ids = [Command.link(picking.id)]
        return picking

    def _fm_dissolve(self):
        """Unsold baskets at closing: contents back to the shelf, product off sale."""
        for basket in self.filtered(lambda b: b.state == "published"):
            stock = basket.warehouse_id.lot_stock_id
            basket._fm_move_contents(basket.location_id, stock, _("Basket dissolved"))
            basket.state = "dissolved"
            basket.product_id.write(
                {"is_published": False, "sale_ok": False, "active": False}
            )

    def action_dissolve(self):
        self._fm_dissolve()

    # ------------------------------------------------------------------
    # Selling
    # ------------------------------------------------------------------
    def _fm_lock(self):
        """Row lock: two orders confirming the same basket wait for each other."""
        if self:
            self.env.cr.execute(
                "SELECT id FROM fm_antiwaste_basket WHERE id IN %s FOR UPDATE",
                (tuple(self.ids),),
            )
            self.invalidate_recordset(["state"])

    def _fm_sell(self, order_line):
        """Sell the basket on ``order_line`` (a sale order line by default).

        The selling document is read through small hooks (quantity, customer,
        the field linking it) so another channel, e.g. the POS, reuses the
        lock, the delivery and the unpublishing.
        """
        self.ensure_one()
        self._fm_lock()
        if self.state != "published" or self._fm_sold_quantity(order_line) > 1:
            raise UserError(
                _(
                    "The surprise basket %s is no longer available; each basket "
                    "can be sold once.",
                    self.name,
                )
            )
        self._fm_deliver(order_line)
        self.write({"state": "sold", **self._fm_sold_vals(order_line)})
        self.product_id.write(self._fm_product_off_sale_vals())

    def _fm_sold_quantity(self, order_line):
        return order_line.product_uom_qty

    def _fm_customer(self, order_line):
        return order_line.order_id.partner_shipping_id

    def _fm_sold_vals(self, order_line):
        """What links the basket to the document that sold it."""
        return {"sale_line_id": order_line.id}

    def _fm_deliver(self, order_line):
        self.ensure_one()
        customers = self.env.ref("stock.stock_location_customers")
        return self._fm_move_contents(
            self.location_id,
            customers,
            _("Basket sold"),
            partner=self._fm_customer(order_line),
            picking_type=self.warehouse_id.out_type_id,
        )

    @api.model
    def _fm_product_off_sale_vals(self):
        return {"is_published": False, "sale_ok": False}

    # ------------------------------------------------------------------
    # Alerts
    # ------------------------------------------------------------------
    def _fm_notify(self, now=None):
        """Hook: tell customers that baskets were proposed at ``now``.

        Nothing here; fm_antiwaste_marketing (installed with fm_marketing)
        sends the evening SMS through a marketing campaign.
        """
        return None
