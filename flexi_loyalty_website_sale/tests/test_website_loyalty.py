import re

from odoo.tests import tagged

from .common import KNOWN_CODE, FlexiLoyaltyWebsiteSaleCommon


@tagged("post_install", "-at_install")
class TestWebsiteLoyalty(FlexiLoyaltyWebsiteSaleCommon):
    """Amina spends 100 points for a 200 DA credit on her website cart;
    Karim (another customer) tries her code and a cart-less call."""

    # ------------------------------------------------------------ tests

    def test_member_redeems_points_online_with_the_sms_code(self):
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        self.assertTrue(csrf, "The cart page offers the member her rewards.")

        asked = self._request_code(csrf)["result"]
        self.assertTrue(asked["sent"])
        self.assertEqual(asked["channel"], "sms")
        sms = self.env["sms.sms"].search(
            [("number", "=", "+213550123456")], order="id desc", limit=1
        )
        self.assertIn(KNOWN_CODE, sms.body)

        done = self._json(
            "/flexi_loyalty_website_sale/redeem",
            {"reward_id": self.reward.id, "code": KNOWN_CODE, "csrf_token": csrf},
        )["result"]
        self.assertTrue(done["redeemed"])
        line = self._reward_lines(cart)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.flexi_loyalty_reward_id, self.reward)
        self.assertAlmostEqual(cart.amount_total, total_before - 200.0)
        self.assertAlmostEqual(done["amount_total"], cart.amount_total)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 200)

    def test_wrong_code_online_is_refused_and_spends_nothing(self):
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        self._request_code(csrf)

        answer = self._json(
            "/flexi_loyalty_website_sale/redeem",
            {"reward_id": self.reward.id, "code": "000000", "csrf_token": csrf},
        )["result"]
        # "This code is wrong or no longer valid." (in the website language)
        self.assertTrue(answer.get("error"))
        self.assertNotIn("redeemed", answer)
        self.assertFalse(self._reward_lines(cart))
        self.assertAlmostEqual(cart.amount_total, total_before)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)

    def test_another_customer_cannot_use_a_members_code(self):
        karim_member = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": self.karim.partner_id.id, "program_id": self.program.id}
        )
        karim_member._flexi_adjust(300, "Opening balance", move_type="bonus")
        amina_cart = self._cart_of(self.amina)
        self._request_code(self._login_with_cart(self.amina, amina_cart))
        self.logout()
        # Karim read Amina's code and types it on his own cart.
        karim_cart = self._cart_of(self.karim)
        csrf = self._login_with_cart(self.karim, karim_cart)
        answer = self._json(
            "/flexi_loyalty_website_sale/redeem",
            {"reward_id": self.reward.id, "code": KNOWN_CODE, "csrf_token": csrf},
        )["result"]
        # "Ask for a code first": no code was sent for Karim's membership.
        self.assertTrue(answer.get("error"))
        self.assertNotIn("redeemed", answer)
        self.assertFalse(self._reward_lines(karim_cart))
        self.assertFalse(self._reward_lines(amina_cart))
        (self.member | karim_member).invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)
        self.assertEqual(karim_member.points_balance, 300)
        amina_otp = self.env["flexi.loyalty.otp"].search(
            [("subscription_id", "=", self.member.id)]
        )
        self.assertEqual(amina_otp.state, "pending")

    # ------------------------------------------------------------ replays

    def test_attack_redeem_twice_online_gives_one_reward(self):
        self.program.otp_required = False
        cart = self._cart_of(self.amina)
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        self.assertTrue(self._redeem(csrf)["redeemed"])
        replay = self._redeem(csrf)
        self.assertIn("already applied", replay["error"])
        self.assertEqual(len(self._reward_lines(cart)), 1)
        self.assertAlmostEqual(cart.amount_total, total_before - 200.0)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 200)

    def test_attack_replay_the_code_online(self):
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        self._request_code(csrf)
        self.assertTrue(self._redeem(csrf, KNOWN_CODE)["redeemed"])
        replay = self._redeem(csrf, KNOWN_CODE)
        self.assertIn("already applied", replay["error"])
        self.assertEqual(len(self._reward_lines(cart)), 1)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 200)

    def _cart_update(self, csrf, line, quantity, product=None):
        return self._json(
            "/shop/cart/update_json",
            {
                "product_id": (product or line.product_id).id,
                "line_id": line.id,
                "set_qty": quantity,
                "csrf_token": csrf,
            },
        )

    def test_attack_cart_stepper_on_a_reward_line(self):
        self.program.otp_required = False
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        self._redeem(csrf)
        line = self._reward_lines(cart)
        product = line.product_id
        # "+" on the reward: five discounts for one debit? Nothing changes.
        answer = self._cart_update(csrf, line, 5)
        self.assertNotIn("error", answer)
        self.assertEqual(answer["result"]["quantity"], 1)
        cart.invalidate_recordset()
        self.assertEqual(line.product_uom_qty, 1)
        self.assertAlmostEqual(line.price_total, -200.0)
        # Quantity 0 removes the reward and gives the points back, once.
        self._cart_update(csrf, line, 0)
        self.assertFalse(self._reward_lines(cart))
        self._cart_update(csrf, line, 0, product=product)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)
        reversals = self.env["flexi.loyalty.ledger.line"].search(
            [("subscription_id", "=", self.member.id), ("move_type", "=", "reversal")]
        )
        self.assertEqual(sum(reversals.mapped("points")), 100)

    # ------------------------------------------------------------ other carts

    def test_customer_without_cart_cannot_redeem_on_another_cart(self):
        self.program.otp_required = False
        amina_cart = self._cart_of(self.amina)
        self.authenticate("karim", "karim")
        page = self.url_open("/shop")
        csrf = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        for url, params in (
            ("/flexi_loyalty_website_sale/request_code", {"reward_id": self.reward.id}),
            ("/flexi_loyalty_website_sale/redeem", {"reward_id": self.reward.id}),
        ):
            answer = self._json(url, dict(params, csrf_token=csrf))
            self.assertEqual(
                answer["error"]["data"]["name"], "werkzeug.exceptions.NotFound", url
            )
        self.assertFalse(self._reward_lines(amina_cart))
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)

    def test_loyalty_routes_refuse_a_forged_csrf_token(self):
        self.program.otp_required = False
        cart = self._cart_of(self.amina)
        self._login_with_cart(self.amina, cart)
        with self.mockSMSGateway():
            for url in (
                "/flexi_loyalty_website_sale/request_code",
                "/flexi_loyalty_website_sale/redeem",
            ):
                answer = self._json(
                    url, {"reward_id": self.reward.id, "csrf_token": "forged"}
                )
                self.assertEqual(
                    answer["error"]["data"]["name"],
                    "werkzeug.exceptions.Forbidden",
                    url,
                )
            self.assertFalse(self._new_sms)
        self.assertFalse(self._reward_lines(cart))
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)

    def test_add_to_cart_form_with_a_text_quantity(self):
        """The plain "Add to cart" form posts its quantity as text: the
        product lands in the cart, no server error."""
        self.authenticate(None, None)
        page = self.url_open("/shop/cart").text
        token = re.search(r'csrf_token: "([^"]+)"', page).group(1)
        response = self.url_open(
            "/shop/cart/update",
            data={"csrf_token": token, "product_id": self.dish.id, "add_qty": "2"},
        )
        self.assertEqual(response.status_code, 200)
        order = self.env["sale.order"].search(
            [("order_line.product_id", "=", self.dish.id)], order="id desc", limit=1
        )
        line = order.order_line.filtered(lambda ln: ln.product_id == self.dish)
        self.assertEqual(line.product_uom_qty, 2)

    # ------------------------------------------------------------ cart lines

    @staticmethod
    def _cart_block(html, text):
        """The cart line of the page that shows ``text``."""
        blocks = [b for b in html.split('class="o_cart_product') if text in b]
        return blocks[0] if blocks else ""

    def test_reward_line_has_no_stepper_and_is_not_an_article(self):
        self.program.otp_required = False
        cart = self._cart_of(self.amina)
        goods = cart.order_line.filtered(lambda ln: not ln.is_delivery)[:1]
        csrf = self._login_with_cart(self.amina, cart)
        self._redeem(csrf)
        # 5 dishes and a 200 DA reward: 5 articles.
        self.assertEqual(goods.product_uom_qty, 5)
        self.assertEqual(cart.cart_quantity, 5)
        page = self.url_open("/shop/cart").text
        reward_block = self._cart_block(page, "Bon de 200")
        goods_block = self._cart_block(page, goods.name_short)
        self.assertTrue(reward_block and goods_block)
        self.assertIn("js_add_cart_json", goods_block)
        self.assertNotIn("js_add_cart_json", reward_block)
        self.assertIn('name="flexi_loyalty_website_sale_remove_reward"', reward_block)
        # One more dish: the header counter says 6, the reward is no article.
        answer = self._cart_update(csrf, goods, 6)["result"]
        self.assertEqual(answer["cart_quantity"], 6)
        # "Remove this reward": one click, the points come back once.
        self._cart_update(csrf, self._reward_lines(cart), 0)
        self.assertFalse(self._reward_lines(cart))
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 300)

    def test_a_free_product_is_an_article_money_off_is_not(self):
        self.program.otp_required = False
        free = self.env["flexi.loyalty.reward"].create(
            {
                "name": "Produit offert",
                "program_id": self.program.id,
                "reward_type": "product",
                "points_cost": 50,
                "product_id": self.dish.id,
            }
        )
        cart = self._cart_of(self.amina)
        cart._flexi_loyalty_redeem(self.member, free)
        cart._flexi_loyalty_redeem(self.member, self.reward)
        cart.invalidate_recordset(["cart_quantity"])
        # 5 bought, 1 free in the bag; the 200 DA off is no article.
        self.assertEqual(cart.cart_quantity, 6)

    def test_a_customer_not_yet_member_is_invited_to_join_from_the_cart(self):
        cart = self._cart_of(self.karim)
        self._login_with_cart(self.karim, cart)
        page = self.url_open("/shop/cart").text
        self.assertIn('id="flexi_loyalty_website_sale_loyalty_join"', page)
        self.assertIn('href="/my/loyalty"', page)
        self.assertIn("Fidélité Traiteur", page)
        self.assertNotIn("flexi_loyalty_website_sale_redeem", page)
        # A member sees her balance and rewards instead.
        self._login_with_cart(self.amina, self._cart_of(self.amina))
        page = self.url_open("/shop/cart").text
        self.assertNotIn('id="flexi_loyalty_website_sale_loyalty_join"', page)
        self.assertIn("flexi_loyalty_website_sale_redeem", page)
        # No invitation once the program has ended.
        self.program.active = False
        self._login_with_cart(self.karim, cart)
        self.assertNotIn(
            'id="flexi_loyalty_website_sale_loyalty_join"',
            self.url_open("/shop/cart").text,
        )

    # ------------------------------------------------------------ the code

    def test_send_me_a_code_says_where_it_went_in_words_for_the_website(self):
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        answer = self._request_code(csrf)["result"]
        self.assertTrue(answer["sent"])
        self.assertIn("SMS", answer["message"])
        self.assertIn("3456", answer["message"])
        self.assertNotIn("0550 12 34 56", answer["message"])
        sms = self._new_sms[-1:]
        self.assertIn(KNOWN_CODE, sms.body)
        self.assertIn("website", sms.body)
        self.assertNotIn("staff", sms.body)

    def test_a_reward_larger_than_the_cart_is_refused_before_any_code(self):
        self.reward.credit_amount = 1_000_000.0
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        answer = self._request_code(csrf)["result"]
        self.assertIn("more than the", answer["error"])
        self.assertFalse(self._new_sms)
        self.assertFalse(
            self.env["flexi.loyalty.otp"].search(
                [("subscription_id", "=", self.member.id)]
            )
        )

    def test_a_failed_sms_is_said_on_the_cart(self):
        cart = self._cart_of(self.amina)
        csrf = self._login_with_cart(self.amina, cart)
        with self.mockSMSGateway(sim_error="credit"):
            answer = self._json(
                "/flexi_loyalty_website_sale/request_code",
                {"reward_id": self.reward.id, "csrf_token": csrf},
            )["result"]
        self.assertIn("could not be sent", answer["error"])
        self.assertNotIn("sent", answer)
        self.assertFalse(
            self.env["flexi.loyalty.otp"].search(
                [("subscription_id", "=", self.member.id), ("state", "=", "pending")]
            )
        )
