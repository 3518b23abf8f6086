from odoo import http
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale


class FmAntiwasteShop(http.Controller):
    # Offers per page, as a shop page of Odoo's.
    _fm_antigaspi_per_page = 24

    @http.route(
        ["/shop/antigaspi", "/shop/antigaspi/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        sitemap=True,
    )
    def antigaspi(self, page=1, **kwargs):
        """Today's anti-waste offers: marked-down products, a page at a
        time, and surprise baskets."""
        website = request.website
        offers = website._fm_antiwaste_offers()
        per_page = self._fm_antigaspi_per_page
        pager = website.pager(
            url="/shop/antigaspi", total=len(offers), page=page, step=per_page
        )
        # A set of its own: the units left shown are computed for this page
        # only, not for every offer the slice would prefetch.
        start = pager["offset"]
        markdowns = offers.browse(offers[start : start + per_page].ids)
        templates = markdowns.product_id.product_tmpl_id
        # sudo: visitors may not read baskets; only published ones are shown.
        baskets = (
            request.env["fm.antiwaste.basket"]
            .sudo()
            .search(
                [
                    ("state", "=", "published"),
                    ("company_id", "=", website.company_id.id),
                ]
            )
        )
        return request.render(
            "fm_antiwaste.antigaspi_page",
            {
                "markdowns": markdowns,
                "pager": pager,
                # One pricelist computation for the page, not one per card.
                "prices": templates._get_sales_prices(website) if templates else {},
                "baskets": baskets if pager["page"]["num"] == 1 else baskets.browse(),
                "has_offers": bool(offers or baskets),
            },
        )


class FmAntiwasteWebsiteSale(WebsiteSale):
    def _get_shop_payment_values(self, order, **kwargs):
        # The payment page shows what will be charged: marked-down units sold
        # to others since the cart was priced are charged as the cap says.
        if order:
            order._fm_antiwaste_refresh_prices()
        return super()._get_shop_payment_values(order, **kwargs)
