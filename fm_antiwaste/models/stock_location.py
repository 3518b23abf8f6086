from odoo import _, api, fields, models


class StockLocation(models.Model):
    _inherit = "stock.location"

    fm_antiwaste_basket = fields.Boolean(
        "Anti-Waste Baskets",
        help="Holds the contents of the surprise baskets on offer: outside the "
        "warehouse stock location, so ordinary deliveries cannot reserve them.",
    )

    @api.model
    def _fm_antiwaste_basket_location(self, warehouse):
        location = self.search(
            [
                ("fm_antiwaste_basket", "=", True),
                ("warehouse_id", "=", warehouse.id),
            ],
            limit=1,
        )
        if not location:
            location = self.create(
                {
                    "name": _("Anti-waste baskets"),
                    "usage": "internal",
                    "location_id": warehouse.view_location_id.id,
                    "company_id": warehouse.company_id.id,
                    "fm_antiwaste_basket": True,
                }
            )
        return location
