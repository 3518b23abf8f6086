from datetime import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOW, FmAntiwasteCommon

TODAY_EVENING = datetime(2025, 5, 10, 20, 0)  # 21:00 in Algiers
IN_3_DAYS = datetime(2025, 5, 13, 12, 0)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestMarkdownConfirmation(FmAntiwasteCommon):
    """Two quotations hold the last marked-down units; the first confirmed
    takes them, the other is charged what is left at confirmation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Yacine Vendeur",
                "login": "yacine",
                "groups_id": [
                    Command.set([cls.env.ref("sales_team.group_sale_salesman").id])
                ],
            }
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Karim Haddad"})

    def _quotation(self, qty, partner=None):
        """A quotation the salesman builds, priced while the units are left."""
        return (
            self.env["sale.order"]
            .with_user(self.salesman)
            .create(
                {
                    "partner_id": (partner or self.customer).id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.salad.id, "product_uom_qty": qty}
                        )
                    ],
                }
            )
        )

    def _stock(self, near_expiry):
        self._lot(self.salad, TODAY_EVENING, near_expiry)
        self._lot(self.salad, IN_3_DAYS, 10)
        return self._recompute()

    def _notes(self, order):
        return order.message_ids.filtered(
            lambda m: "Anti-waste prices updated" in (m.body or "")
        )

    def test_attack_second_cart_confirmed_after_the_last_units_went_pays_full(self):
        self._stock(2)
        first = self._quotation(2, self.other_customer)
        second = self._quotation(2)
        self.assertAlmostEqual(second.amount_untaxed, 140.0, msg="both see 2 left")
        first.action_confirm()
        second.action_confirm()
        self.assertEqual(second.state, "sale")
        self.assertAlmostEqual(first.amount_untaxed, 140.0)
        self.assertAlmostEqual(second.amount_untaxed, 200.0)
        self.assertEqual(second.order_line.fm_antiwaste_qty, 0)
        note = self._notes(second)
        self.assertEqual(len(note), 1)
        self.assertIn("0 of 2 units", note.body)
        self.assertFalse(self._notes(first))

    def test_units_partly_left_are_charged_at_the_blended_price(self):
        self._stock(3)
        first = self._quotation(2, self.other_customer)
        second = self._quotation(2)
        self.assertAlmostEqual(second.amount_untaxed, 140.0)
        first.action_confirm()
        second.action_confirm()
        # 1 unit left at 70, the other at 100.
        self.assertEqual(second.order_line.fm_antiwaste_qty, 1)
        self.assertAlmostEqual(second.order_line.price_unit, 85.0)
        self.assertAlmostEqual(second.amount_untaxed, 170.0)
        self.assertIn("1 of 2 units", self._notes(second).body)

    def test_attack_confirming_two_carts_at_once_sells_the_last_units_once(self):
        self._stock(2)
        first = self._quotation(2, self.other_customer)
        second = self._quotation(2)
        (first | second).with_user(self.salesman).action_confirm()
        self.assertEqual((first | second).mapped("state"), ["sale", "sale"])
        self.assertEqual(
            sorted((first | second).mapped("amount_untaxed")), [140.0, 200.0]
        )
        self.assertEqual(sum((first | second).order_line.mapped("fm_antiwaste_qty")), 2)

    def test_quotation_still_covered_keeps_its_price_and_no_note(self):
        self._stock(4)
        first = self._quotation(2, self.other_customer)
        second = self._quotation(2)
        first.action_confirm()
        second.action_confirm()
        self.assertAlmostEqual(second.amount_untaxed, 140.0)
        self.assertEqual(second.order_line.fm_antiwaste_qty, 2)
        self.assertFalse(self._notes(second))
