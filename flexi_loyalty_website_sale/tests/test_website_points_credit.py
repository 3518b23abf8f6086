import re
from unittest.mock import patch

from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyWebsiteSaleCommon


@tagged("post_install", "-at_install")
class TestWebsitePointsCredit(FlexiLoyaltyWebsiteSaleCommon):
    """Amina (300 points) chooses how many points to use in her cart on a
    credit of 2 DA per point, from 50 points, in steps of 10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.per_point = cls.env["flexi.loyalty.reward"].create(
            {
                "name": "Points en DA",
                "program_id": cls.program.id,
                "reward_type": "points_credit",
                "points_cost": 50,
                "points_step": 10,
                "credit_per_point": 2.0,
            }
        )

    def _ask(self, csrf, points):
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value=KNOWN_CODE,
            ),
            self.mockSMSGateway(),
        ):
            return self._json(
                "/flexi_loyalty_website_sale/request_code",
                {"reward_id": self.per_point.id, "points": points, "csrf_token": csrf},
            )

    def _use(self, csrf, points, code=KNOWN_CODE):
        return self._json(
            "/flexi_loyalty_website_sale/redeem",
            {
                "reward_id": self.per_point.id,
                "points": points,
                "code": code,
                "csrf_token": csrf,
            },
        )

    def _page_csrf(self):
        page = self.url_open("/shop").text
        return re.search(r'csrf_token: "([^"]+)"', page).group(1)

    def _balance(self):
        self.member.invalidate_recordset()
        return self.member.points_balance

    def test_member_chooses_80_points_and_the_code_says_80(self):
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        asked = self._ask(csrf, "80")["result"]
        self.assertTrue(asked.get("sent"), asked)
        self.assertIn("80 points", self._new_sms.body)
        done = self._use(csrf, "80")["result"]
        self.assertTrue(done.get("redeemed"), done)
        self.assertAlmostEqual(cart.amount_total, total_before - 160.0)
        self.assertEqual(self._balance(), 220)
        line = self._reward_lines(cart)
        self.assertEqual(line.flexi_loyalty_ledger_line_id.points, -80)

    def test_cart_offers_the_choice_up_to_the_most_allowed(self):
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        self.assertTrue(csrf)
        page = self.url_open("/shop/cart").text
        most = cart._flexi_loyalty_max_points(self.member, self.per_point)
        self.assertTrue(most)
        option = re.search(
            rf'<option[^>]*value="{self.per_point.id}"[^>]*>', page
        ).group(0)
        self.assertIn(f'data-points-max="{most}"', option)
        self.assertIn('data-points-min="50"', option)
        self.assertIn('data-points-step="10"', option)
        self.assertIn('name="flexi_loyalty_website_sale_points"', page)

    def test_attack_code_for_50_points_cannot_spend_250(self):
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        self.assertTrue(self._ask(csrf, 50)["result"].get("sent"))
        more = self._use(csrf, 250)["result"]
        self.assertIn("sent to spend 50 points, not 250", more["error"])
        self.assertFalse(self._reward_lines(cart))
        self.assertEqual(self._balance(), 300)
        # The refusal counted no wrong attempt: the code still works for 50.
        self.assertTrue(self._use(csrf, 50)["result"].get("redeemed"))
        self.assertAlmostEqual(cart.amount_total, total_before - 100.0)
        self.assertEqual(self._balance(), 250)
        # And cannot be used a second time, for any number.
        self._reward_lines(cart).unlink()
        for points in (50, 100):
            self.assertIn("error", self._use(csrf, points)["result"])
        self.assertEqual(self._balance(), 300)

    def test_bad_choices_get_a_clear_error_and_no_code(self):
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        cases = [
            ("abc", "whole number of points"),
            ("12.5", "whole number of points"),
            ([80], "whole number of points"),
            ({"points": 80}, "whole number of points"),
            ("", "Say how many points"),
            (None, "Say how many points"),
            (-50, "at least 50 points"),
            (0, "at least 50 points"),
            (40, "at least 50 points"),
            (55, "choose 50 or 60 points, not 55"),
            (310, "can spend 300 points, 310 asked"),
        ]
        for points, message in cases:
            answer = self._ask(csrf, points)["result"]
            self.assertIn(message, answer.get("error", ""), points)
            self.assertFalse(self._new_sms, points)
            answer = self._use(csrf, points)["result"]
            self.assertIn(message, answer.get("error", ""), points)
        self.assertFalse(self._reward_lines(cart))
        self.assertEqual(self._balance(), 300)

    def test_more_than_the_cart_is_refused_with_the_most_allowed(self):
        cart = self._cart_of(self.amina)
        cart.order_line.product_uom_qty = 1  # 100 DA and its taxes
        csrf = self._login_with_cart(self.amina, cart)
        most = cart._flexi_loyalty_max_points(self.member, self.per_point)
        answer = self._ask(csrf, most + 10)["result"]
        self.assertIn(f"use at most {most} points", answer["error"])
        self.assertFalse(self._new_sms)

    def test_without_code_the_choice_is_checked_all_the_same(self):
        self.program.otp_required = False
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        self.assertIn("choose 60 or 70", self._use(csrf, 65)["result"]["error"])
        self.assertTrue(self._use(csrf, 70)["result"].get("redeemed"))
        self.assertIn("already applied", self._use(csrf, 50)["result"]["error"])
        self.assertEqual(self._balance(), 230)

    def test_attack_another_customer_cannot_spend_a_members_points(self):
        self.program.otp_required = False
        amina_cart = self._cart_of(self.amina)
        # Karim, logged in, points his session at Amina's cart.
        self._login_with_cart(self.karim, amina_cart)
        answer = self._use(self._page_csrf(), 50)
        self.assertIn("error", answer)
        self.assertNotIn("result", answer)
        # His own cart: he is no member, no reward of Amina's program is his.
        karim_cart = self._cart_of(self.karim)
        self._login_with_cart(self.karim, karim_cart)
        answer = self._use(self._page_csrf(), 50)
        self.assertEqual(
            answer["error"]["data"]["name"], "werkzeug.exceptions.NotFound"
        )
        self.assertFalse(self._reward_lines(amina_cart | karim_cart))
        self.assertEqual(self._balance(), 300)

    def test_tour_member_uses_80_points_in_her_cart(self):
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value=KNOWN_CODE,
            ),
            self.mockSMSGateway(),
        ):
            self.start_tour(
                "/shop/cart",
                "flexi_loyalty_website_sale_points_credit_tour",
                login="amina",
            )
        self.assertIn("80 points", self._new_sms.body)
        self.assertEqual(
            self._reward_lines(cart).flexi_loyalty_ledger_line_id.points, -80
        )
        self.assertAlmostEqual(cart.amount_total, total_before - 160.0)
        self.assertEqual(self._balance(), 220)
