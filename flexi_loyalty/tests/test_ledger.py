from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import FlexiLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLedger(FlexiLoyaltyCommon):
    def test_confirmation_earns_whole_points(self):
        order = self._order([(self.dish, 2), (self.drink, 3)])  # 2000 + 450 HT
        self.assertEqual(order.flexi_loyalty_points_preview, 24)
        order.action_confirm()
        self.assertEqual(self._lines().mapped("points"), [24])
        self.assertEqual(self.member.points_balance, 24)
        self.assertEqual(order.flexi_loyalty_points_earned, 24)
        self.assertBalanceIsLedger()

    def test_the_one_writer_posts_once_and_refuses_what_is_no_column(self):
        Line = self.env["flexi.loyalty.ledger.line"]
        vals = {
            "subscription_id": self.member.id,
            "move_type": "bonus",
            "points": 5,
            "reason": "Welcome gift",
            "idempotency_key": "test:welcome-gift",
        }
        with self.assertRaises(ValueError):
            Line._flexi_post([dict(vals, colour="red")])
        line = Line._flexi_post([vals])
        # The ORM sees the new line and balance without being asked to reread.
        self.assertEqual(self.member.points_balance, 5)
        self.assertEqual(self.member.points_available, 5)
        self.assertIn(line, self.member.line_ids)
        self.assertEqual(line.partner_id, self.customer)
        self.assertEqual(line.currency_id, self.company.currency_id)
        self.assertFalse(Line._flexi_post([vals]), "same key: posted once")
        self.assertEqual(self.member.points_balance, 5)
        self.assertBalanceIsLedger()

    def _bonuses(self, count, key, points=1):
        return self.env["flexi.loyalty.ledger.line"]._flexi_post(
            [
                {
                    "subscription_id": self.member.id,
                    "move_type": "bonus",
                    "points": points,
                    "reason": "Gift",
                    "idempotency_key": f"test:{key}:{i}",
                }
                for i in range(count)
            ]
        )

    def test_postings_go_on_after_a_failed_one_and_a_rollback(self):
        # As a connection fresh from the pool: no statement prepared yet.
        self.env.cr.execute("DEALLOCATE ALL")
        self.env.cr.cache.pop("flexi_loyalty_post_statements", None)
        self._bonuses(1, "first", points=3)
        # The second posting prepares the statement, then fails in it.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._bonuses(1, "refused", points=0)
        self._bonuses(1, "after-failure", points=5)
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self._bonuses(1, "rolled-back", points=100)
            raise UserError("The till gave up.")
        self._bonuses(1, "after-rollback", points=7)
        self.assertEqual(self.member.points_balance, 15)
        self.assertEqual(sorted(self._lines().mapped("points")), [3, 5, 7])
        self.assertBalanceIsLedger()

    def test_batches_of_every_size_post_every_line(self):
        # Each size three times: a plain run, the one that prepares, a reuse.
        posted = 0
        for size in (1, 3, 65, 100):
            for run in range(3):
                lines = self._bonuses(size, f"{size}:{run}")
                self.assertEqual(len(lines), size)
                posted += size
        self.assertEqual(self.member.points_balance, posted)
        self.assertBalanceIsLedger()

    def test_postings_go_on_after_a_column_is_added_to_the_ledger(self):
        # As a module upgrade does while statements are prepared.
        for run in range(3):
            self._bonuses(1, f"before:{run}")
        self.env.cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN x_test_colour varchar",
                SQL.identifier(self.env["flexi.loyalty.ledger.line"]._table),
            )
        )
        line = self._bonuses(1, "after", points=4)
        self.assertEqual(line.points, 4)
        self.assertEqual(self.member.points_balance, 7)
        self.assertBalanceIsLedger()

    def test_a_column_an_earlier_batch_lacked_is_written(self):
        # Statements prepared for rows without a column (as before an addon
        # adds one) never serve rows that have it.
        Line = self.env["flexi.loyalty.ledger.line"]
        flexi_rows = type(Line)._flexi_rows

        def rows_without_reason(self, vals_list):
            rows = flexi_rows(self, vals_list)
            for row in rows:
                del row["reason"]
            return rows

        with patch.object(type(Line), "_flexi_rows", rows_without_reason):
            for run in range(3):
                self.assertFalse(self._bonuses(1, f"short:{run}").reason)
        self.assertEqual(self._bonuses(1, "full").reason, "Gift")
        self.assertBalanceIsLedger()

    def test_tax_included_base_counts_taxes(self):
        self.program.amount_base = "tax_included"
        order = self._order([(self.dish, 1)])  # 1000 HT = 1190 TTC
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 11)

    def test_points_are_rounded_down_without_residue(self):
        order = self._order([(self.drink, 1, 99.99)])
        order.action_confirm()
        self.assertFalse(self._lines())
        order = self._order([(self.drink, 3, 0.7 + 0.1 + 99.2)])  # 300.0 exactly
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 3)

    def test_confirming_twice_earns_once(self):
        order = self._order([(self.dish, 1)])
        order.action_confirm()
        order._flexi_loyalty_earn_on("confirm")  # a retried hook
        order._action_confirm()
        self.assertEqual(self._lines().mapped("points"), [10])
        self.assertBalanceIsLedger()

    def test_earned_points_are_valid_18_months(self):
        order = self._order([(self.dish, 1)])
        order.action_confirm()
        today = fields.Date.context_today(order)
        self.assertEqual(self._lines().expiry_date, fields.Date.add(today, months=18))

    def test_cancel_reverses_with_a_new_line_and_reconfirm_earns_again(self):
        order = self._order([(self.dish, 1)])
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(sorted(self._lines().mapped("points")), [-10, 10])
        self.assertEqual(self.member.points_balance, 0)
        order._action_cancel()  # retried cancel: nothing more
        self.assertEqual(len(self._lines()), 2)
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 10)
        self.assertEqual(len(self._lines()), 3)
        self.assertBalanceIsLedger()

    def test_each_reconfirmation_earns_once_and_its_retry_nothing(self):
        order = self._order([(self.dish, 1)])
        for cycle in range(3):
            order.action_confirm()
            order._flexi_loyalty_earn_on("confirm")  # a retried hook
            self.assertEqual(self.member.points_balance, 10, f"cycle {cycle}")
            order._action_cancel()
            self.assertEqual(self.member.points_balance, 0, f"cycle {cycle}")
            order.action_draft()
        earnings = self._lines().filtered(lambda ln: ln.points > 0)
        self.assertEqual(len(earnings), 3)
        self.assertEqual(len(set(earnings.mapped("idempotency_key"))), 3)
        self.assertBalanceIsLedger()

    def test_cancel_after_spending_leaves_a_negative_balance_and_blocks_redemption(
        self,
    ):
        order = self._order([(self.dish, 1)])
        order.action_confirm()
        self.member._flexi_debit(8, "redeem", "Test reward")
        order._action_cancel()
        self.assertEqual(self.member.points_balance, -8)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.member._flexi_debit(1, "redeem", "Another reward")
        self.assertBalanceIsLedger()

    def test_lines_that_earn_nothing(self):
        gift = self.env["product.product"].create(
            {
                "name": "Gift card",
                "list_price": 5000.0,
                "type": "service",
                "flexi_loyalty_no_earn": True,
            }
        )
        drinks = self.env["product.category"].create({"name": "Drinks"})
        self.drink.categ_id = drinks
        self.program.excluded_categ_ids = drinks
        order = self._order([(self.dish, 1), (gift, 1), (self.drink, 10)])
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 10)

    def test_rules_by_product_and_category_and_minimum_amount(self):
        self.env["flexi.loyalty.rule"].create(
            [
                {
                    "program_id": self.program.id,
                    "product_id": self.dish.id,
                    "mode": "fixed",
                    "points_per_unit": 5,
                },
                {
                    "program_id": self.program.id,
                    "categ_id": self.drink.categ_id.id,
                    "mode": "multiplier",
                    "multiplier": 2,
                },
            ]
        )
        self.program.minimum_amount = 500
        small = self._order([(self.drink, 2)])  # 300 < 500
        small.action_confirm()
        self.assertEqual(self.member.points_balance, 0)
        order = self._order([(self.dish, 3), (self.drink, 4)])  # 15 fixed + 600*2/100
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 27)

    def test_promotion_doubles_points_on_its_weekday(self):
        order = self._order([(self.dish, 1)])
        weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][
            order.date_order.weekday()
        ]
        self.env["flexi.loyalty.promotion"].create(
            {
                "program_id": self.program.id,
                "name": "Double",
                "multiplier": 2,
                weekday: True,
            }
        )
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 20)

    def test_pending_points_are_not_spendable_before_the_delay(self):
        self.program.pending_days = 14
        order = self._order([(self.dish, 3)])
        order.action_confirm()
        self.assertEqual(self._lines().move_type, "pending")
        self.assertEqual(self.member.points_pending, 30)
        self.assertEqual(self.member.points_available, 0)
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.member._flexi_debit(10, "redeem", "Too early")
        with self._freeze(days=15):
            self.member.invalidate_recordset()
            self.assertEqual(self.member.points_pending, 0)
            self.member._flexi_debit(10, "redeem", "Now fine")
        self.assertEqual(self.member.points_balance, 20)

    def test_auto_enrolment_at_first_order(self):
        self.program.auto_enroll = True
        newcomer = self.env["res.partner"].create(
            {"name": "Karim", "mobile": "0661 22 33 44"}
        )
        self._order([(self.dish, 1)], partner=newcomer).action_confirm()
        sub = newcomer.flexi_loyalty_subscription_ids
        self.assertEqual(sub.consent_channel, "order")
        self.assertEqual(sub.phone, "+213661223344")
        self.assertEqual(sub.points_balance, 10)
        nobody = self.env["res.partner"].create({"name": "No contact"})
        self._order([(self.dish, 1)], partner=nobody).action_confirm()
        self.assertFalse(nobody.flexi_loyalty_subscription_ids)

    def test_non_member_earns_nothing(self):
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self._order([(self.dish, 5)], partner=stranger).action_confirm()
        self.assertFalse(
            self.env["flexi.loyalty.ledger.line"].search(
                [("partner_id", "=", stranger.id)]
            )
        )

    def test_closed_membership_keeps_history_and_earns_nothing(self):
        self._order([(self.dish, 1)]).action_confirm()
        self.member.action_close()
        self._order([(self.dish, 1)]).action_confirm()
        self.assertEqual(self.member.points_balance, 10)
        with self.assertRaises(UserError):
            self.member.unlink()

    def test_delivery_trigger_waits_for_every_line(self):
        self.program.earn_trigger = "delivery"
        order = self._order([(self.dish, 2), (self.drink, 2)])
        order.action_confirm()
        self.assertEqual(self.member.points_balance, 0)
        order.order_line[0].qty_delivered = 2
        self.assertEqual(self.member.points_balance, 0)
        order.order_line[1].qty_delivered = 2
        self.assertEqual(self.member.points_balance, 23)
        self.env["sale.order"]._cron_flexi_loyalty_earn_delivered()
        self.assertEqual(self.member.points_balance, 23)

    def test_paid_trigger_earns_on_the_paid_invoice(self):
        self.program.earn_trigger = "paid"
        order = self._order([(self.dish, 2)])
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(self.member.points_balance, 0)
        self._pay(invoice)
        self.assertEqual(self.member.points_balance, 20)
        self.assertEqual(self._lines().source_ref, invoice)

    def test_partial_credit_note_reverses_in_proportion(self):
        order = self._order([(self.dish, 4)])  # 4000 HT -> 40 points
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        refund = self._refund(invoice, quantity=1)  # a quarter back
        self.assertEqual(self.member.points_balance, 30)
        refund2 = self._refund(invoice, quantity=3)
        self.assertEqual(self.member.points_balance, 0)
        refund2._flexi_loyalty_reverse_refund()  # retried hook: no double reversal
        self.assertEqual(self.member.points_balance, 0)
        self.assertEqual(sorted(self._lines().mapped("points")), [-30, -10, 40])
        self.assertTrue(refund)
        self.assertBalanceIsLedger()

    def test_manual_adjustment_needs_manager_and_reason(self):
        salesman = new_test_user(
            self.env, "loyalty_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaisesRegex(UserError, "managers"):
            self.member.with_user(salesman)._flexi_adjust(50, "Late delivery")
        with self.assertRaisesRegex(UserError, "why"):
            self.member._flexi_adjust(50, "  ")
        self.member._flexi_adjust(50, "Late delivery")
        line = self._lines()
        self.assertEqual((line.move_type, line.points), ("adjustment", 50))
        with self.assertRaisesRegex(UserError, "Not enough points"):
            self.member._flexi_adjust(-60, "Typo")
        self.member._flexi_adjust(-20, "Typo")
        self.assertEqual(self.member.points_balance, 30)
        self.assertBalanceIsLedger()


@tagged("post_install", "-at_install")
class TestLedgerIsAppendOnly(FlexiLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._order([(cls.dish, 1)]).action_confirm()
        cls.line = cls.env["flexi.loyalty.ledger.line"].search(
            [("subscription_id", "=", cls.member.id)]
        )
        cls.salesman = new_test_user(
            cls.env, "ledger_salesman", groups="sales_team.group_sale_salesman"
        )

    def test_nobody_edits_or_deletes_a_posted_line(self):
        for user in (self.salesman, self.env.ref("base.user_admin")):
            line = self.line.with_user(user)
            with self.assertRaises(AccessError):
                line.write({"points": 1000})
            with self.assertRaises(AccessError):
                line.unlink()
        with self.assertRaises(UserError):
            self.line.sudo().write({"points": 1000})
        with self.assertRaises(UserError):
            self.line.sudo().unlink()
        self.assertEqual(self.line.points, 10)

    def test_lines_cannot_be_created_directly(self):
        vals = {"subscription_id": self.member.id, "move_type": "bonus", "points": 99}
        with self.assertRaises(AccessError):
            self.env["flexi.loyalty.ledger.line"].with_user(self.salesman).create(vals)
        with self.assertRaises(UserError):
            self.env["flexi.loyalty.ledger.line"].sudo().create(vals)
        self.assertEqual(self.member.points_balance, 10)

    def test_balance_cannot_be_written(self):
        with self.assertRaises(UserError):
            self.member.write({"points_balance": 5000})

    def test_salesman_reads_history(self):
        line = self.line.with_user(self.salesman)
        self.assertEqual(line.points, 10)


@tagged("post_install", "-at_install")
class TestPreview(FlexiLoyaltyCommon):
    def test_preview_counts_only_programs_the_customer_earns_in(self):
        other = self.env["flexi.loyalty.program"].create(
            {
                "name": "Other shop program",
                "amount_per_point": 10,
                "amount_base": "tax_excluded",
            }
        )
        order = self._order([(self.dish, 1)])
        self.assertEqual(order.flexi_loyalty_points_preview, 10)
        other.auto_enroll = True
        order.invalidate_recordset(["flexi_loyalty_points_preview"])
        self.assertEqual(order.flexi_loyalty_points_preview, 110)


@tagged("post_install", "-at_install")
class TestAdjustWizard(FlexiLoyaltyCommon):
    def test_manager_grants_a_bonus_with_a_reason(self):
        wizard = self.env["flexi.loyalty.adjust.wizard"].create(
            {
                "subscription_id": self.member.id,
                "move_type": "bonus",
                "points": 50,
                "reason": "Late delivery",
            }
        )
        wizard.action_confirm()
        line = self._lines()
        self.assertEqual(
            (line.move_type, line.points, line.reason), ("bonus", 50, "Late delivery")
        )
        self.assertIn("Late delivery", self.member.message_ids[0].body)

    def test_salesman_cannot_open_adjustments(self):
        salesman = new_test_user(
            self.env, "adjust_salesman", groups="sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self.env["flexi.loyalty.adjust.wizard"].with_user(salesman).create(
                {"subscription_id": self.member.id, "points": 50, "reason": "Gift"}
            )
        self.assertFalse(self._lines())

    def test_negative_bonus_is_refused(self):
        wizard = self.env["flexi.loyalty.adjust.wizard"].create(
            {
                "subscription_id": self.member.id,
                "move_type": "bonus",
                "points": -5,
                "reason": "Oops",
            }
        )
        with self.assertRaisesRegex(UserError, "positive"):
            wizard.action_confirm()
        self.assertFalse(self._lines())
