import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..controllers.main import FmAntiwasteShop
from .common import FmAntiwasteCommon


@tagged("post_install", "-at_install")
class TestWebsite(HttpCase, FmAntiwasteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.website.company_id = cls.company
        cls.env["fm.antiwaste.rule"].search([]).unlink()
        # The shop runs at the real current time: a lot expiring tomorrow evening.
        now = fields.Datetime.now().replace(microsecond=0)
        cls.rule = cls.env["fm.antiwaste.rule"].create(
            {"days_left": 1, "discount": 30.0}
        )
        midnight = now.replace(hour=0, minute=0, second=0)
        cls._lot(cls.salad, midnight + timedelta(days=1, hours=20), 3)
        cls._lot(cls.salad, midnight + timedelta(days=20), 10, name="FRESH")
        cls.markdown = cls.env["fm.antiwaste.markdown"]._fm_recompute(cls.company, now)

    def _visitor_cart_line(self):
        order = self.env["sale.order"].search(
            [
                ("website_id", "=", self.website.id),
                ("order_line.product_id", "=", self.salad.id),
            ]
        )
        self.assertEqual(len(order), 1)
        return order.order_line.filtered(lambda ln: ln.product_id == self.salad)

    def test_shop_shows_badge_crossed_out_price_and_units_at_this_price(self):
        self.assertTrue(self.markdown)
        # search: with demo data the salad may not be on the first page
        html = self.url_open("/shop?search=Salade").text
        self.assertIn("Anti-gaspi -30 %", html)
        self.assertRegex(html, r"3\s+at this price")
        self.assertNotRegex(html, r"3\s+left")
        self.assertRegex(html, r"(?s)<del[^>]*>\s*<em[^>]*>[^/]*?100\.00")

    def test_shop_page_reads_the_offers_once_for_all_its_cards(self):
        # Three marked-down products on the page: still one read for the
        # cards (and one for the banner), not one per card.
        now = fields.Datetime.now().replace(microsecond=0, second=0)
        tomorrow = now.replace(hour=0, minute=0) + timedelta(days=1)
        for name in ("Salade César", "Salade grecque"):
            self._lot(self._product(name, 80.0), tomorrow, 2)
        self.env["fm.antiwaste.markdown"]._fm_recompute(self.company, now)
        Markdown = type(self.env["fm.antiwaste.markdown"])
        with patch.object(
            Markdown,
            "_fm_active_for_products",
            autospec=True,
            side_effect=Markdown._fm_active_for_products,
        ) as reads:
            html = self.url_open("/shop?search=Salade").text
        self.assertEqual(html.count("Anti-gaspi -30 %"), 3)
        self.assertLessEqual(reads.call_count, 2)

    def test_shop_links_to_the_antigaspi_page(self):
        html = self.url_open("/shop").text
        self.assertRegex(
            html,
            r'href="/shop/antigaspi"[^>]*o_fm_antigaspi_banner|o_fm_antigaspi_banner[^>]*href="/shop/antigaspi"',
        )
        self.assertRegex(html, r"1\s+product\(s\) at a reduced price today")

    def test_shop_has_no_banner_without_offers(self):
        self.markdown._fm_end()
        self.assertNotIn("o_fm_antigaspi_banner", self.url_open("/shop").text)

    def test_antigaspi_page_cards_show_image_prices_expiry_and_add_to_cart(self):
        html = self.url_open("/shop/antigaspi").text
        self.assertRegex(html, r"<title>\s*Anti-waste offers \|")
        self.assertIn("Salade niçoise", html)
        self.assertIn("Anti-gaspi -30 %", html)
        self.assertIn(f"/web/image/product.product/{self.salad.id}/image_512", html)
        self.assertRegex(html, r"(?s)o_fm_antigaspi_price[^>]*>.*?70\.00")
        self.assertRegex(html, r"(?s)<del[^>]*o_fm_antigaspi_base_price.*?100\.00")
        expiry = self.markdown.expiration_date + timedelta(hours=1)  # Algiers
        self.assertIn(f"Expires on {expiry:%m/%d/%Y}", html)
        self.assertRegex(
            html,
            rf'name="product_id" value="{self.salad.id}"[^<]*>\s*<input[^>]*add_qty',
        )

    def test_antigaspi_page_title_and_heading_follow_the_website_language(self):
        french = self.env["res.lang"]._activate_lang("fr_FR")
        self.website.language_ids |= french
        self.env.ref("fm_antiwaste.antigaspi_page").update_field_translations(
            "arch_db",
            {
                "fr_FR": {
                    "Anti-waste offers": "Offres anti-gaspi",
                    "Today's anti-waste offers": "Les offres anti-gaspi du jour",
                }
            },
        )
        html = self.url_open(f"/{french.url_code}/shop/antigaspi").text
        self.assertRegex(html, r"<title>\s*Offres anti-gaspi \|")
        self.assertIn("Les offres anti-gaspi du jour", html)

    def test_unpublished_product_is_neither_listed_nor_counted(self):
        self.salad.is_published = False
        html = self.url_open("/shop/antigaspi").text
        self.assertNotIn("Salade niçoise", html)
        self.assertNotIn("o_fm_antigaspi_banner", self.url_open("/shop").text)

    def test_product_page_shows_units_at_this_price_and_expiry(self):
        html = self.url_open(self.salad.product_tmpl_id.website_url).text
        self.assertRegex(html, r"3\s+at this price")
        self.assertIn("Expires on", html)

    def test_antigaspi_page_is_paged_like_the_shop(self):
        # Two offers, one per page: a big shop's offers come page by page.
        now = fields.Datetime.now().replace(microsecond=0, second=0)
        quiche = self._product("Quiche lorraine", 80.0)
        self._lot(quiche, now.replace(hour=0, minute=0) + timedelta(days=1), 2)
        self.env["fm.antiwaste.markdown"]._fm_recompute(self.company, now)
        with patch.object(FmAntiwasteShop, "_fm_antigaspi_per_page", 1):
            first = self.url_open("/shop/antigaspi").text
            second = self.url_open("/shop/antigaspi/page/2").text
        self.assertEqual(first.count("o_fm_antigaspi_offer"), 1)
        self.assertEqual(second.count("o_fm_antigaspi_offer"), 1)
        self.assertIn('href="/shop/antigaspi/page/2"', first)
        names = ("Salade niçoise", "Quiche lorraine")
        shown = [next(n for n in names if n in page) for page in (first, second)]
        self.assertCountEqual(shown, names)
        # Its price on its card, the pricelist's: 80 - 30 %.
        self.assertRegex(
            second if "Quiche" in second else first,
            r"(?s)o_fm_antigaspi_price[^>]*>.*?56\.00",
        )

    def test_sold_out_step_leaves_the_page(self):
        self.env["stock.quant"]._update_available_quantity(
            self.salad, self.stock, -3, lot_id=self.markdown.lot_ids
        )
        html = self.url_open("/shop/antigaspi").text
        self.assertNotIn("o_fm_antigaspi_offer", html)
        self.assertIn("No anti-waste offer right now", html)

    def test_tour_visitor_adds_a_marked_down_salad_to_the_cart(self):
        self.start_tour("/shop", "fm_antiwaste_shop_tour")
        line = self._visitor_cart_line()
        self.assertEqual(line.product_uom_qty, 1)
        self.assertEqual(line.fm_antiwaste_markdown_id, self.markdown)
        self.assertAlmostEqual(line.price_unit, 70.0)
        self.assertAlmostEqual(line.order_id.amount_total, 70.0)

    def test_attack_visitor_adds_more_than_the_marked_down_units(self):
        page = self.url_open("/shop/antigaspi").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/shop/cart/update",
            data={"csrf_token": token, "product_id": self.salad.id, "add_qty": 5},
        )
        self.assertEqual(response.status_code, 200)
        line = self._visitor_cart_line()
        # 3 units at 70, the 2 others at the normal price: 410, not 350.
        self.assertEqual(line.fm_antiwaste_qty, 3)
        self.assertAlmostEqual(line.price_subtotal, 3 * 70.0 + 2 * 100.0)
