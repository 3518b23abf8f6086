import json
import re
from unittest.mock import patch

from odoo.http import root
from odoo.tests import new_test_user, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import FmClickCollectCommon

KNOWN_CODE = "424242"


@tagged("post_install", "-at_install")
class TestWebsiteLoyalty(FmClickCollectCommon, MockSMS):
    """(MockSMS is an HttpCase.) Amina (portal, member with 300 points)
    spends 100 points for a 200 DA credit on her pickup cart; Karim (portal,
    another customer) tries her code, a cart-less call and her order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "company_id": cls.env.company.id,
                "amount_per_point": 100.0,
                "otp_required": True,
            }
        )
        cls.reward = cls.env["flexi.loyalty.reward"].create(
            {
                "name": "Bon de 200",
                "program_id": cls.program.id,
                "reward_type": "credit",
                "points_cost": 100,
                "credit_amount": 200.0,
            }
        )
        algeria = cls.env.ref("base.dz")
        cls.amina = new_test_user(
            cls.env, login="amina", groups="base.group_portal", name="Amina Benali"
        )
        cls.amina.partner_id.write(
            {"mobile": "0550 12 34 56", "country_id": algeria.id}
        )
        cls.karim = new_test_user(
            cls.env, login="karim", groups="base.group_portal", name="Karim Haddad"
        )
        cls.karim.partner_id.write(
            {"mobile": "0661 98 76 54", "country_id": algeria.id}
        )
        cls.member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.amina.partner_id.id, "program_id": cls.program.id}
        )
        cls.member._flexi_adjust(300, "Opening balance", move_type="bonus")

    # ------------------------------------------------------------ helpers

    def _cart_of(self, user):
        order = self._create_in_store_delivery_order(partner_id=user.partner_id.id)
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        return order

    def _login_with_cart(self, user, order):
        """``user`` logged in on the website with ``order`` as session cart,
        as after adding products; returns the CSRF token of the cart page."""
        self.authenticate(user.login, user.login)
        self.session["sale_order_id"] = order.id
        root.session_store.save(self.session)
        page = self.url_open("/shop/cart")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'data-csrf="([^"]+)"', page.text)
        return token and token.group(1)

    def _json(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _request_code(self, csrf):
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value=KNOWN_CODE,
            ),
            self.mockSMSGateway(),
        ):
            return self._json(
                "/fm_click_collect/loyalty/request_code",
                {"reward_id": self.reward.id, "csrf_token": csrf},
            )

    def _reward_lines(self, order):
        return order.order_line.filtered("flexi_loyalty_reward_id")

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
            "/fm_click_collect/loyalty/redeem",
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
            "/fm_click_collect/loyalty/redeem",
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
            "/fm_click_collect/loyalty/redeem",
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

    def test_another_customer_cannot_open_an_order_with_its_pickup_code(self):
        order = self._cart_of(self.amina)
        order._fm_cc_set_slot(self._free_slot(self.post_point))
        self._pay_on_site(order)
        self.assertTrue(order.fm_cc_pickup_code)
        self.authenticate("karim", "karim")
        for url in (
            f"/my/orders/{order.id}",
            f"/my/orders/{order.id}?access_token=forged",
            f"/shop/confirmation?order_id={order.id}",
        ):
            page = self.url_open(url)
            self.assertNotIn(order.fm_cc_pickup_code, page.text, url)
            self.assertNotIn(order.name, page.text, url)
        # Amina herself sees her code.
        self.authenticate("amina", "amina")
        page = self.url_open(f"/my/orders/{order.id}")
        self.assertIn(order.fm_cc_pickup_code, page.text)

    def test_customer_without_cart_cannot_set_a_slot_on_another_cart(self):
        amina_cart = self._cart_of(self.amina)
        slot = self._free_slot(self.post_point)
        amina_cart._fm_cc_set_slot(slot)
        other_slot = self.env["fm.click_collect.slot"].browse(
            self.post_point._fm_available_slots()[1]["id"]
        )
        self.authenticate("karim", "karim")
        page = self.url_open("/shop")
        csrf = re.search(r'csrf_token: "([^"]+)"', page.text).group(1)
        for url, params in (
            ("/fm_click_collect/set_slot", {"slot_id": other_slot.id}),
            (
                "/fm_click_collect/loyalty/redeem",
                {"reward_id": self.reward.id, "code": KNOWN_CODE, "csrf_token": csrf},
            ),
        ):
            answer = self._json(url, params)
            self.assertEqual(
                answer["error"]["data"]["name"], "werkzeug.exceptions.NotFound", url
            )
        self.assertEqual(amina_cart.fm_cc_slot_id, slot)
        self.assertEqual(amina_cart.partner_id, self.amina.partner_id)

    # ------------------------------------------------------------ replays

    def _redeem(self, csrf, code=None):
        return self._json(
            "/fm_click_collect/loyalty/redeem",
            {"reward_id": self.reward.id, "code": code, "csrf_token": csrf},
        )["result"]

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

    # ------------------------------------------------------------ checkout

    def _complete_address(self, user):
        """What the checkout asks for before the payment step."""
        algeria = self.env.ref("base.dz")
        user.partner_id.write(
            {
                "email": f"{user.login}@example.com",
                "phone": user.partner_id.mobile,
                "street": "3 rue Larbi Ben M'hidi",
                "city": "Alger",
                "zip": "16000",
                "state_id": algeria.state_required and algeria.state_ids[:1].id,
            }
        )

    def test_redeemed_points_survive_the_checkout_to_payment(self):
        """/shop/confirm_order recomputes taxes and prices: the reward stays,
        the customer pays the discounted total and her points stay spent
        once."""
        self.program.otp_required = False
        self._complete_address(self.amina)
        cart = self._cart_of(self.amina)
        cart._fm_cc_set_slot(self._free_slot(self.post_point))
        total_before = cart.amount_total
        csrf = self._login_with_cart(self.amina, cart)
        self.assertTrue(self._redeem(csrf)["redeemed"])
        self.assertEqual(self.url_open("/shop/checkout").status_code, 200)
        page = self.url_open("/shop/confirm_order")
        self.assertEqual(page.status_code, 200)
        self.assertTrue(page.url.endswith("/shop/payment"), page.url)
        page = self.url_open("/shop/payment")
        self.assertEqual(page.status_code, 200)
        cart.invalidate_recordset()
        line = self._reward_lines(cart)
        self.assertEqual(len(line), 1)
        self.assertAlmostEqual(line.price_total, -200.0)
        self.assertAlmostEqual(cart.amount_total, total_before - 200.0)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.points_balance, 200)
        # The customer pays at pickup: the order keeps its reward, same points.
        self._pay_on_site(cart)
        self.assertEqual(cart.state, "sale")
        self.assertAlmostEqual(cart.amount_total, total_before - 200.0)
        self.member.invalidate_recordset()
        redeemed = self.env["flexi.loyalty.ledger.line"].search(
            [("subscription_id", "=", self.member.id), ("move_type", "=", "redeem")]
        )
        self.assertEqual(sum(redeemed.mapped("points")), -100)

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
        self.assertIn('name="fm_cc_remove_reward"', reward_block)
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
                "product_id": self.storable_product.id,
            }
        )
        cart = self._cart_of(self.amina)
        cart._flexi_loyalty_redeem(self.member, free)
        cart._flexi_loyalty_redeem(self.member, self.reward)
        cart.invalidate_recordset(["cart_quantity"])
        # 5 bought, 1 free in the bag; the 200 DA off is no article.
        self.assertEqual(cart.cart_quantity, 6)

    def test_redeem_widget_only_on_the_cart_not_after_confirmation(self):
        self._complete_address(self.amina)
        cart = self._cart_of(self.amina)
        cart._fm_cc_set_slot(self._free_slot(self.post_point))
        self._login_with_cart(self.amina, cart)
        page = self.url_open("/shop/cart").text
        self.assertIn("fm_cc_redeem", page)
        self.assertIn("fm_cc_points_preview", page)
        page = self.url_open("/shop/payment")
        self.assertTrue(page.url.endswith("/shop/payment"), page.url)
        # The payment step still says what the order earns, offers no redeem.
        self.assertIn("fm_cc_points_preview", page.text)
        self.assertNotIn("fm_cc_redeem", page.text)
        self._pay_on_site(cart)
        self.assertEqual(cart.state, "sale")
        self.session["sale_last_order_id"] = cart.id
        root.session_store.save(self.session)
        page = self.url_open(f"/shop/confirmation?order_id={cart.id}").text
        self.assertIn(cart.name, page)
        self.assertNotIn("fm_cc_redeem", page)
        self.assertNotIn("fm_cc_points_preview", page)
        self.assertNotIn("This order earns", page)

    def test_a_customer_not_yet_member_is_invited_to_join_from_the_cart(self):
        cart = self._cart_of(self.karim)
        self._login_with_cart(self.karim, cart)
        page = self.url_open("/shop/cart").text
        self.assertIn('id="fm_cc_loyalty_join"', page)
        self.assertIn('href="/my/loyalty"', page)
        self.assertIn("Fidélité Traiteur", page)
        self.assertNotIn("fm_cc_redeem", page)
        # A member sees her balance and rewards instead.
        self._login_with_cart(self.amina, self._cart_of(self.amina))
        page = self.url_open("/shop/cart").text
        self.assertNotIn('id="fm_cc_loyalty_join"', page)
        self.assertIn("fm_cc_redeem", page)
        # No invitation once the program has ended.
        self.program.active = False
        self._login_with_cart(self.karim, cart)
        self.assertNotIn('id="fm_cc_loyalty_join"', self.url_open("/shop/cart").text)

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
                "/fm_click_collect/loyalty/request_code",
                {"reward_id": self.reward.id, "csrf_token": csrf},
            )["result"]
        self.assertIn("could not be sent", answer["error"])
        self.assertNotIn("sent", answer)
        self.assertFalse(
            self.env["flexi.loyalty.otp"].search(
                [("subscription_id", "=", self.member.id), ("state", "=", "pending")]
            )
        )
