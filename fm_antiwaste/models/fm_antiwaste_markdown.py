import logging
from collections import defaultdict

from odoo import Command, _, api, fields, models
from odoo.tools import SQL, float_compare

from ..tools.ladder import markdown_steps

_logger = logging.getLogger(__name__)


class FmAntiwasteMarkdown(models.Model):
    """One product marked down because some of its lots expire soon.

    The price itself is a pricelist item per pricelist in use, so the shop,
    sale orders (and the POS when installed) all charge the same. Only
    ``quantity`` units (the unreserved units of ``lot_ids``) are sold at that
    price: ``qty_remaining`` is read live from the quants, so when the lots
    are reserved, sold, scrapped or expire, the markdown ends by itself.
    """

    _name = "fm.antiwaste.markdown"
    _description = "Anti-Waste Markdown"
    _order = "date_from desc, id desc"
    _rec_name = "product_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    categ_id = fields.Many2one(related="product_id.categ_id", store=True)
    lot_ids = fields.Many2many("stock.lot", string="Lots")
    rule_id = fields.Many2one("fm.antiwaste.rule", ondelete="set null")
    discount = fields.Float("Discount (%)", digits=(5, 2), required=True)
    days_left = fields.Integer()
    expiration_date = fields.Datetime("Expires", help="Earliest lot expiry.")
    quantity = fields.Float(
        "Marked-Down Quantity",
        digits="Product Unit of Measure",
        help="Units of the near-expiry lots available when last computed.",
    )
    qty_remaining = fields.Float(
        "Units Left",
        compute="_compute_qty_remaining",
        digits="Product Unit of Measure",
        help="Unreserved, unexpired units of the lots, right now.",
    )
    date_from = fields.Datetime("From", required=True)
    date_to = fields.Datetime("To", required=True)
    state = fields.Selection(
        [("active", "Active"), ("done", "Ended")],
        default="active",
        required=True,
        index=True,
    )
    pricelist_item_ids = fields.One2many(
        "product.pricelist.item", "fm_antiwaste_markdown_id", "Pricelist Items"
    )
    list_price = fields.Float(related="product_id.lst_price", string="Normal Price")

    @api.depends("lot_ids", "state")
    def _compute_qty_remaining(self):
        remaining = self._fm_remaining_by_markdown()
        for markdown in self:
            markdown.qty_remaining = remaining.get(markdown.id, 0.0)

    def _fm_remaining_by_markdown(self):
        """{markdown id: units left} of the active markdowns among these."""
        # Read in SQL with the units: the shop asks for every running markdown.
        ids = tuple(mid for mid in self.ids if isinstance(mid, int))
        if not ids:
            return {}
        self.flush_model(["state", "lot_ids"])
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT rel.fm_antiwaste_markdown_id,
                       SUM(q.quantity - q.reserved_quantity)
                  FROM fm_antiwaste_markdown_stock_lot_rel rel
                  JOIN fm_antiwaste_markdown md
                    ON md.id = rel.fm_antiwaste_markdown_id AND md.state = 'active'
                  JOIN stock_quant q ON q.lot_id = rel.stock_lot_id
                  JOIN stock_location loc ON loc.id = q.location_id
                  JOIN stock_lot lot ON lot.id = q.lot_id
                 WHERE rel.fm_antiwaste_markdown_id IN %s
                   AND loc.usage = 'internal'
                   AND NOT COALESCE(loc.fm_antiwaste_basket, FALSE)
                   AND lot.expiration_date > %s
                 GROUP BY rel.fm_antiwaste_markdown_id
                """,
                ids,
                fields.Datetime.now(),
            )
        )
        return {mid: max(0.0, qty or 0.0) for mid, qty in self.env.cr.fetchall()}

    def _fm_lock(self):
        """Row-lock these markdowns until the end of the transaction, and touch them.

        A sale takes this lock before reading the units left. The touch makes
        a concurrent sale that read them before this one committed fail to
        serialize (Odoo retries it, and the retry sees the units this one
        reserved) rather than wait and sell the same units again.
        """
        if not self:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE fm_antiwaste_markdown SET write_date = %s
                 WHERE id IN (SELECT id FROM fm_antiwaste_markdown
                               WHERE id IN %s ORDER BY id FOR NO KEY UPDATE)
                """,
                self.env.cr.now(),
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["write_date"])

    def _fm_shop_tz(self):
        """The time zone the shop's dates are told in (its company's)."""
        self.ensure_one()
        return self.company_id.partner_id.tz or "UTC"

    def _fm_price_label(self):
        self.ensure_one()
        discount = f"{self.discount:g}"  # outside _(): extraction reads no code
        return _("Anti-gaspi -%s %%", discount)

    # ------------------------------------------------------------------
    # Recompute
    # ------------------------------------------------------------------
    @api.model
    def _cron_fm_antiwaste_recompute(self):
        for company in self.env["res.company"].search([]):
            self.with_company(company)._fm_recompute(company)
        self.env["stock.move"]._fm_unreserve_expired()

    @api.model
    def _fm_near_expiry_stock(self, company, now, horizon):
        """Unreserved units per (product, lot) expiring between now and horizon."""
        self.env["stock.quant"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT q.product_id, q.lot_id, lot.expiration_date,
                       SUM(q.quantity - q.reserved_quantity)
                  FROM stock_quant q
                  JOIN stock_lot lot ON lot.id = q.lot_id
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE loc.usage = 'internal'
                   AND NOT COALESCE(loc.fm_antiwaste_basket, FALSE)
                   AND q.company_id = %s
                   AND lot.expiration_date > %s
                   AND lot.expiration_date < %s
                 GROUP BY q.product_id, q.lot_id, lot.expiration_date
                HAVING SUM(q.quantity - q.reserved_quantity) > 0
                """,
                company.id,
                now,
                horizon,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _fm_proposals(self, company, now):
        """The markdowns the ladder asks for now: {(product_id, discount): vals}."""
        rules = self.env["fm.antiwaste.rule"].search([("company_id", "=", company.id)])
        if not rules:
            return {}
        rule_dicts = rules._fm_as_dicts()
        max_days = max(r["days_left"] for r in rule_dicts)
        horizon = fields.Datetime.add(now, days=max_days + 2)
        tz = company.partner_id.tz or self.env.user.tz or "UTC"
        rows = self._fm_near_expiry_stock(company, now, horizon)
        # The category chain of each product, closest first (a category rule
        # applies to its subcategories too).
        products = self.env["product.product"].browse({row[0] for row in rows})
        categ_path = {}
        for product in products:
            path = product.categ_id.parent_path or ""
            categ_path[product.id] = tuple(
                reversed([int(i) for i in path.split("/") if i])
            )
        return markdown_steps(rows, rule_dicts, categ_path, now, tz)

    @api.model
    def _fm_recompute(self, company, now=None):
        """Create, update and end the markdowns of ``company``; idempotent."""
        now = now or fields.Datetime.now()
        proposals = self._fm_proposals(company, now)
        current = self.search(
            [("company_id", "=", company.id), ("state", "=", "active")]
        )
        by_step = defaultdict(self.browse)
        for markdown in current:
            by_step[(markdown.product_id.id, round(markdown.discount, 2))] |= markdown
        to_end = self.browse()
        to_create = []
        for key, markdowns in by_step.items():
            vals = proposals.pop(key, None)
            keep = markdowns[:1]
            to_end |= markdowns[1:]
            if not vals:
                to_end |= keep
                continue
            keep._fm_update(vals)
            keep._fm_create_pricelist_items()
        to_end._fm_end()
        for (product_id, _discount), vals in proposals.items():
            to_create.append(
                {
                    "company_id": company.id,
                    "product_id": product_id,
                    "rule_id": vals["rule_id"],
                    "discount": vals["discount"],
                    "days_left": vals["days_left"],
                    "lot_ids": [Command.set(vals["lot_ids"])],
                    "quantity": vals["quantity"],
                    "expiration_date": vals["expiration_date"],
                    "date_from": now,
                    "date_to": vals["date_to"],
                }
            )
        created = self.create(to_create)
        created._fm_create_pricelist_items()
        return created

    def _fm_update(self, vals):
        self.ensure_one()
        changes = {}
        if set(self.lot_ids.ids) != set(vals["lot_ids"]):
            changes["lot_ids"] = [Command.set(vals["lot_ids"])]
        for key in ("quantity", "days_left", "expiration_date", "date_to", "rule_id"):
            old = self[key].id if key == "rule_id" else self[key]
            if old != vals[key]:
                changes[key] = vals[key]
        if changes:
            self.write(changes)
        if "date_to" in changes:
            self.pricelist_item_ids.write({"date_end": self.date_to})

    def _fm_end(self):
        if not self:
            return
        self.pricelist_item_ids.unlink()
        self.write({"state": "done", "date_to": fields.Datetime.now()})

    @api.model
    def _fm_pricelists(self, company):
        """The pricelists customers are charged with in ``company``."""
        return self.env["product.pricelist"].search(
            [("company_id", "in", (False, company.id))]
        )

    def _fm_create_pricelist_items(self, pricelists=None):
        """Give each markdown its price on the company's pricelists lacking it.

        Idempotent: a pricelist created after the markdown (e.g. when the
        shop turns pricelists on) gets the markdown price too.
        """
        vals_list = []
        for company in self.company_id:
            company_pricelists = self._fm_pricelists(company)
            if pricelists is not None:
                company_pricelists &= pricelists
            for markdown in self.filtered(lambda m, c=company: m.company_id == c):
                has_price = markdown.pricelist_item_ids.pricelist_id
                for pricelist in company_pricelists - has_price:
                    vals_list.append(markdown._fm_pricelist_item_vals(pricelist))
        self.env["product.pricelist.item"].create(vals_list)

    def _fm_pricelist_item_vals(self, pricelist):
        self.ensure_one()
        return {
            "pricelist_id": pricelist.id,
            "applied_on": "0_product_variant",
            "product_id": self.product_id.id,
            "product_tmpl_id": self.product_id.product_tmpl_id.id,
            "compute_price": "percentage",
            "percent_price": self.discount,
            "base": "list_price",
            "date_start": self.date_from,
            "date_end": self.date_to,
            "fm_antiwaste_markdown_id": self.id,
        }

    def action_recompute(self):
        """Button and menu: recompute now instead of waiting for the cron."""
        self.env["fm.antiwaste.markdown"]._fm_recompute(self.env.company)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _("Anti-waste markdowns recomputed."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _fm_running_domain(self, company):
        now = fields.Datetime.now()
        return [
            ("company_id", "=", company.id),
            ("state", "=", "active"),
            ("date_from", "<=", now),
            ("date_to", ">", now),
        ]

    @api.model
    def _fm_active_for_products(self, products, company=None):
        """{product_id: markdown} of the products marked down right now."""
        company = company or self.env.company
        return self.search(
            [("product_id", "in", products.ids), *self._fm_running_domain(company)]
        )._fm_selling_by_product()

    def _fm_selling_by_product(self):
        """{product_id: markdown} of these markdowns that have units left.

        When lots of a product sit on several steps of the ladder, the deepest
        discount with units left is the one the pricelist charges first.
        """
        # Units left read as numbers, not through the field: /shop counts
        # every running markdown, and assigning thousands of computed floats
        # costs more than the query.
        remaining = self._fm_remaining_by_markdown()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        best = {}
        for markdown in self.sorted(lambda m: (-m.discount, m.id)):
            units = remaining.get(markdown.id, 0.0)
            if float_compare(units, 0.0, precision_digits=digits) > 0:
                best.setdefault(markdown.product_id.id, markdown)
        return best
