from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import FlexiLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosTierDiscount(FlexiLoyaltyPosCommon):
    """The server decides the tier discount: a line marked as carrying it
    must have exactly the discount of the customer's tier."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold = cls.env["flexi.loyalty.tier"].create(
            {
                "name": "Or",
                "program_id": cls.program.id,
                "threshold": 0,
                "discount_percent": 5.0,
            }
        )
        cls._set_tier(cls.member, cls.gold)

    def _tier_order(self, session, discount, partner, qty=2):
        total = 1000.0 * qty * (1 - discount / 100)
        line = self._line(
            self.couscous,
            qty,
            discount=discount,
            price_subtotal=total,
            price_subtotal_incl=total,
            flexi_loyalty_tier_discount=True,
        )
        vals = self._ui_order(session, [line], partner=partner)
        vals.update(amount_paid=total, amount_total=total)
        vals["payment_ids"][0][2]["amount"] = total
        return vals

    def _assert_refused(self, vals, message):
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self._sync(vals)
        self.assertFalse(
            self.env["pos.order"].search([("uuid", "=", vals["uuid"])]),
            "A refused order is not saved: it stays in the till's queue.",
        )

    def test_member_tier_discount_is_accepted(self):
        session = self._open_session()
        order = self._sync(self._tier_order(session, 5.0, self.customer))
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.lines.discount, 5.0)
        self.assertTrue(order.lines.flexi_loyalty_tier_discount)
        self.assertEqual(order.amount_total, 1900.0)
        # 1,900 DA after the tier discount: 19 points.
        self.assertEqual(order.flexi_loyalty_points_earned, 19)
        self.assertEqual(self._balance(), 319)

    def test_forged_tier_discount_is_refused(self):
        session = self._open_session()
        vals = self._tier_order(session, 50.0, self.customer)
        self._assert_refused(vals, r"tier discount \(5 %\), not 50 %")
        self.assertEqual(self._balance(), 300, "Nothing is earned.")

    def test_tier_discount_for_non_member_is_refused(self):
        session = self._open_session()
        stranger = self.env["res.partner"].create({"name": "Karim Haddad"})
        vals = self._tier_order(session, 5.0, stranger)
        self._assert_refused(vals, "has no loyalty tier discount")

    def test_tier_discount_without_customer_is_refused(self):
        session = self._open_session()
        vals = self._tier_order(session, 5.0, self.env["res.partner"])
        self._assert_refused(vals, "has no loyalty tier discount")

    def test_tier_discount_of_inactive_member_is_refused(self):
        session = self._open_session()
        self.member.state = "suspended"
        vals = self._tier_order(session, 5.0, self.customer)
        self._assert_refused(vals, "has no loyalty tier discount")
        self.assertEqual(self._balance(), 300)

    def test_manual_discount_is_left_to_odoo(self):
        """An unmarked discount is the cashier's: not the tier's concern."""
        session = self._open_session()
        stranger = self.env["res.partner"].create({"name": "Karim Haddad"})
        vals = self._tier_order(session, 10.0, stranger)
        vals["lines"][0][2]["flexi_loyalty_tier_discount"] = False
        order = self._sync(vals)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.lines.discount, 10.0)
