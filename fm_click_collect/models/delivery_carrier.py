from odoo import models
from odoo.http import request


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _fm_cc_points(self):
        """Active pickup points of this in-store method: those of its stores."""
        self.ensure_one()
        if self.delivery_type != "in_store":
            return self.env["fm.click_collect.point"]
        return self.env["fm.click_collect.point"].search(
            [("warehouse_id", "in", self.warehouse_ids.ids)]
        )

    def _in_store_get_close_locations(self, partner_address, product_id=None):
        """Offer the configured pickup points (stores and partner points) in
        website_sale_collect's payload, by distance; without points, Odoo's
        warehouse list is unchanged."""
        points = self.sudo()._fm_cc_points()
        if not points:
            return super()._in_store_get_close_locations(
                partner_address, product_id=product_id
            )
        try:
            product = (
                self.env["product.product"].browse(int(product_id))
                if product_id
                else None
            )
        except ValueError:
            product = None
        partner_address.geo_localize()
        order = None if product else request.website.sale_get_order()
        locations = [
            point._fm_pickup_location_values(
                partner_address, product=product, order=order
            )
            for point in points
        ]
        return sorted(locations, key=lambda loc: loc["distance"])
