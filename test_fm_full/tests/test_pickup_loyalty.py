import json

from odoo.http import root
from odoo.tests import tagged

from odoo.addons.flexi_loyalty_website_sale.tests.common import (
    FlexiLoyaltyWebsiteSaleCommon,
)
from odoo.addons.fm_click_collect.tests.common import (
    FmClickCollectCommon,
    FmClickCollectPaymentCommon,
)
from odoo.addons.sms.tests.common import MockSMS


@tagged("post_install", "-at_install")
class TestPickupLoyaltyCheckout(FlexiLoyaltyWebsiteSaleCommon, FmClickCollectCommon):
    """Amina (member, 300 points) spends 100 points for a 200 DA credit on a
    cart she picks up at the post office, and pays there."""

    def _cart_of(self, user):
        order = self._create_in_store_delivery_order(partner_id=user.partner_id.id)
        order._set_pickup_location(json.dumps({"fm_point_id": self.post_point.id}))
        return order

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

    def test_redeem_widget_only_on_the_cart_not_after_confirmation(self):
        self._complete_address(self.amina)
        cart = self._cart_of(self.amina)
        cart._fm_cc_set_slot(self._free_slot(self.post_point))
        self._login_with_cart(self.amina, cart)
        page = self.url_open("/shop/cart").text
        self.assertIn("flexi_loyalty_website_sale_redeem", page)
        self.assertIn("flexi_loyalty_website_sale_points_preview", page)
        page = self.url_open("/shop/payment")
        self.assertTrue(page.url.endswith("/shop/payment"), page.url)
        # The payment step still says what the order earns, offers no redeem.
        self.assertIn("flexi_loyalty_website_sale_points_preview", page.text)
        self.assertNotIn("flexi_loyalty_website_sale_redeem", page.text)
        self._pay_on_site(cart)
        self.assertEqual(cart.state, "sale")
        self.session["sale_last_order_id"] = cart.id
        root.session_store.save(self.session)
        page = self.url_open(f"/shop/confirmation?order_id={cart.id}").text
        self.assertIn(cart.name, page)
        self.assertNotIn("flexi_loyalty_website_sale_redeem", page)
        self.assertNotIn("flexi_loyalty_website_sale_points_preview", page)
        self.assertNotIn("This order earns", page)


@tagged("post_install", "-at_install")
class TestPickupLoyaltyHandover(FmClickCollectPaymentCommon, MockSMS):
    """The counter cashes in what is left once the reward is deducted."""

    def test_loyalty_reward_is_deducted_from_what_is_paid(self):
        program = self.env["flexi.loyalty.program"].create(
            {
                "name": "Fidélité Traiteur",
                "company_id": self.env.company.id,
                "amount_per_point": 100.0,
                "otp_required": False,
            }
        )
        reward = self.env["flexi.loyalty.reward"].create(
            {
                "name": "Bon de 200",
                "program_id": program.id,
                "reward_type": "credit",
                "points_cost": 100,
                "credit_amount": 200.0,
            }
        )
        member = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": self.partner.id, "program_id": program.id}
        )
        member._flexi_adjust(300, "Opening balance", move_type="bonus")
        order = self._order_of((self.couscous, 1), (self.bread, 2))
        goods = order.amount_total
        order._flexi_loyalty_redeem(member, reward)
        reward_line = order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertLess(reward_line.price_total, 0)
        self.assertAlmostEqual(order.amount_total, goods - 200.0)
        self._pay_on_site(order)
        shown, _wizard = self._hand_over(order, user=self.cashier)
        self.assertAlmostEqual(shown, goods - 200.0)
        self._assert_collected_and_paid_in_full(order, shown)
        self.assertIn(reward_line, order.invoice_ids.invoice_line_ids.sale_line_ids)
