from datetime import datetime

from odoo.tests import HttpCase, tagged

from .common import FmAntiwasteCommon


@tagged("post_install", "-at_install")
class TestWebsite(HttpCase, FmAntiwasteCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.website.company_id = cls.company
        cls.env["fm.antiwaste.rule"].search([]).unlink()
        # The shop runs at the real current time: a lot expiring later today.
        now = datetime.now().replace(microsecond=0)
        cls.rule = cls.env["fm.antiwaste.rule"].create(
            {"days_left": 1, "discount": 30.0}
        )
        cls._lot(cls.salad, now.replace(hour=0, minute=0, second=0) + _days(1, 22), 3)
        cls.markdown = cls.env["fm.antiwaste.markdown"]._fm_recompute(cls.company, now)

    def test_shop_shows_badge_crossed_out_price_and_units_left(self):
        self.assertTrue(self.markdown)
        # search: with demo data the salad may not be on the first page
        html = self.url_open("/shop?search=Salade").text
        self.assertIn("Anti-gaspi -30 %", html)
        self.assertIn("3 left", html)
        self.assertRegex(html, r"(?s)<del[^>]*>\s*<em[^>]*>[^/]*?100\.00")

    def test_antigaspi_page_lists_todays_offers(self):
        html = self.url_open("/shop/antigaspi").text
        self.assertIn("Salade niçoise", html)
        self.assertIn("Anti-gaspi -30 %", html)


def _days(days, hour):
    from datetime import timedelta

    return timedelta(days=days, hours=hour)
