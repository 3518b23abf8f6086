import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosMemberSearch(FlexiLoyaltyPosCommon):
    def test_member_found_by_phone_typed_any_common_way(self):
        session = self._open_session().with_user(self.pos_user)
        for typed in (
            "0550 12 34 56",
            "+213 550 12 34 56",
            "00213550123456",
            "0550 12",
        ):
            found = session.flexi_loyalty_search_members(typed)
            self.assertEqual([m["id"] for m in found], self.member.ids, typed)
        member = found[0]
        self.assertEqual(member["name"], "Amina Benali")
        self.assertEqual(member["balance"], 300)
        self.assertEqual(member["program_name"], "Fidélité Traiteur")
        self.assertEqual(member["rewards"][0]["name"], "Bon de 500")

    def test_member_found_by_email_and_member_code(self):
        session = self._open_session().with_user(self.pos_user)
        by_email = session.flexi_loyalty_search_members("AMINA@example")
        by_code = session.flexi_loyalty_search_members(self.member.member_code)
        self.assertEqual([m["id"] for m in by_email], self.member.ids)
        self.assertEqual([m["id"] for m in by_code], self.member.ids)

    def test_unknown_phone_finds_nobody(self):
        session = self._open_session().with_user(self.pos_user)
        self.assertEqual(session.flexi_loyalty_search_members("0661 99 99 99"), [])

    def test_members_of_programs_not_on_this_till_are_not_found(self):
        other = self.env["flexi.loyalty.program"].create({"name": "Other shop"})
        self.env["flexi.loyalty.subscription"].create(
            {
                "partner_id": self.partner_test_1.id,
                "program_id": other.id,
                "phone": "0770 11 22 33",
            }
        )
        session = self._open_session().with_user(self.pos_user)
        self.assertEqual(session.flexi_loyalty_search_members("0770 11 22 33"), [])

    def test_search_among_many_members_returns_one(self):
        """5,000 members seeded set-based: the search still finds only Amina."""
        self.env.cr.execute(
            """
            WITH p AS (
                INSERT INTO res_partner (name, active, type, autopost_bills,
                                         create_date, write_date)
                SELECT 'Seed ' || i, TRUE, 'contact', 'ask', NOW(), NOW()
                  FROM generate_series(1, 5000) i RETURNING id)
            INSERT INTO flexi_loyalty_subscription (partner_id, program_id,
                company_id, phone, member_code, state, consent_channel,
                points_balance, notify_channel, create_date, write_date)
            SELECT p.id, %s, %s, '+2136' || lpad(p.id::text, 8, '0'),
                   'SD' || lpad(p.id::text, 8, '0'), 'active', 'counter', 0,
                   'sms', NOW(), NOW()
              FROM p
            """,
            [self.program.id, self.company.id],
        )
        session = self._open_session().with_user(self.pos_user)
        found = session.flexi_loyalty_search_members("0550 12 34 56")
        self.assertEqual(len(found), 1)
        self.assertLessEqual(len(session.flexi_loyalty_search_members("06")), 8)

    def test_startup_loads_programs_and_rewards_but_no_member(self):
        session = self._open_session().with_user(self.pos_user)
        data = session.load_data([])
        self.assertEqual(
            [p["id"] for p in data["flexi.loyalty.program"]["data"]], self.program.ids
        )
        self.assertEqual(
            [r["id"] for r in data["flexi.loyalty.reward"]["data"]], self.reward.ids
        )
        self.assertNotIn("flexi.loyalty.subscription", data)
        dumped = json.dumps(data, default=str)
        self.assertNotIn(self.member.member_code, dumped)
        self.assertNotIn("+213550123456", dumped)

    def test_enrol_at_till_creates_customer_and_membership(self):
        session = self._open_session().with_user(self.pos_user)
        with self.mockSMSGateway():
            members = session.flexi_loyalty_enroll(
                {"name": "Karim Haddad", "phone": "0661 23 45 67", "consent": True}
            )
        sub = self.env["flexi.loyalty.subscription"].browse(members[0]["id"])
        self.assertEqual(sub.partner_id.name, "Karim Haddad")
        self.assertEqual(sub.phone, "+213661234567")
        self.assertEqual(sub.consent_channel, "pos")
        self.assertEqual(sub.program_id, self.program)

    def test_enrol_without_consent_is_refused_and_nothing_written(self):
        session = self._open_session().with_user(self.pos_user)
        partners = self.env["res.partner"].search_count([])
        with self.assertRaisesRegex(UserError, "accept"):
            session.flexi_loyalty_enroll(
                {"name": "Karim Haddad", "phone": "0661 23 45 67", "consent": False}
            )
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_attack_enrol_with_wildcard_email_hands_out_no_other_customer(self):
        """A cashier enrols "Karim" with "%@%" or "amin_@example.com" as his
        email: each is one address, never a pattern matching Amina's."""
        session = self._open_session().with_user(self.pos_user)
        for typed in ("%@%", "%@example.com", "amin_@example.com", "_mina@example.com"):
            with self.mockSMSGateway():
                members = session.flexi_loyalty_enroll(
                    {"name": "Karim Haddad", "email": typed, "consent": True}
                )
            sub = self.env["flexi.loyalty.subscription"].browse(members[0]["id"])
            self.assertEqual(sub.partner_id.name, "Karim Haddad", typed)
            self.assertEqual(sub.partner_id.email, typed)
            self.assertNotEqual(sub, self.member, typed)
            self.assertNotIn("Amina", json.dumps(members), typed)

    def test_enrol_with_known_email_in_other_case_finds_that_customer(self):
        session = self._open_session().with_user(self.pos_user)
        partners = self.env["res.partner"].search_count([])
        with self.mockSMSGateway():
            members = session.flexi_loyalty_enroll(
                {"name": "Amina", "email": " AMINA@Example.COM ", "consent": True}
            )
        self.assertEqual([m["id"] for m in members], self.member.ids)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)

    def test_attack_cashier_switches_off_codes_or_writes_a_receipt(self):
        config = self.main_pos_config.with_user(self.pos_user)
        for vals in (
            {"flexi_loyalty_otp_required": False},
            {"flexi_loyalty_program_ids": [(5, 0, 0)]},
        ):
            with self.assertRaises(AccessError):
                config.write(vals)
        self.assertTrue(self.main_pos_config.flexi_loyalty_otp_required)
        session = self._open_session()
        order = self._sync(
            self._ui_order(
                session, [self._line(self.couscous, 1)], partner=self.customer
            )
        )
        line = order.lines.with_user(self.pos_user)
        for target, vals in (
            (order.with_user(self.pos_user), {"flexi_loyalty_points_earned": 10_000}),
            (order.with_user(self.pos_user), {"flexi_loyalty_balance": 10_000}),
            (line, {"flexi_loyalty_token": "forged"}),
            (line, {"flexi_loyalty_tier_discount": True}),
        ):
            with self.assertRaises(AccessError):
                target.write(vals)
