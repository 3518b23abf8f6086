from datetime import timedelta

from odoo import Command, fields
from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.payment.tests.http_common import PaymentHttpCommon

from .common import FmAntiwasteCommon


@tagged("post_install", "-at_install")
class TestWebsiteCheckout(PaymentHttpCommon, FmAntiwasteCommon):
    """A customer pays online for the last 2 marked-down salads while a
    salesperson sells them in the shop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].get_current_website()
        cls.website.company_id = cls.company
        now = fields.Datetime.now()
        near = cls._lot(cls.salad, now + timedelta(days=1), 2, name="NEAR")
        cls._lot(cls.salad, now + timedelta(days=10), 10, name="FRESH")
        markdown = cls.env["fm.antiwaste.markdown"].create(
            {
                "company_id": cls.company.id,
                "product_id": cls.salad.id,
                "lot_ids": [Command.set(near.ids)],
                "discount": 30.0,
                "days_left": 1,
                "quantity": 2,
                "date_from": now - timedelta(hours=1),
                "date_to": now + timedelta(days=1),
            }
        )
        markdown._fm_create_pricelist_items()
        cls.carrier = cls.env.ref("delivery.free_delivery_carrier")
        cls.carrier.write({"is_published": True, "website_id": False})
        cls.portal_partner.write(
            {
                "email": "nadia@example.com",
                "phone": "+32 470 12 34 56",
                "street": "Rue Haute 1",
                "city": "Bruxelles",
                "zip": "1000",
                "country_id": cls.country_belgium.id,
            }
        )

    def _visitor_cart(self, qty):
        """The customer logs in, puts the salads in the cart, picks delivery."""
        self.authenticate(self.portal_user.login, self.portal_user.login)
        self.make_jsonrpc_request(
            "/shop/cart/update_json", {"product_id": self.salad.id, "add_qty": qty}
        )
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.portal_partner.id), ("state", "=", "draft")]
        )
        self.make_jsonrpc_request(
            "/shop/set_delivery_method", {"dm_id": self.carrier.id}
        )
        self.env.invalidate_all()
        return order

    def _pay(self, order, amount):
        """The "Pay now" button of the payment page."""
        return self.make_jsonrpc_request(
            f"/shop/payment/transaction/{order.id}",
            {
                "access_token": order._portal_ensure_token(),
                "amount": amount,
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method_id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/shop/payment/validate",
            },
        )

    def _provider_confirms(self, order):
        tx = order.transaction_ids
        tx._set_done()
        tx._post_process()
        self.env.invalidate_all()

    def _salesperson_sells(self, qty):
        self._order(self.salad, qty).action_confirm()

    @mute_logger("odoo.http")
    def test_attack_paying_the_reduced_price_after_the_units_went_is_refused(self):
        order = self._visitor_cart(2)
        self.assertAlmostEqual(order.amount_untaxed, 140.0)
        self._salesperson_sells(2)
        with self.assertRaises(JsonRpcException):
            self._pay(order, 140.0)
        self.env.invalidate_all()
        self.assertFalse(order.transaction_ids)
        # Back on the payment page: the cart shows what is charged now.
        self.assertEqual(self.url_open("/shop/payment").status_code, 200)
        self.env.invalidate_all()
        self.assertAlmostEqual(order.amount_untaxed, 200.0)
        self._pay(order, order.amount_total)
        self._provider_confirms(order)
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(order.amount_untaxed, 200.0)
        self.assertAlmostEqual(order.amount_paid, order.amount_total)

    def test_units_sold_while_the_customer_pays_are_charged_at_confirmation(self):
        order = self._visitor_cart(2)
        self._pay(order, 140.0)
        # The salesperson sells the salads while the bank asks for a code.
        self._salesperson_sells(2)
        self._provider_confirms(order)
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(order.amount_untaxed, 200.0)
        salads = order.order_line.filtered(lambda ln: ln.product_id == self.salad)
        self.assertEqual(salads.fm_antiwaste_qty, 0)
        self.assertIn(
            "Anti-waste prices updated", " ".join(order.message_ids.mapped("body"))
        )
