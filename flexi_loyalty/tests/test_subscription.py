from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSubscription(FlexiLoyaltyCommon):
    def test_phone_is_stored_in_international_format(self):
        self.assertEqual(self.member.phone, "+213550123456")
        self.assertEqual(self.member.email, "amina@example.com")
        for typed in ("+213 661 22 33 44", "00213661223344", "0661-22-33-44"):
            self.member.phone = typed
            self.assertEqual(self.member.phone, "+213661223344")

    def test_national_numbers_are_read_in_the_company_country(self):
        """A shop in France types French numbers; the customer's own country
        wins when known."""
        self.company.country_id = self.env.ref("base.fr")
        Sub = self.env["flexi.loyalty.subscription"]
        partner = self.env["res.partner"].create({"name": "Claire"})
        member = Sub.create(
            {
                "partner_id": partner.id,
                "program_id": self.program.id,
                "phone": "06 12 34 56 78",
            }
        )
        self.assertEqual(member.phone, "+33612345678")
        self.assertEqual(Sub._flexi_search_members("06 12 34"), member)
        self.assertEqual(
            Sub._flexi_normalize_phone("0550 12 34 56", self.customer),
            "+213550123456",
        )

    def test_invalid_phone_is_refused_clearly(self):
        partner = self.env["res.partner"].create({"name": "Typo"})
        with self.assertRaisesRegex(ValidationError, "not a valid mobile number"):
            self.env["flexi.loyalty.subscription"].create(
                {
                    "partner_id": partner.id,
                    "program_id": self.program.id,
                    "phone": "0550 12",
                }
            )
        self.assertFalse(partner.flexi_loyalty_subscription_ids)

    def test_member_needs_a_phone_or_an_email(self):
        partner = self.env["res.partner"].create({"name": "Unreachable"})
        with self.assertRaisesRegex(ValidationError, "email address or a mobile"):
            self.env["flexi.loyalty.subscription"].create(
                {"partner_id": partner.id, "program_id": self.program.id}
            )

    def test_one_membership_per_customer_and_program(self):
        again = self.env["flexi.loyalty.subscription"]._flexi_enroll(
            self.customer, self.program
        )
        self.assertEqual(again, self.member)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.env["flexi.loyalty.subscription"].create(
                {"partner_id": self.customer.id, "program_id": self.program.id}
            )

    def test_member_codes_are_unguessable_and_unique(self):
        partners = self.env["res.partner"].create(
            [{"name": f"M{i}", "email": f"m{i}@example.com"} for i in range(30)]
        )
        subs = self.env["flexi.loyalty.subscription"].create(
            [{"partner_id": p.id, "program_id": self.program.id} for p in partners]
        )
        codes = subs.mapped("member_code")
        self.assertEqual(len(set(codes)), 30)
        self.assertTrue(all(len(code) >= 10 for code in codes))
        self.assertFalse(any(code.isdigit() for code in codes))

    def test_partner_smart_button_shows_balance(self):
        self._order([(self.dish, 3)]).action_confirm()
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.flexi_loyalty_points, 30)
        action = self.customer.action_view_flexi_loyalty()
        self.assertEqual(action["res_id"], self.member.id)
