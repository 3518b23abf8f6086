import json
import re
from unittest.mock import patch

from odoo import Command
from odoo.http import root
from odoo.tests import new_test_user

from odoo.addons.sms.tests.common import MockSMS
from odoo.addons.website_sale.tests.common import WebsiteSaleCommon

KNOWN_CODE = "424242"


def caterer_program(env):
    """The caterer's programme (100 DA = 1 point, code by SMS to redeem) and
    its reward: 100 points for a 200 DA credit."""
    program = env["flexi.loyalty.program"].create(
        {
            "name": "Fidélité Traiteur",
            "company_id": env.company.id,
            "amount_per_point": 100.0,
            "otp_required": True,
        }
    )
    reward = env["flexi.loyalty.reward"].create(
        {
            "name": "Bon de 200",
            "program_id": program.id,
            "reward_type": "credit",
            "points_cost": 100,
            "credit_amount": 200.0,
        }
    )
    return program, reward


class FlexiLoyaltyWebsiteSaleCommon(WebsiteSaleCommon, MockSMS):
    """(MockSMS is an HttpCase.) Amina (portal, member with 300 points) can
    spend 100 points for a 200 DA credit in her website cart; Karim (portal)
    is another customer, not a member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # Only this test's program: demo programs stay out of the amounts.
        cls.env["flexi.loyalty.program"].search([]).action_archive()
        cls.program, cls.reward = caterer_program(cls.env)
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
        # 100 DA a dish.
        cls.dish = cls._create_product(name="Couscous Royal")

    # ------------------------------------------------------------ helpers

    def _cart_of(self, user):
        """``user``'s website cart: 5 dishes."""
        return self.env["sale.order"].create(
            {
                "partner_id": user.partner_id.id,
                "website_id": self.website.id,
                "order_line": [
                    Command.create({"product_id": self.dish.id, "product_uom_qty": 5})
                ],
            }
        )

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
                "/flexi_loyalty_website_sale/request_code",
                {"reward_id": self.reward.id, "csrf_token": csrf},
            )

    def _redeem(self, csrf, code=None):
        return self._json(
            "/flexi_loyalty_website_sale/redeem",
            {"reward_id": self.reward.id, "code": code, "csrf_token": csrf},
        )["result"]

    def _reward_lines(self, order):
        return order.order_line.filtered("flexi_loyalty_reward_id")

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
