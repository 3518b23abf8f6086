from odoo import fields, models, tools
from odoo.tools import SQL


class FmAntiwasteReport(models.Model):
    """What the anti-waste features recovered, against what was thrown away."""

    _name = "fm.antiwaste.report"
    _description = "Anti-Waste Dashboard"
    _auto = False
    _order = "date desc"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    kind = fields.Selection(
        [
            ("markdown", "Sold Marked Down"),
            ("basket", "Sold in Baskets"),
            ("scrap", "Scrapped"),
        ],
        readonly=True,
    )
    recovered = fields.Float("Value Recovered", readonly=True, aggregator="sum")
    scrapped = fields.Float("Value Scrapped", readonly=True, aggregator="sum")
    quantity = fields.Float(readonly=True, aggregator="sum")

    def _fm_query(self):
        # Baskets: the price is spread over the contents by their value, so
        # each category gets its share of what the basket brought in.
        return SQL(
            """
            SELECT sol.id * 3 AS id, so.date_order::date AS date, so.company_id,
                   pt.categ_id, sol.product_id, 'markdown' AS kind,
                   sol.fm_antiwaste_qty * sol.fm_antiwaste_unit_price AS recovered,
                   0.0 AS scrapped, sol.fm_antiwaste_qty AS quantity
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE so.state = 'sale' AND sol.fm_antiwaste_qty > 0
            UNION ALL
            SELECT bl.id * 3 + 1, b.date, b.company_id, pt.categ_id, bl.product_id,
                   'basket',
                   CASE WHEN b.value > 0 THEN bl.value / b.value * b.price ELSE 0 END,
                   0.0, bl.quantity
              FROM fm_antiwaste_basket_line bl
              JOIN fm_antiwaste_basket b ON b.id = bl.basket_id
              JOIN product_product pp ON pp.id = bl.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE b.state = 'sold'
            UNION ALL
            SELECT s.id * 3 + 2, s.date_done::date, s.company_id, pt.categ_id,
                   s.product_id, 'scrap', 0.0,
                   COALESCE((SELECT -SUM(svl.value)
                               FROM stock_valuation_layer svl
                               JOIN stock_move m ON m.id = svl.stock_move_id
                              WHERE m.scrap_id = s.id), 0.0),
                   s.scrap_qty
              FROM stock_scrap s
              JOIN product_product pp ON pp.id = s.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE s.state = 'done'
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._fm_query(),
            )
        )
