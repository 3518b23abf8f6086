import logging

from odoo import models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.misc import babel_locale_parse

from ..tools import slot_choice

_logger = logging.getLogger(__name__)


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    def _fm_cc_points(self, company=None):
        """Active pickup points of this in-store method: those of its stores
        (of ``company`` only, when given)."""
        self.ensure_one()
        if self.delivery_type != "in_store":
            return self.env["fm.click_collect.point"]
        domain = [("warehouse_id", "in", self.warehouse_ids.ids)]
        if company is not None:
            domain.append(("company_id", "=", company.id))
        return self.env["fm.click_collect.point"].search(domain)

    def _fm_cc_point_choices(self, order):
        """The points of this method a customer can pick from at checkout
        without the map: name, address and opening hours, in the customer's
        language."""
        self.ensure_one()
        # sudo: pickup points, their address and hours are public information.
        points = self.sudo()._fm_cc_points(company=order.company_id)
        locale = babel_locale_parse(self.env.lang or "en_US")
        return [
            {
                "id": point.id,
                "name": point.name,
                "address": ", ".join(
                    part
                    for part in (
                        point.partner_id.street,
                        " ".join(
                            p
                            for p in (point.partner_id.zip, point.partner_id.city)
                            if p
                        ),
                    )
                    if part
                ),
                "phone": point.partner_id.phone or "",
                "hours": slot_choice.opening_hours_lines(
                    point._fm_weekly_windows(), locale
                ),
                "selected": order.fm_cc_point_id == point,
            }
            for point in points
        ]

    def _in_store_get_close_locations(self, partner_address, product_id=None):
        """Offer the configured pickup points (stores and partner points) in
        website_sale_collect's payload, by distance; without points, Odoo's
        warehouse list is unchanged."""
        website = request and getattr(request, "website", None)
        company = website.company_id if website else self.env.company
        points = self.sudo()._fm_cc_points(company=company)
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
        try:
            partner_address.geo_localize()
        except UserError:
            # The map service cannot be reached (no internet, quota): our
            # points are still offered, unsorted, rather than none at all.
            _logger.info("Pickup points offered without geolocation.", exc_info=True)
        order = website.sale_get_order() if website and not product else None
        locations = [
            point._fm_pickup_location_values(
                partner_address, product=product, order=order
            )
            for point in points
        ]
        return sorted(locations, key=lambda loc: loc["distance"])
