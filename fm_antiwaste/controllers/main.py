from odoo import http
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale


class FmAntiwasteShop(http.Controller):
    @http.route(
        "/shop/antigaspi", type="http", auth="public", website=True, sitemap=True
    )
    def antigaspi(self, **kwargs):
        """Today's anti-waste offers: marked-down products and surprise baskets."""
        markdowns = request.website._fm_antiwaste_offers()
        # sudo: visitors may not read baskets; only published ones are shown.
        baskets = (
            request.env["fm.antiwaste.basket"]
            .sudo()
            .search(
                [
                    ("state", "=", "published"),
                    ("company_id", "=", request.website.company_id.id),
                ]
            )
        )
        return request.render(
            "fm_antiwaste.antigaspi_page",
            {"markdowns": markdowns, "baskets": baskets},
        )


class FmAntiwasteWebsiteSale(WebsiteSale):
    def _get_shop_payment_values(self, order, **kwargs):
        # The payment page shows what will be charged: marked-down units sold
        # to others since the cart was priced are charged as the cap says.
        if order:
            order._fm_antiwaste_refresh_prices()
        return super()._get_shop_payment_values(order, **kwargs)
