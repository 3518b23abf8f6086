from odoo import fields, models, tools
from odoo.tools import SQL


class FlexiLoyaltyReportSale(models.Model):
    """Confirmed orders, members against non-members, and what rewards cost."""

    _name = "flexi.loyalty.report.sale"
    _description = "Loyalty Sales Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "order_id"

    order_id = fields.Many2one("sale.order", "Order", readonly=True)
    date = fields.Datetime("Order Date", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Team", readonly=True)
    is_member = fields.Boolean(
        "Member",
        readonly=True,
        help="The customer had an active membership when ordering.",
    )
    is_repeat = fields.Boolean(
        "Repeat Customer",
        readonly=True,
        help="The customer has more than one confirmed order.",
    )
    order_count = fields.Integer("Orders", readonly=True, aggregator="sum")
    amount_untaxed = fields.Monetary(
        "Revenue (Untaxed)", readonly=True, help="In the company's currency."
    )
    reward_cost = fields.Monetary(
        "Cost of Rewards",
        readonly=True,
        help="Untaxed amount taken off the order by loyalty rewards.",
    )
    repeat_rate = fields.Float(
        "Repeat Orders (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Share of the orders placed by customers who ordered more than once.",
    )

    def _flexi_query(self):
        """The view's SELECT; extend it to add columns."""
        rate = (
            "CASE WHEN COALESCE(so.currency_rate, 0) = 0 THEN 1 "
            "ELSE so.currency_rate END"
        )
        return f"""
            WITH orders AS (
                SELECT so.id, so.date_order, so.partner_id, so.company_id,
                       so.user_id, so.team_id,
                       so.amount_untaxed / {rate} AS amount_untaxed,
                       COALESCE(rw.amount, 0) / {rate} AS reward_cost,
                       COUNT(*) OVER (
                           PARTITION BY so.company_id, so.partner_id
                       ) AS partner_orders
                  FROM sale_order so
             LEFT JOIN (
                    SELECT order_id, -SUM(price_subtotal) AS amount
                      FROM sale_order_line
                     WHERE flexi_loyalty_reward_id IS NOT NULL
                  GROUP BY order_id
                   ) rw ON rw.order_id = so.id
                 WHERE so.state = 'sale'
            )
            SELECT o.id AS id,
                   o.id AS order_id,
                   o.date_order AS date,
                   o.partner_id,
                   o.company_id,
                   c.currency_id,
                   o.user_id,
                   o.team_id,
                   EXISTS (
                       SELECT 1
                         FROM flexi_loyalty_subscription s
                        WHERE s.partner_id = o.partner_id
                          AND s.company_id = o.company_id
                          AND s.state = 'active'
                          AND COALESCE(s.consent_date, s.create_date) <= o.date_order
                   ) AS is_member,
                   o.partner_orders > 1 AS is_repeat,
                   1 AS order_count,
                   o.amount_untaxed,
                   o.reward_cost,
                   CASE WHEN o.partner_orders > 1 THEN 100.0 ELSE 0.0 END AS repeat_rate
              FROM orders o
              JOIN res_company c ON c.id = o.company_id
        """

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._flexi_query()),
            )
        )
