from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import FlexiLoyaltyCommon

# The code the member reads out from the SMS (the tour types it).
KNOWN_CODE = "424242"


@tagged("post_install", "-at_install")
class TestSalespersonJourney(FlexiLoyaltyCommon, MockSMS):
    """Journey 2 of the shop, walked in Chromium by a salesperson (French UI):
    quotation for a member → points used with the SMS code → "Update prices"
    → confirmation → invoice → payment → credit note for one returned dish →
    the member's balance."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            ["base", "web", "mail", "product", "sale", "account", "flexi_loyalty"],
            ["fr_FR"],
        )
        cls.program.otp_required = True
        cls.reward = cls._reward("credit", 100, name="Bon de 500")
        cls._give(300)
        Pricelist = cls.env["product.pricelist"]
        cls.public_pricelist = Pricelist.create({"name": "Tarif public"})
        cls.customer.property_product_pricelist = cls.public_pricelist
        cls.business_pricelist = Pricelist.create(
            {
                "name": "Entreprises",
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": cls.dish.id,
                            "compute_price": "fixed",
                            "fixed_price": 900.0,
                        }
                    )
                ],
            }
        )
        # A salesperson who invoices at the counter: sales user (no sales,
        # loyalty or system administration), billing, pricelists shown.
        cls.salesperson = new_test_user(
            cls.env,
            "vendeur.journey",
            groups="sales_team.group_sale_salesman,account.group_account_invoice,"
            "product.group_product_pricelist",
            name="Yacine Vendeur",
            lang="fr_FR",
        )

    def _walk(self, tour):
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value=KNOWN_CODE,
            ),
            self.mockSMSGateway(),
        ):
            self.start_tour(
                "/odoo/action-sale.action_quotations_with_onboarding",
                tour,
                login=self.salesperson.login,
                timeout=240,
            )
        self.env.invalidate_all()

    def _check_code_went_by_sms(self):
        """The code went by SMS to the member's phone, and was used once."""
        sms = self._new_sms.filtered(lambda s: KNOWN_CODE in (s.body or ""))
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.partner_id, self.customer)
        self.assertEqual(sms.number, self.member.phone)
        otp = self.env["flexi.loyalty.otp"].search(
            [("subscription_id", "=", self.member.id)]
        )
        self.assertEqual(otp.mapped("state"), ["used"])
        self.assertEqual(otp.user_id, self.salesperson)

    def _check_documents(self):
        """(order, invoice, credit note) as the salesperson left them."""
        # The quotation: 3 couscous at the business price (900), 500 off
        # with the reward, kept through "Update prices".
        order = self.env["sale.order"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(order), 1)
        self.assertEqual(order.user_id, self.salesperson)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.pricelist_id, self.business_pricelist)
        reward_line = order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertEqual(reward_line.flexi_loyalty_reward_id, self.reward)
        self.assertAlmostEqual(reward_line.price_total, -500.0)
        dish_line = order.order_line - reward_line
        self.assertEqual(dish_line.price_unit, 900.0)
        self.assertEqual(dish_line.product_uom_qty, 3)
        self.assertAlmostEqual(order.amount_total, 2713.0)

        # The invoice: the whole order, paid.
        invoice = order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(len(invoice), 1)
        self.assertAlmostEqual(invoice.amount_total, 2713.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

        # The credit note: one couscous returned (900 + 19 %), the reward kept.
        refund = order.invoice_ids.filtered(lambda m: m.move_type == "out_refund")
        self.assertEqual(len(refund), 1)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertAlmostEqual(refund.amount_total, 1071.0)
        self.assertFalse(
            refund.invoice_line_ids.sale_line_ids.filtered("flexi_loyalty_reward_id")
        )
        return order, invoice, refund

    def _check_points(self, earned_on, refund):
        """300 given, 100 spent, earned on what is paid net of the reward
        (2,700 - 420.17 before tax: 22), then the return takes back what the
        kept goods do not earn (1,379.83 before tax: 13 kept)."""
        ledger = {
            move_type: sum(self._lines(move_type=move_type).mapped("points"))
            for move_type in ("bonus", "redeem", "earn", "reversal")
        }
        self.assertEqual(
            ledger, {"bonus": 300, "redeem": -100, "earn": 22, "reversal": -9}
        )
        earned = self._lines(move_type="earn")
        self.assertEqual(earned.res_model, earned_on._name)
        self.assertEqual(earned.res_id, earned_on.id)
        reversal = self._lines(move_type="reversal")
        self.assertEqual(reversal.res_model, "account.move")
        self.assertEqual(reversal.res_id, refund.id)
        self.assertEqual(self.member.points_balance, 213)
        self.assertBalanceIsLedger()

    def test_salesperson_is_neither_sales_nor_loyalty_manager(self):
        self.assertFalse(self.salesperson.has_group("sales_team.group_sale_manager"))
        self.assertFalse(
            self.salesperson.has_group("flexi_loyalty.flexi_loyalty_group_manager")
        )
        self.assertFalse(self.salesperson.has_group("base.group_system"))

    def test_journey_points_earned_at_confirmation(self):
        self._walk("flexi_loyalty_salesperson_journey_tour")
        self._check_code_went_by_sms()
        order, _invoice, refund = self._check_documents()
        self._check_points(earned_on=order, refund=refund)

    def test_journey_points_earned_at_payment(self):
        """A program earning at payment earns on the invoice net of its reward
        line, as the order does (README, Guarantees: points are earned on the
        net amount paid). Earning on the goods alone shows 218 (27 earned on
        2,700) instead of 213 on the customer form."""
        self.program.earn_trigger = "paid"
        self._walk("flexi_loyalty_salesperson_journey_paid_tour")
        self._check_code_went_by_sms()
        _order, invoice, refund = self._check_documents()
        self._check_points(earned_on=invoice, refund=refund)
