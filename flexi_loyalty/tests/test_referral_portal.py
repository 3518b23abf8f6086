from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_referral import ReferralCommon


@tagged("post_install", "-at_install")
class TestReferralPortal(HttpCase, ReferralCommon):
    """The member's link on the portal, the friend's way in: /r/<code>, then
    sign-up."""

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
        cls.env["ir.config_parameter"].set_param("auth_signup.invitation_scope", "b2c")

    def _signup(self, login, name="Karim Haddad"):
        """A visitor's sign-up form, sent as a browser sends it; the browser
        then keeps the signed-in session the server answers with."""
        response = self.url_open(
            "/web/signup",
            data={
                "login": login,
                "name": name,
                "password": "karim-secret-2026",
                "confirm_password": "karim-secret-2026",
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        # The test's own cookie has no domain, the server's has: keep the
        # server's, as a browser holding one cookie would.
        served = [
            c.value for c in self.opener.cookies if c.name == "session_id" and c.domain
        ]
        if served:
            self.opener.cookies.clear()
            self.opener.cookies.set("session_id", served[-1])
        return response

    def _referral_of(self, login):
        partner = self.env["res.users"].search([("login", "=", login)]).partner_id
        return self.env["flexi.loyalty.referral"].search(
            [("partner_id", "=", partner.id)]
        )

    # ------------------------------------------------------------ the member

    def test_member_sees_their_link_code_and_the_friends_they_brought(self):
        order, _referral = self._referred_order()
        self._invoice_and_pay(order)
        nadia = self._new_partner("Nadia Ouali", email="nadia@example.com")
        self._referred_order(partner=nadia)
        self.authenticate("amina.portal", "amina.portal")
        page = self.url_open(f"/my/loyalty/{self.member.id}").text
        self.assertIn(self.code, page)
        self.assertIn(f"/r/{self.code}", page)
        self.assertEqual(page.count("o_flexi_loyalty_referral_friend"), 2)
        # First names only, with what each friend brought.
        self.assertIn("Karim", page)
        self.assertNotIn("Haddad", page)
        self.assertNotIn("Ouali", page)
        self.assertIn("+50 pts", page)

    def test_another_members_referrals_stay_hidden(self):
        nadia = self._new_partner("Nadia Ouali", email="nadia@example.com")
        other = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": nadia.id, "program_id": self.program.id}
        )
        self.Referral._flexi_refer(other.referral_code, self.friend, "signup")
        self.authenticate("amina.portal", "amina.portal")
        response = self.url_open(f"/my/loyalty/{other.id}")
        self.assertEqual(response.status_code, 403)
        # Nor over RPC: the friend's contacts never reach the member.
        with self.assertRaises(AccessError):
            self.Referral.with_user(self.portal_user).search_read([], ["partner_id"])

    # ------------------------------------------------------------ the friend

    def test_link_tells_the_visitor_the_welcome_voucher_not_who_sent_it(self):
        self.authenticate(None, None)
        response = self.url_open(f"/r/{self.code.lower()}")
        self.assertEqual(response.status_code, 200)
        page = response.text
        self.assertIn("o_flexi_loyalty_referral_signup", page)
        self.assertIn(self.program.name, page)
        self.assertIn(self.code, page)
        for secret in ("Amina", "Benali", "amina@example.com", "550"):
            self.assertNotIn(secret, page)

    def test_visitor_fishing_for_codes_learns_nothing(self):
        self.authenticate(None, None)
        for code in ("ZZZZ2222", "AB", self.member.member_code):
            with self.subTest(code=code):
                page = self.url_open(f"/r/{code}").text
                self.assertIn("o_flexi_loyalty_referral_error", page)
                self.assertNotIn("o_flexi_loyalty_referral_signup", page)
        # A signup after a wrong code is no referral.
        self._signup("fisher@example.com", "Fisher")
        self.assertFalse(self._referral_of("fisher@example.com"))

    def test_signup_with_the_link_gives_the_welcome_voucher(self):
        self.authenticate(None, None)
        self.url_open(f"/r/{self.code}")
        self._signup("karim.new@example.com")
        referral = self._referral_of("karim.new@example.com")
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.channel, "signup")
        self.assertEqual(referral.voucher_id.value, 300.0)
        self.assertEqual(referral.voucher_id.partner_id, referral.partner_id)
        # The new customer is signed in and reads what they received, once.
        page = self.url_open("/my/loyalty").text
        self.assertIn(referral.voucher_id.code, page)
        self.assertNotIn(referral.voucher_id.code, self.url_open("/my/loyalty").text)

    def test_member_signing_up_again_with_their_own_link_gets_nothing(self):
        self.authenticate(None, None)
        self.url_open(f"/r/{self.code}")
        # The same mailbox under a "+tag": the account is made, not the referral.
        self._signup("Amina+again@example.com", "Amina B.")
        self.assertFalse(self._referral_of("amina+again@example.com"))
        page = self.url_open("/my/loyalty").text
        self.assertIn("same email address", page)

    def test_signed_in_member_opening_their_own_link_is_told_why_not(self):
        self.authenticate("amina.portal", "amina.portal")
        page = self.url_open(f"/r/{self.code}").text
        self.assertIn("their own referral code", page)
        self.assertFalse(self.Referral.search([]))

    def test_staff_opening_a_members_link_are_not_referred(self):
        self.authenticate("admin", "admin")
        page = self.url_open(f"/r/{self.code}").text
        self.assertIn(self.code, page)
        self.assertFalse(self.Referral.search([]))

    def test_signed_in_new_customer_opening_a_link_is_referred(self):
        new_test_user(
            self.env,
            login="karim.portal",
            groups="base.group_portal",
            partner_id=self.friend.id,
            email=self.friend.email,
        )
        self.authenticate("karim.portal", "karim.portal")
        page = self.url_open(f"/r/{self.code}").text
        referral = self.Referral.search([("partner_id", "=", self.friend.id)])
        self.assertEqual(referral.channel, "portal")
        self.assertIn(referral.voucher_id.code, page)
        # Opening it again changes nothing.
        self.url_open(f"/r/{self.code}")
        self.assertEqual(
            self.env["flexi.loyalty.voucher"].search_count(
                [("partner_id", "=", self.friend.id)]
            ),
            1,
        )
