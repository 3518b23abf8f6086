from odoo import fields, models, tools
from odoo.tools import SQL


class FmAntiwasteExpiryReport(models.Model):
    """Stock by expiry date, with how fast each product sells.

    One row per quant of a lot with an expiration date in an internal
    location. Sales are the done deliveries to customers (baskets included)
    of the product over the last 7 and 28 days; the days of stock count the
    quantity that goes out before this lot's last unit in FEFO order (this lot
    and those expiring earlier), so a lot is at risk when it would still be on
    the shelf at its expiration date at the current pace.
    """

    _name = "fm.antiwaste.expiry.report"
    _description = "Anti-Waste Stock by Expiry Date"
    _auto = False
    _order = "at_risk desc, expiration_date, product_id, id"

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    lot_id = fields.Many2one("stock.lot", "Lot/Serial Number", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    product_uom_id = fields.Many2one("uom.uom", "Unit", readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    use_date = fields.Datetime(
        "Best Before Date",
        readonly=True,
        help="The best-before date of the lot (DDM): after it, the product "
        "may be sold but is no longer at its best.",
    )
    quantity = fields.Float(
        readonly=True, digits="Product Unit of Measure", aggregator="sum"
    )
    reserved_quantity = fields.Float(
        readonly=True, digits="Product Unit of Measure", aggregator="sum"
    )
    # Product-level figures repeat on each lot of the product: never summed.
    sold_7d = fields.Float(
        "Sold (7 days)",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="max",
        help="Units of the product delivered to customers over the last 7 days.",
    )
    sold_28d = fields.Float(
        "Sold (28 days)",
        readonly=True,
        digits="Product Unit of Measure",
        aggregator="max",
        help="Units of the product delivered to customers over the last 28 days.",
    )
    daily_sales = fields.Float(
        readonly=True,
        digits=(16, 2),
        aggregator="max",
        help="Average units delivered per day over the last 28 days.",
    )
    days_of_stock = fields.Float(
        "Days of Stock",
        readonly=True,
        digits=(16, 1),
        aggregator="max",
        help="Days needed to sell this lot and the lots expiring before it at "
        "the average daily sales. Empty when the product did not sell.",
    )
    at_risk = fields.Boolean(
        "At Risk",
        readonly=True,
        help="At the current pace, part of the lot will still be in stock at "
        "its expiration date (or the product did not sell for 28 days).",
    )

    def _fm_query(self):
        # Naive UTC like every Odoo datetime column.
        return SQL(
            """
            WITH sales AS (
                SELECT sml.product_id, sml.company_id,
                       SUM(sml.quantity_product_uom) FILTER (
                           WHERE sml.date >= (now() AT TIME ZONE 'UTC')
                                             - interval '7 days'
                       ) AS sold_7d,
                       SUM(sml.quantity_product_uom) AS sold_28d
                  FROM stock_move_line sml
                  JOIN stock_location src ON src.id = sml.location_id
                  JOIN stock_location dst ON dst.id = sml.location_dest_id
                 WHERE sml.state = 'done'
                   AND src.usage = 'internal'
                   AND dst.usage = 'customer'
                   AND sml.date >= (now() AT TIME ZONE 'UTC') - interval '28 days'
                 GROUP BY sml.product_id, sml.company_id
            ), stock AS (
                SELECT q.id, q.company_id, q.product_id, q.lot_id, q.location_id,
                       q.quantity, q.reserved_quantity, lot.expiration_date,
                       lot.use_date,
                       SUM(q.quantity) OVER (
                           PARTITION BY q.product_id, q.company_id
                           ORDER BY lot.expiration_date, q.id
                       ) AS fefo_quantity
                  FROM stock_quant q
                  JOIN stock_lot lot ON lot.id = q.lot_id
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE loc.usage = 'internal'
                   AND lot.expiration_date IS NOT NULL
                   AND q.quantity > 0
            )
            SELECT s.id, s.company_id, s.product_id, pt.categ_id, s.lot_id,
                   s.location_id, pt.uom_id AS product_uom_id,
                   s.expiration_date, s.use_date, s.quantity, s.reserved_quantity,
                   COALESCE(sa.sold_7d, 0.0) AS sold_7d,
                   COALESCE(sa.sold_28d, 0.0) AS sold_28d,
                   COALESCE(sa.sold_28d, 0.0) / 28.0 AS daily_sales,
                   s.fefo_quantity / (NULLIF(sa.sold_28d, 0.0) / 28.0)
                       AS days_of_stock,
                   COALESCE(
                       (now() AT TIME ZONE 'UTC')
                       + s.fefo_quantity / (NULLIF(sa.sold_28d, 0.0) / 28.0)
                         * interval '1 day'
                       > s.expiration_date,
                       TRUE
                   ) AS at_risk
              FROM stock s
              JOIN product_product pp ON pp.id = s.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
              LEFT JOIN sales sa ON sa.product_id = s.product_id
                                AND sa.company_id = s.company_id
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
