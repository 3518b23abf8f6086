from odoo import api, fields, models


class FmMarketingUpliftReport(models.TransientModel):
    """Conversion of messaged and held-out customers of a campaign, one row
    per run day and group: the graph behind the campaign's uplift."""

    _name = "fm.marketing.uplift.report"
    _description = "Campaign Conversion by Run"
    _order = "run_date, customer_group"

    campaign_id = fields.Many2one("fm.marketing.campaign", required=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    run_date = fields.Date("Run", required=True)
    customer_group = fields.Selection(
        [("messaged", "Messaged"), ("held_out", "Held Out")], "Group", required=True
    )
    customer_count = fields.Integer("Customers", aggregator="sum")
    converted_count = fields.Integer("Who Ordered", aggregator="sum")
    conversion_rate = fields.Float(
        "Conversion (%)",
        digits=(16, 1),
        aggregator="avg",
        help="Share of the group's customers who ordered within the window.",
    )
    revenue = fields.Monetary(aggregator="sum")

    @api.model
    def _fm_build(self, campaign):
        """The rows of ``campaign``, computed now from its traces."""
        groups = campaign._fm_uplift_groups(by_run=True)
        return self.create(
            [
                {
                    "campaign_id": campaign.id,
                    "run_date": run_date,
                    "customer_group": "held_out" if held_out else "messaged",
                    "customer_count": customers,
                    "converted_count": converted,
                    "conversion_rate": round(100 * converted / customers, 1),
                    "revenue": campaign.currency_id.round(revenue),
                }
                for (run_date, held_out), (customers, converted, revenue) in sorted(
                    groups.items()
                )
            ]
        )
