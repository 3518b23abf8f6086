from odoo import Command
from odoo.http import root
from odoo.tests import tagged

from .common import FlexiLoyaltyWebsiteSaleCommon


@tagged("post_install", "-at_install")
class TestWebsiteReferral(FlexiLoyaltyWebsiteSaleCommon):
    """Samir opens Amina's link and orders as a guest: the welcome voucher
    comes off his cart at the payment step."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {
                "referral_enabled": True,
                "referral_points": 30,
                "referral_voucher_value": 100.0,
            }
        )
        cls.guest = cls.env["res.partner"].create(
            {
                "name": "Samir Kaci",
                "email": "samir@example.com",
                "mobile": "0661 22 33 44",
                "street": "3 rue Larbi Ben M'hidi",
                "city": "Alger",
                "zip": "16000",
                "country_id": cls.env.ref("base.dz").id,
            }
        )

    def _guest_checkout(self, partner, link=True):
        """A guest's cart of 5 dishes at the payment step, after (or without)
        opening the member's link in the same browser."""
        cart = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "website_id": self.website.id,
                "order_line": [
                    Command.create({"product_id": self.dish.id, "product_uom_qty": 5})
                ],
            }
        )
        self.authenticate(None, None)
        if link:
            self.url_open(f"/r/{self.member.referral_code}")
        session = root.session_store.get(self.session.sid)
        session["sale_order_id"] = cart.id
        root.session_store.save(session)
        self.url_open("/shop/payment")
        return cart

    def _referral(self, partner):
        return self.env["flexi.loyalty.referral"].search(
            [("partner_id", "=", partner.id)]
        )

    def test_guest_with_the_link_gets_the_welcome_voucher_off_the_cart(self):
        cart = self._guest_checkout(self.guest)
        referral = self._referral(self.guest)
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.channel, "website")
        self.assertEqual(referral.voucher_id.order_id, cart)
        self.assertEqual(cart.flexi_loyalty_referral_code, self.member.referral_code)
        self.assertAlmostEqual(
            -sum(
                cart.order_line.filtered("flexi_loyalty_voucher_id").mapped(
                    "price_total"
                )
            ),
            100.0,
        )
        # Back to the payment page: nothing more.
        self.url_open("/shop/payment")
        self.assertEqual(len(cart.order_line.filtered("flexi_loyalty_voucher_id")), 1)

    def test_guest_without_the_link_is_not_referred(self):
        self._guest_checkout(self.guest, link=False)
        self.assertFalse(self._referral(self.guest))

    def test_existing_customer_with_the_link_orders_without_it(self):
        self.env["sale.order"].create(
            {
                "partner_id": self.guest.id,
                "state": "sale",
                "order_line": [Command.create({"product_id": self.dish.id})],
            }
        )
        cart = self._guest_checkout(self.guest)
        self.assertFalse(self._referral(self.guest))
        self.assertFalse(cart.order_line.filtered("flexi_loyalty_voucher_id"))
        self.assertIn("already a customer", "".join(cart.message_ids.mapped("body")))
