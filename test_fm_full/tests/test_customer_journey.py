from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.flexi_loyalty_website_sale.tests.common import (
    KNOWN_CODE,
    caterer_program,
)
from odoo.addons.fm_click_collect.tests.common import FmClickCollectCommon
from odoo.addons.sms.tests.common import MockSMS

PICKUP_CODE = "M7KP4X"


@tagged("post_install", "-at_install")
class TestCustomerJourney(FmClickCollectCommon, MockSMS):
    """Journey 1 of the web customer, in French: Amina finds a marked-down
    salad on the anti-waste page, joins the loyalty programme, redeems 100
    points (200 DA) with the code received by SMS, picks up at the post
    office and pays there; staff mark the order ready and hand it over."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The shop in French.
        french = cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(
            [
                "fm_click_collect",
                "flexi_loyalty",
                "flexi_loyalty_website_sale",
                "fm_antiwaste",
            ],
            ["fr_FR"],
        )
        cls.website.write(
            {"language_ids": [Command.link(french.id)], "default_lang_id": french.id}
        )
        cls.provider.write({"state": "enabled", "is_published": True})
        cls.env["delivery.carrier"].search([("id", "!=", cls.in_store_dm.id)]).write(
            {"is_published": False}
        )
        cls.in_store_dm.website_id = cls.website
        cls.env.company.partner_id.tz = "Africa/Algiers"
        cls.program, cls.reward = caterer_program(cls.env)
        algeria = cls.env.ref("base.dz")
        cls.amina = new_test_user(
            cls.env,
            login="amina",
            groups="base.group_portal",
            name="Amina Benali",
            lang="fr_FR",
        )
        cls.amina.partner_id.write(
            {
                "mobile": "0550 12 34 56",
                "phone": "0550 12 34 56",
                "email": "amina@example.com",
                "street": "3 rue Larbi Ben M'hidi",
                "city": "Alger",
                "zip": "16000",
                "country_id": algeria.id,
                "state_id": algeria.state_required and algeria.state_ids[:1].id,
            }
        )
        cls.salesman = new_test_user(
            cls.env,
            login="fmcc_karima",
            name="Karima Vendeuse",
            groups="sales_team.group_sale_salesman",
            lang="fr_FR",
        )
        # A salad (1,000 DA) with 3 units expiring tomorrow: -30 % today.
        cls.salad = cls.env["product.product"].create(
            {
                "name": "Salade niçoise",
                "list_price": 1000.0,
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "taxes_id": [Command.clear()],
                "is_published": True,
                "website_published": True,
            }
        )
        now = fields.Datetime.now().replace(microsecond=0)
        midnight = now.replace(hour=0, minute=0, second=0)
        lot = cls.env["stock.lot"].create(
            {
                "name": "SALADE-DEMAIN",
                "product_id": cls.salad.id,
                "company_id": cls.env.company.id,
                "expiration_date": midnight + timedelta(days=1, hours=20),
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.salad, cls.warehouse.lot_stock_id, 3, lot_id=lot
        )
        cls.env["fm.antiwaste.rule"].search([]).unlink()
        cls.env["fm.antiwaste.rule"].create({"days_left": 1, "discount": 30.0})
        cls.markdown = cls.env["fm.antiwaste.markdown"]._fm_recompute(
            cls.env.company, now
        )

    def _ledger(self, member, move_type):
        return self.env["flexi.loyalty.ledger.line"].search(
            [("subscription_id", "=", member.id), ("move_type", "=", move_type)]
        )

    def _staff_hands_over(self, order):
        """The salesman marks the order ready, then hands it over with the
        customer's pickup code, paid cash (back-office tour)."""
        with self.mockSMSGateway():
            self.start_tour(
                f"/odoo/sales/{order.id}",
                "test_fm_full_customer_journey_handover",
                login=self.salesman.login,
            )
        ready_sms = self.env["sms.sms"].search(
            [("number", "=", "+213550123456"), ("body", "ilike", PICKUP_CODE)]
        )
        self.assertTrue(ready_sms, "The customer got her pickup code by SMS.")

    def test_web_customer_journey_to_the_handover(self):
        self.assertTrue(self.markdown)
        with (
            patch(
                "odoo.addons.flexi_loyalty.tools.otp.generate_code",
                return_value=KNOWN_CODE,
            ),
            patch(
                "odoo.addons.fm_click_collect.tools.slots.new_pickup_code",
                return_value=PICKUP_CODE,
            ),
            self.mockSMSGateway(),
        ):
            # 1. Anti-waste page, cart, joins the programme from her account.
            self.start_tour(
                "/shop", "test_fm_full_customer_journey_join", login="amina"
            )
            member = self.env["flexi.loyalty.subscription"].search(
                [("partner_id", "=", self.amina.partner_id.id)]
            )
            self.assertEqual(member.program_id, self.program)
            self.assertEqual(member.consent_channel, "portal")
            # Her points from earlier purchases at the shop counter.
            member._flexi_adjust(300, "Achats en boutique", move_type="bonus")

            # 2. Redeems with the SMS code, pickup, pays at pickup.
            self.start_tour(
                "/shop/cart", "test_fm_full_customer_journey_redeem", login="amina"
            )
            code_sms = self.env["sms.sms"].search(
                [("number", "=", "+213550123456"), ("body", "ilike", KNOWN_CODE)]
            )
            self.assertTrue(code_sms, "The code came by SMS to her mobile.")

        order = self.env["sale.order"].search(
            [("partner_id", "=", self.amina.partner_id.id)], order="id desc", limit=1
        )
        salad_line = order.order_line.filtered(lambda ln: ln.product_id == self.salad)
        reward_line = order.order_line.filtered("flexi_loyalty_reward_id")
        self.assertEqual(order.state, "sale")
        self.assertEqual(salad_line.product_uom_qty, 1)
        self.assertAlmostEqual(salad_line.price_total, 700.0)
        self.assertEqual(reward_line.flexi_loyalty_reward_id, self.reward)
        self.assertAlmostEqual(reward_line.price_total, -200.0)
        self.assertAlmostEqual(order.amount_total, 500.0)
        self.assertEqual(order.fm_cc_point_id, self.post_point)
        self.assertTrue(order.fm_cc_slot_booked)
        self.assertEqual(order.fm_cc_state, "to_prepare")
        self.assertFalse(order.fm_cc_paid)
        self.assertEqual(order.fm_cc_pickup_code, PICKUP_CODE)
        self.assertEqual(self._ledger(member, "redeem").mapped("points"), [-100])

        # 3. Staff: ready (the customer gets her pickup code by SMS), handover.
        self._staff_hands_over(order)

        # 4. What she and the shop check: paid 500 DA cash, collected, points.
        self.env.invalidate_all()
        self.assertEqual(order.fm_cc_state, "collected")
        self.assertTrue(order.fm_cc_paid)
        self.assertEqual(order.picking_ids.state, "done")
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertAlmostEqual(invoice.amount_total, 500.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payment = invoice._get_reconciled_payments()
        self.assertEqual(payment.journal_id, self.cash_journal)
        self.assertAlmostEqual(sum(payment.mapped("amount")), 500.0)
        # 300 - 100 redeemed + 5 earned on the 500 DA paid (1 point per 100 DA).
        self.assertEqual(self._ledger(member, "redeem").mapped("points"), [-100])
        self.assertEqual(sum(self._ledger(member, "earn").mapped("points")), 5)
        self.assertEqual(order.flexi_loyalty_points_earned, 5)
        self.assertEqual(member.points_balance, 205)
