from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.misc import format_date

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, FlexiLoyaltyCommon):
    """The customer's own loyalty pages, read as the portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="amina.portal",
            groups="base.group_portal",
            partner_id=cls.customer.id,
            email=cls.customer.email,
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Yacine Haddad", "email": "yacine@example.com"}
        )
        cls.other_member = cls.env["flexi.loyalty.subscription"].create(
            {"partner_id": cls.other_customer.id, "program_id": cls.program.id}
        )
        cls.other_member._flexi_adjust(777, "Gift to Yacine")
        cls.order = cls._order([(cls.dish, 3)])
        cls.order.action_confirm()  # 3000 DA untaxed -> 30 points
        cls.program.description = "<p>Points are valid 18 months.</p>"
        cls.env["flexi.loyalty.reward"].create(
            [
                {
                    "name": "Free dessert",
                    "program_id": cls.program.id,
                    "reward_type": "credit",
                    "credit_amount": 300.0,
                    "points_cost": 20,
                },
                {
                    "name": "Family platter",
                    "program_id": cls.program.id,
                    "reward_type": "credit",
                    "credit_amount": 5000.0,
                    "points_cost": 500,
                },
            ]
        )
        cls.program_2 = cls.env["flexi.loyalty.program"].create(
            {"name": "Club Pâtisserie", "amount_per_point": 50.0}
        )

    def setUp(self):
        super().setUp()
        self.authenticate("amina.portal", "amina.portal")

    def _join(self, program_id, **data):
        data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(f"/my/loyalty/join/{program_id}", data=data)

    def _members(self, program):
        return self.env["flexi.loyalty.subscription"].search(
            [("partner_id", "=", self.customer.id), ("program_id", "=", program.id)]
        )

    def test_member_page_shows_own_balance_history_and_rewards(self):
        response = self.url_open(f"/my/loyalty/{self.member.id}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("30 pts", page)
        self.assertIn(self.order.name, page)
        self.assertIn(f"/my/orders/{self.order.id}", page)
        self.assertIn("Points are valid 18 months.", page)
        self.assertIn("Free dessert", page)
        self.assertIn("Family platter", page)
        # Only the reward within the 30 points is marked as available.
        self.assertEqual(page.count("o_flexi_loyalty_affordable"), 1)
        self.assertNotIn("Yacine", page)

    def test_member_page_shows_tier_and_next_expiry(self):
        gold = self.env["flexi.loyalty.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 1}
        )
        self._set_tier(self.member, gold)
        expiry = self._lines(move_type="earn").expiry_date
        page = self.url_open(f"/my/loyalty/{self.member.id}").text
        self.assertIn("Gold", page)
        self.assertIn(format_date(self.env, expiry), page)
        self.assertNotIn("None of your points expire.", page)

    def test_overview_lists_memberships_and_open_programs(self):
        page = self.url_open("/my/loyalty").text
        self.assertIn(f"/my/loyalty/{self.member.id}", page)
        self.assertIn(f"/my/loyalty/join/{self.program_2.id}", page)
        self.assertNotIn(f"/my/loyalty/{self.other_member.id}", page)

    def test_home_counter_counts_own_memberships(self):
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["flexi_loyalty_count"]}
        )
        self.assertEqual(result["flexi_loyalty_count"], 1)

    def test_portal_home_links_to_loyalty(self):
        response = self.url_open("/my/home")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/loyalty"', response.text)
        self.assertIn('data-placeholder_count="flexi_loyalty_count"', response.text)

    def test_other_members_page_is_forbidden(self):
        response = self.url_open(f"/my/loyalty/{self.other_member.id}")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("Yacine", response.text)

    def test_unknown_member_is_not_found(self):
        response = self.url_open("/my/loyalty/987654321")
        self.assertEqual(response.status_code, 404)

    def test_join_with_consent_creates_portal_membership(self):
        response = self._join(self.program_2.id, consent="1", phone="0661 23 45 67")
        member = self._members(self.program_2)
        self.assertEqual(len(member), 1)
        self.assertEqual(member.consent_channel, "portal")
        self.assertEqual(member.phone, "+213661234567")
        self.assertTrue(response.url.endswith(f"/my/loyalty/{member.id}"))

    def test_join_without_consent_is_refused(self):
        response = self._join(self.program_2.id, phone="0661 23 45 67")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Please accept the terms of the program", response.text)
        self.assertFalse(self._members(self.program_2))

    def test_join_with_invalid_phone_shows_error(self):
        response = self._join(self.program_2.id, consent="1", phone="12")
        self.assertEqual(response.status_code, 200)
        self.assertIn("12 is not a valid mobile number.", response.text)
        self.assertIn('value="12"', response.text)
        self.assertFalse(self._members(self.program_2))

    def test_join_twice_keeps_one_membership(self):
        response = self._join(self.program.id, consent="1")
        self.assertEqual(len(self._members(self.program)), 1)
        self.assertTrue(response.url.endswith(f"/my/loyalty/{self.member.id}"))

    @mute_logger("odoo.http")
    def test_join_without_csrf_token_is_rejected(self):
        response = self.url_open(
            f"/my/loyalty/join/{self.program_2.id}", data={"consent": "1"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._members(self.program_2))

    def test_join_tampered_programs_is_not_found(self):
        archived = self.env["flexi.loyalty.program"].create(
            {"name": "Old program", "active": False}
        )
        other_company = self.env["res.company"].create({"name": "Other Shop"})
        foreign = self.env["flexi.loyalty.program"].create(
            {"name": "Foreign program", "company_id": other_company.id}
        )
        for program_id in (archived.id, foreign.id, 987654321):
            with self.subTest(program_id=program_id):
                response = self._join(program_id, consent="1")
                self.assertEqual(response.status_code, 404)
        self.assertEqual(
            self.env["flexi.loyalty.subscription"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )

    def test_history_is_paginated(self):
        for n in range(25):
            self.member._flexi_adjust(1, f"Gift {n}")
        first = self.url_open(f"/my/loyalty/{self.member.id}").text
        self.assertEqual(first.count("o_flexi_loyalty_history_line"), 20)
        second = self.url_open(f"/my/loyalty/{self.member.id}/page/2").text
        self.assertEqual(second.count("o_flexi_loyalty_history_line"), 6)


@tagged("post_install", "-at_install")
class TestEnrolWizard(FlexiLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.karim = cls.env["res.partner"].create({"name": "Karim Ait"})
        cls.salesman = new_test_user(
            cls.env, login="salesman.flexi", groups="sales_team.group_sale_salesman"
        )

    def _wizard(self, **vals):
        Wizard = self.env["flexi.loyalty.enrol.wizard"].with_user(self.salesman)
        return Wizard.create({"program_id": self.program.id, **vals})

    def test_wizard_creates_normalized_membership(self):
        wizard = self._wizard(
            partner_id=self.karim.id,
            phone="0661 23 45 67",
            email=" Karim@Example.com ",
            consent_channel="phone",
        )
        action = wizard.action_enrol()
        member = self.env["flexi.loyalty.subscription"].browse(action["res_id"])
        self.assertEqual(member.partner_id, self.karim)
        self.assertEqual(member.phone, "+213661234567")
        self.assertEqual(member.email, "karim@example.com")
        self.assertEqual(member.consent_channel, "phone")

    def test_wizard_prefills_contact_of_customer(self):
        form = Form(
            self.env["flexi.loyalty.enrol.wizard"]
            .with_user(self.salesman)
            .with_context(default_partner_id=self.customer.id)
        )
        self.assertEqual(form.phone, "0550 12 34 56")
        self.assertEqual(form.email, "amina@example.com")
        # The only running program is proposed.
        self.assertEqual(form.program_id, self.program)

    def test_wizard_from_order_takes_its_customer(self):
        order = self._order([(self.drink, 1)], partner=self.karim)
        Wizard = (
            self.env["flexi.loyalty.enrol.wizard"]
            .with_user(self.salesman)
            .with_context(default_sale_order_id=order.id)
        )
        wizard = Wizard.create({"program_id": self.program.id, "phone": "0661234567"})
        self.assertEqual(wizard.partner_id, self.karim)
        wizard.action_enrol()
        order.invalidate_recordset(["flexi_loyalty_subscription_ids"])
        self.assertEqual(order.flexi_loyalty_subscription_ids.partner_id, self.karim)

    def test_order_form_shows_membership_and_points_to_earn(self):
        form = Form(self.env["sale.order"].with_user(self.salesman))
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.dish
            line.product_uom_qty = 2
        self.assertEqual(form.flexi_loyalty_subscription_ids[:], self.member)
        self.assertEqual(form.flexi_loyalty_points_preview, 20)

    def test_wizard_refuses_existing_member(self):
        wizard = self._wizard(partner_id=self.customer.id)
        with self.assertRaises(UserError) as caught:
            wizard.action_enrol()
        self.assertIn("already a member", str(caught.exception))
        self.assertEqual(len(self.customer.flexi_loyalty_subscription_ids), 1)

    def test_wizard_invalid_phone_creates_nothing(self):
        wizard = self._wizard(partner_id=self.karim.id, phone="12")
        with self.assertRaises(ValidationError) as caught:
            wizard.action_enrol()
        self.assertIn("12 is not a valid mobile number", str(caught.exception))
        self.assertFalse(self.karim.flexi_loyalty_subscription_ids)

    def test_wizard_needs_phone_or_email(self):
        wizard = self._wizard(partner_id=self.karim.id)
        with self.assertRaises(ValidationError) as caught:
            wizard.action_enrol()
        self.assertIn("email address or a mobile number", str(caught.exception))
        self.assertFalse(self.karim.flexi_loyalty_subscription_ids)
