import copy

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


class PosReferralCommon(FlexiLoyaltyPosCommon):
    """Amina (member, 300 points) sends Karim to the till with her code:
    welcome voucher for Karim, 40 points for Amina once Karim has paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {
                "referral_enabled": True,
                "referral_points": 40,
                "referral_voucher_value": 200.0,
            }
        )
        cls.code = cls.member.referral_code

    def _enrol(self, session, code=None, name="Samir Kaci", phone="0661 22 33 44"):
        with self.mockSMSGateway():
            members = session.flexi_loyalty_enroll(
                {
                    "name": name,
                    "phone": phone,
                    "consent": True,
                    "referral_code": code if code is not None else self.code,
                }
            )
        return self.env["res.partner"].browse(members[0]["partner_id"]), members[0]

    def _referral(self, partner):
        return self.env["flexi.loyalty.referral"].search(
            [("partner_id", "=", partner.id)]
        )


@tagged("post_install", "-at_install")
class TestPosReferral(PosReferralCommon):
    def test_cashier_types_the_code_for_a_new_customer(self):
        session = self._open_session()
        friend, data = self._enrol(session.with_user(self.pos_user))
        referral = self._referral(friend)
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.channel, "pos")
        self.assertEqual(referral.voucher_id.partner_id, friend)
        self.assertEqual(data["welcome_voucher"], referral.voucher_id.code)

    def test_friends_paid_ticket_pays_the_member_once(self):
        session = self._open_session()
        friend, _data = self._enrol(session)
        vals = self._ui_order(session, [self._line(self.couscous, 2)], partner=friend)
        order = self._sync(copy.deepcopy(vals), user=self.pos_user)
        self.assertEqual(self._referral(friend).state, "converted")
        self.assertEqual(self._balance(), 340)
        # The till sends it again, then the friend comes back: nothing more.
        self._sync(copy.deepcopy(vals), user=self.pos_user)
        self._sync(
            self._ui_order(session, [self._line(self.couscous, 1)], partner=friend)
        )
        self.assertEqual(self._balance(), 340)
        self.assertEqual(self._referral(friend).conversion_ref, order)

    def test_refunding_the_whole_ticket_takes_the_points_back(self):
        session = self._open_session()
        friend, _data = self._enrol(session)
        order = self._sync(
            self._ui_order(session, [self._line(self.couscous, 2)], partner=friend)
        )
        line = order.lines
        self._sync(
            self._ui_order(
                session,
                [self._line(self.couscous, -1, refunded_orderline_id=line.id)],
                partner=friend,
            )
        )
        self.assertEqual(self._referral(friend).state, "converted", "half refunded")
        self.assertEqual(self._balance(), 340)
        self._sync(
            self._ui_order(
                session,
                [self._line(self.couscous, -1, refunded_orderline_id=line.id)],
                partner=friend,
            )
        )
        self.assertEqual(self._referral(friend).state, "reversed")
        self.assertEqual(self._balance(), 300)

    def test_the_member_cannot_refer_themselves_at_the_till(self):
        session = self._open_session()
        # Amina's own mobile under another name.
        with self.assertRaisesRegex(UserError, "members cannot refer themselves"):
            self._enrol(session, name="A. Benali", phone="0550 12 34 56")
        self.assertFalse(self.env["flexi.loyalty.referral"].search([]))

    def test_a_customer_who_already_paid_at_the_till_is_refused(self):
        session = self._open_session()
        friend, _data = self._enrol(session, code="")
        self._sync(
            self._ui_order(session, [self._line(self.couscous, 1)], partner=friend)
        )
        with self.assertRaisesRegex(UserError, "already a customer"):
            self._enrol(session)
        self.assertFalse(self._referral(friend))

    def test_a_wrong_code_is_refused_and_nobody_is_enrolled(self):
        session = self._open_session()
        Partner = self.env["res.partner"]
        with self.assertRaisesRegex(UserError, "is not a referral code"):
            self._enrol(session, code="12")
        with self.assertRaisesRegex(UserError, "is not a valid referral code"):
            self._enrol(session, code="ZZZZ2222")
        self.assertFalse(Partner.search([("name", "=", "Samir Kaci")]))

    def test_receipt_prints_the_members_code_the_browser_cannot_set_it(self):
        session = self._open_session()
        vals = self._ui_order(
            session, [self._line(self.couscous, 1)], partner=self.customer
        )
        vals["flexi_loyalty_referral_code"] = "AAAA2222"
        order = self._sync(vals, user=self.pos_user)
        self.assertEqual(order.flexi_loyalty_referral_code, self.code)
        self.program.referral_enabled = False
        order = self._sync(
            self._ui_order(
                session, [self._line(self.couscous, 1)], partner=self.customer
            )
        )
        self.assertFalse(order.flexi_loyalty_referral_code)


@tagged("post_install", "-at_install")
class TestPosReferralTour(PosReferralCommon):
    def test_cashier_enrols_a_referred_friend_who_pays(self):
        """Cashier: new customer + member's code → voucher → paid ticket."""
        with self.member._flexi_trusted():
            self.member.write({"referral_code": "TEST2345"})
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with self.mockSMSGateway():
            self.start_pos_tour("flexi_loyalty_pos_referral_tour")
        friend = self.env["res.partner"].search([("name", "=", "Samir Kaci")])
        referral = self._referral(friend)
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.channel, "pos")
        self.assertEqual(referral.voucher_id.value, 200.0)
        order = self.env["pos.order"].search(
            [("session_id", "=", self.main_pos_config.current_session_id.id)]
        )
        self.assertEqual(order.partner_id, friend)
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.conversion_ref, order)
        self.assertEqual(self._balance(), 340)
        friend_member = friend.flexi_loyalty_subscription_ids
        self.assertEqual(order.flexi_loyalty_referral_code, friend_member.referral_code)
