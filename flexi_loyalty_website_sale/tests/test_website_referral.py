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


@tagged("post_install", "-at_install")
class TestWebsiteReferralSignupTour(FlexiLoyaltyWebsiteSaleCommon):
    """Samir, a visitor, opens Amina's link in a browser and creates his
    account: welcome voucher for him, 30 points for Amina once his first
    order is paid, and only once."""

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
        cls.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")

    def _balance(self):
        self.member.invalidate_recordset()
        return self.member.points_balance

    def _paid_order(self, partner):
        """``partner``'s order of 2 dishes, confirmed, invoiced and paid."""
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": self.dish.id, "product_uom_qty": 2})
                ],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        return order

    def test_tour_friend_signs_up_with_the_link_and_his_first_paid_order_counts(self):
        code = self.member.referral_code
        self.start_tour(f"/r/{code}", "flexi_loyalty_website_sale_referral_signup_tour")
        samir = self.env["res.users"].search([("login", "=", "samir.new@example.com")])
        self.assertEqual(samir.name, "Samir Kaci")
        referral = self.env["flexi.loyalty.referral"].search(
            [("partner_id", "=", samir.partner_id.id)]
        )
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.channel, "signup")
        self.assertEqual(referral.state, "pending")
        voucher = referral.voucher_id
        self.assertEqual(voucher.partner_id, samir.partner_id)
        self.assertEqual(voucher.value, 100.0)
        self.assertEqual(voucher.state, "valid")
        # Nothing for Amina before Samir pays.
        before = self._balance()
        self.assertEqual(before, 300)
        first = self._paid_order(samir.partner_id)
        referral.invalidate_recordset()
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.conversion_ref, first)
        self.assertEqual(referral.points_given, 30)
        self.assertEqual(self._balance(), before + 30)
        # His second paid order gives her nothing more.
        self._paid_order(samir.partner_id)
        referral.invalidate_recordset()
        self.assertEqual(referral.conversion_ref, first)
        self.assertEqual(referral.points_given, 30)
        self.assertEqual(self._balance(), before + 30)
