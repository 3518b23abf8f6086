from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.payment.tests.common import PaymentCommon

from .common import FlexiLoyaltyCommon, TwoTransactionsMixin


class ReferralCommon(FlexiLoyaltyCommon):
    """Amina (member) refers Karim, a new customer: 300 DA welcome voucher
    for Karim, 50 points for Amina when Karim's first order is paid."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write(
            {
                "referral_enabled": True,
                "referral_points": 50,
                "referral_voucher_value": 300.0,
                "referral_voucher_validity_days": 30,
            }
        )
        cls.code = cls.member.referral_code
        cls.friend = cls.env["res.partner"].create(
            {
                "name": "Karim Haddad",
                "email": "karim@example.com",
                "mobile": "0661 22 33 44",
                "country_id": cls.env.ref("base.dz").id,
            }
        )
        cls.Referral = cls.env["flexi.loyalty.referral"]

    def _quotation(self, partner=None, quantity=2):
        return self._order([(self.dish, quantity)], partner=partner or self.friend)

    def _referred_order(self, partner=None, code=None):
        """A quotation where staff typed the code; returns (order, referral)."""
        order = self._quotation(partner)
        order.flexi_loyalty_referral_code = code or self.code
        return order, order.flexi_loyalty_referral_id

    def _invoice_and_pay(self, order):
        if order.state in ("draft", "sent"):
            order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._pay(invoice)
        return invoice

    def _referral_lines(self, referral):
        return self.env["flexi.loyalty.ledger.line"].search(
            [("res_model", "=", referral._name), ("res_id", "=", referral.id)]
        )

    def _new_partner(self, name, **vals):
        return self.env["res.partner"].create(
            {"name": name, "country_id": self.env.ref("base.dz").id, **vals}
        )


@tagged("post_install", "-at_install")
class TestReferral(ReferralCommon):
    # ------------------------------------------------------------ the code

    def test_each_member_has_a_short_code_of_their_own_and_a_link(self):
        other = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": self.friend.id, "program_id": self.program.id}
        )
        self.assertEqual(len(self.code), 8)
        self.assertNotEqual(other.referral_code, self.code)
        self.assertTrue(self.member.referral_url.endswith(f"/r/{self.code}"))

    def test_nobody_types_or_changes_a_referral_code(self):
        with self.assertRaises(AccessError):
            self.member.write({"referral_code": "AAAA2222"})
        with self.assertRaises(AccessError):
            self.env["flexi.loyalty.subscription"].create(
                {
                    "partner_id": self.friend.id,
                    "program_id": self.program.id,
                    "referral_code": self.code,
                }
            )

    def test_staff_send_the_member_their_link_by_sms(self):
        sms = self.env["sms.sms"].sudo()
        before = sms.search_count([("number", "=", self.member.phone)])
        self.member.action_send_referral()
        sent = sms.search([("number", "=", self.member.phone)], order="id desc")
        self.assertEqual(len(sent), before + 1)
        self.assertIn(self.code, sent[0].body)
        self.assertIn(f"/r/{self.code}", sent[0].body)

    def test_customers_cannot_have_links_sent_over_rpc(self):
        portal = new_test_user(
            self.env,
            "referral_portal",
            groups="base.group_portal",
            partner_id=self.customer.id,
        )
        with self.assertRaises(AccessError):
            self.member.with_user(portal).action_send_referral()

    # ------------------------------------------------------------ on an order

    def test_code_on_a_quotation_gives_the_friend_a_welcome_voucher_off_it(self):
        order, referral = self._referred_order()
        self.assertEqual(referral.partner_id, self.friend)
        self.assertEqual(referral.subscription_id, self.member)
        self.assertEqual(referral.state, "pending")
        self.assertEqual(referral.channel, "order")
        voucher = referral.voucher_id
        self.assertEqual(voucher.partner_id, self.friend)
        self.assertEqual(voucher.value, 300.0)
        self.assertTrue(voucher.date_expiry)
        # Taken off this first order: 2 x 1,190 - 300.
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.order_id, order)
        self.assertAlmostEqual(order.amount_total, 2080.0)
        # Nothing for the member before the order is paid.
        self.assertFalse(self._referral_lines(referral))

    def test_a_salesman_types_the_code_on_the_quotation(self):
        salesman = new_test_user(
            self.env, "referral_seller", groups="sales_team.group_sale_salesman"
        )
        order = self._quotation()
        order.user_id = salesman  # the salesman's own quotation
        order = order.with_user(salesman)
        order.flexi_loyalty_referral_code = self.code
        referral = order.flexi_loyalty_referral_id
        self.assertEqual(referral.sudo().partner_id, self.friend)
        self.assertEqual(referral.sudo().voucher_id.order_id, order)

    def test_code_typed_as_people_type_it_is_read(self):
        code = f"{self.code[:4].lower()} {self.code[4:]}"
        order, referral = self._referred_order(code=code)
        self.assertTrue(referral)
        self.assertEqual(order.flexi_loyalty_referral_code, self.code)

    def test_member_earns_once_the_friends_first_order_is_paid(self):
        order, referral = self._referred_order()
        order.action_confirm()
        self.assertEqual(referral.state, "pending", "confirmed is not paid")
        before = self.member.points_balance
        self._invoice_and_pay(order)
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.conversion_ref, order)
        self.assertEqual(referral.points_given, 50)
        lines = self._referral_lines(referral)
        self.assertEqual(lines.mapped("move_type"), ["bonus"])
        self.assertEqual(lines.subscription_id, self.member)
        self.assertTrue(lines.expiry_date)
        self.assertEqual(self.member.points_balance, before + 50)
        self.assertBalanceIsLedger()

    def test_referral_reused_on_a_second_order_gives_points_once(self):
        order, referral = self._referred_order()
        self._invoice_and_pay(order)
        # The same code again, on the friend's next quotation: the same
        # referral, no second voucher, and the second paid order adds nothing.
        second, again = self._referred_order()
        self.assertEqual(again, referral)
        self.assertEqual(
            self.env["flexi.loyalty.voucher"].search_count(
                [("partner_id", "=", self.friend.id)]
            ),
            1,
        )
        self._invoice_and_pay(second)
        # Paying again, or a retried payment hook, adds nothing either.
        (order | second)._flexi_loyalty_referral_paid()
        self.assertEqual(self._referral_lines(referral).mapped("points"), [50])
        self.assertEqual(referral.conversion_ref, order)
        self.assertBalanceIsLedger()

    def test_code_used_for_two_friends_pays_once_for_each(self):
        order, first = self._referred_order()
        other = self._new_partner("Nadia Ouali", email="nadia@example.com")
        order2, second = self._referred_order(partner=other)
        self._invoice_and_pay(order)
        self._invoice_and_pay(order2)
        self.assertEqual(first.points_given + second.points_given, 100)
        self.assertEqual(self.member.referral_count, 2)

    def test_any_first_paid_order_of_the_friend_counts(self):
        # Referred at sign-up, say; the first order is typed without the code.
        referral = self.Referral._flexi_refer(self.code, self.friend, "signup")
        order = self._quotation()
        self._invoice_and_pay(order)
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.conversion_ref, order)

    def test_cancel_takes_the_points_back_and_the_next_paid_order_counts(self):
        order, referral = self._referred_order()
        self._invoice_and_pay(order)
        before = self.member.points_balance
        order._action_cancel()
        self.assertEqual(referral.state, "reversed")
        self.assertEqual(referral.points_given, 0)
        self.assertEqual(self.member.points_balance, before - 50)
        reversal = self._referral_lines(referral).filtered(
            lambda ln: ln.move_type == "reversal"
        )
        self.assertEqual(reversal.points, -50)
        self.assertEqual(reversal.lot_line_id.move_type, "bonus")
        # Cancelling again takes nothing more.
        self.env["flexi.loyalty.referral"]._flexi_reverse_for(order, "again")
        self.assertEqual(self.member.points_balance, before - 50)
        # The friend's next paid order is their first paid one now.
        self._invoice_and_pay(self._quotation())
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.points_given, 50)
        self.assertEqual(sum(self._referral_lines(referral).mapped("points")), 50)
        self.assertBalanceIsLedger()

    def test_a_full_refund_takes_the_points_back_a_partial_one_does_not(self):
        order, referral = self._referred_order(partner=None)
        order.order_line.filtered("flexi_loyalty_voucher_id").unlink()
        invoice = self._invoice_and_pay(order)
        self._refund(invoice, 1)
        self.assertEqual(referral.state, "converted")
        self._refund(invoice, 1)
        self.assertEqual(referral.state, "reversed")
        self.assertEqual(referral.points_given, 0)
        self.assertBalanceIsLedger()

    def test_points_taken_back_from_a_bonus_do_not_lower_the_tier_basis(self):
        order, _referral = self._referred_order()
        self._invoice_and_pay(order)
        order._action_cancel()
        stats = self.member._flexi_tier_stats(order.date_order.date())
        self.assertFalse(
            any(period["points"] < 0 for period in stats[self.member.id].values())
        )

    # ------------------------------------------------------------ refused

    def test_member_using_their_own_code_is_refused(self):
        with self.assertRaisesRegex(UserError, "their own referral code"):
            self._referred_order(partner=self.customer)

    def test_another_account_with_the_members_email_is_refused(self):
        # Same mailbox: case, "+tag" and all.
        twin = self._new_partner("A. Benali", email="Amina+promo@Example.com")
        with self.assertRaisesRegex(UserError, "same email address"):
            self._referred_order(partner=twin)

    def test_another_account_with_the_members_mobile_is_refused(self):
        twin = self._new_partner("Mme Benali", mobile="+213 550 12 34 56")
        with self.assertRaisesRegex(UserError, "same mobile number"):
            self._referred_order(partner=twin)

    def test_contact_of_the_members_company_is_refused(self):
        company = self._new_partner("Benali SARL", is_company=True)
        self.customer.parent_id = company
        colleague = self._new_partner("Yacine", parent_id=company.id)
        with self.assertRaisesRegex(UserError, "their own referral code"):
            self._referred_order(partner=colleague)

    def test_an_existing_customer_is_refused(self):
        self._confirmed_orders(1, "2025-01-10", partner=self.friend)
        with self.assertRaisesRegex(UserError, "already a customer"):
            self._referred_order()

    def test_an_existing_customer_under_a_new_name_is_refused(self):
        self._confirmed_orders(1, "2025-01-10", partner=self.friend)
        again = self._new_partner("K. Haddad", email="KARIM@example.com")
        with self.assertRaisesRegex(UserError, "already a customer"):
            self._referred_order(partner=again)

    def test_a_friend_referred_by_another_member_is_refused(self):
        nadia = self._new_partner("Nadia", email="nadia@example.com")
        other = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": nadia.id, "program_id": self.program.id}
        )
        self.Referral._flexi_refer(other.referral_code, self.friend, "signup")
        with self.assertRaisesRegex(UserError, "already referred"):
            self._referred_order()
        # Nor with the same mobile under another name.
        twin = self._new_partner("Karim H.", mobile="+213661223344")
        with self.assertRaisesRegex(UserError, "already referred"):
            self._referred_order(partner=twin)

    def test_bad_codes_get_a_clear_error_and_leave_nothing(self):
        for code, message in [
            ("ABC", "is not a referral code"),
            ("ABCD-2340", "is not a referral code"),
            ("ZZZZ2222", "is not a valid referral code"),
            (self.member.member_code, "is not a referral code"),
        ]:
            with self.subTest(code=code), self.assertRaisesRegex(UserError, message):
                self._referred_order(code=code)
        self.assertFalse(self.Referral.search([]))

    def test_closed_members_and_programs_without_referrals_refuse_the_same(self):
        self.member.action_close()
        with self.assertRaisesRegex(UserError, "is not a valid referral code"):
            self._referred_order()
        self.member.action_activate()
        self.program.referral_enabled = False
        with self.assertRaisesRegex(UserError, "is not a valid referral code"):
            self._referred_order()

    def test_code_on_a_confirmed_order_is_refused(self):
        order = self._quotation()
        order.action_confirm()
        with self.assertRaisesRegex(UserError, "quotations only"):
            order.flexi_loyalty_referral_code = self.code

    def test_the_code_of_a_referred_order_cannot_be_changed(self):
        order, _referral = self._referred_order()
        nadia = self._new_partner("Nadia", email="nadia@example.com")
        other = self.env["flexi.loyalty.subscription"].create(
            {"partner_id": nadia.id, "program_id": self.program.id}
        )
        with self.assertRaisesRegex(UserError, "already carries a referral"):
            order.flexi_loyalty_referral_code = other.referral_code

    def test_a_referral_gives_points_or_a_voucher(self):
        with self.assertRaises(ValidationError):
            self.program.write({"referral_points": 0, "referral_voucher_value": 0})
        self.program.referral_voucher_value = 0
        _order, referral = self._referred_order()
        self.assertFalse(referral.voucher_id)

    # ------------------------------------------------------------ who writes

    def test_salesman_cannot_write_a_referral_its_state_or_its_points(self):
        _order, referral = self._referred_order()
        salesman = new_test_user(
            self.env, "referral_salesman", groups="sales_team.group_sale_salesman"
        )
        as_salesman = referral.with_user(salesman)
        self.assertEqual(as_salesman.state, "pending")
        with self.assertRaises(AccessError):
            as_salesman.write({"state": "converted", "points_given": 5000})
        with self.assertRaises(AccessError):
            self.Referral.with_user(salesman).create(
                {
                    "subscription_id": self.member.id,
                    "program_id": self.program.id,
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "channel": "order",
                }
            )
        # Not even an administrator, whatever the context.
        with self.assertRaises(AccessError):
            referral.with_context(flexi_trusted=True).write({"points_given": 5000})
        with self.assertRaises(AccessError):
            self.Referral.with_context(default_state="converted").create(
                {
                    "subscription_id": self.member.id,
                    "program_id": self.program.id,
                    "company_id": self.company.id,
                    "partner_id": self.customer.id,
                    "channel": "order",
                }
            )

    def test_referrals_are_reported_by_state_with_the_points_given(self):
        order, referral = self._referred_order()
        nadia = self._new_partner("Nadia", email="nadia@example.com")
        self._referred_order(partner=nadia)
        self._invoice_and_pay(order)
        groups = self.Referral._read_group(
            [("subscription_id", "=", self.member.id)],
            ["state"],
            ["__count", "points_given:sum"],
        )
        self.assertEqual(
            sorted(groups), [("converted", 1, 50), ("pending", 1, 0)], referral
        )


@tagged("post_install", "-at_install")
class TestReferralConcurrency(TwoTransactionsMixin, ReferralCommon):
    """Two transactions at once: one friend is referred once, and pays the
    member once."""

    def _setup_committed(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            partners = env["res.partner"].create(
                [
                    {"name": "Concurrent Member", "email": "member-cc@example.com"},
                    {"name": "Concurrent Friend", "email": "friend-cc@example.com"},
                    {"name": "Second Member", "email": "member2-cc@example.com"},
                ]
            )
            program = env["flexi.loyalty.program"].create(
                {
                    "name": "Concurrency",
                    "referral_enabled": True,
                    "referral_points": 40,
                    "referral_voucher_value": 0,
                }
            )
            members = env["flexi.loyalty.subscription"].create(
                [
                    {"partner_id": partners[0].id, "program_id": program.id},
                    {"partner_id": partners[2].id, "program_id": program.id},
                ]
            )
            product = env["product.product"].create(
                {"name": "Concurrent Meal", "list_price": 500.0, "type": "service"}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partners[1].id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 1,
                                    "price_unit": 500.0,
                                }
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
        return {
            "partners": partners.ids,
            "program": program.id,
            "members": members.ids,
            "orders": orders.ids,
            "product": product.id,
        }

    def _cleanup(self, ids):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            # The ledger is append-only through the ORM; test data goes by SQL.
            cr.execute(
                "DELETE FROM flexi_loyalty_ledger_line WHERE subscription_id IN %s",
                [tuple(ids["members"])],
            )
            cr.execute(
                "DELETE FROM flexi_loyalty_referral WHERE program_id = %s",
                [ids["program"]],
            )
            orders = env["sale.order"].browse(ids["orders"])
            orders.write({"state": "cancel"})
            orders.unlink()
            env["product.product"].browse(ids["product"]).unlink()
            env["flexi.loyalty.subscription"].browse(ids["members"]).unlink()
            env["flexi.loyalty.program"].browse(ids["program"]).unlink()
            env["res.partner"].browse(ids["partners"]).unlink()

    def test_two_paid_orders_at_once_pay_the_member_once(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            member = env["flexi.loyalty.subscription"].browse(ids["members"][0])
            env["flexi.loyalty.referral"]._flexi_refer(
                member.referral_code,
                env["res.partner"].browse(ids["partners"][1]),
                "signup",
            )
            # The friend's two orders, confirmed (their payment comes below).
            env["sale.order"].browse(ids["orders"]).write({"state": "sale"})
        with self._two_transactions() as (env1, env2):
            orders = [
                env["sale.order"].browse(order_id)
                for env, order_id in zip((env1, env2), ids["orders"], strict=True)
            ]
            # Both transactions see the referral waiting before either pays.
            for env in (env1, env2):
                referral = env["flexi.loyalty.referral"].search(
                    [("program_id", "=", ids["program"])]
                )
                self.assertEqual(referral.state, "pending")
            orders[0]._flexi_loyalty_referral_paid()
            env1.cr.commit()
            refused = self._refusal(env2, orders[1]._flexi_loyalty_referral_paid)
            self.assertTrue(refused, "the second conversion must wait and fail")
            # Odoo retries the refused transaction: it sees the conversion.
            orders[1]._flexi_loyalty_referral_paid()
            env2.cr.commit()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            lines = env["flexi.loyalty.ledger.line"].search(
                [("subscription_id", "=", ids["members"][0])]
            )
            self.assertEqual(lines.mapped("points"), [40])
            member = env["flexi.loyalty.subscription"].browse(ids["members"][0])
            self.assertEqual(member.points_balance, 40)

    def test_one_friend_referred_by_two_members_at_once_is_referred_once(self):
        ids = self._setup_committed()
        self.addCleanup(self._cleanup, ids)
        with self._two_transactions() as (env1, env2):
            results = []
            for env, member_id in zip((env1, env2), ids["members"], strict=True):
                member = env["flexi.loyalty.subscription"].browse(member_id)
                friend = env["res.partner"].browse(ids["partners"][1])
                # Both look before either writes.
                self.assertFalse(
                    env["flexi.loyalty.referral"]
                    .search([])
                    .filtered(lambda r: r.program_id.id == ids["program"])
                )
                results.append((env, member, friend))
            env1["flexi.loyalty.referral"]._flexi_refer(
                results[0][1].referral_code, results[0][2], "signup"
            )
            env1.cr.commit()
            refused = self._refusal(
                env2,
                lambda: env2["flexi.loyalty.referral"]._flexi_refer(
                    results[1][1].referral_code, results[1][2], "signup"
                ),
            )
            self.assertIsInstance(refused, UserError)
            self.assertIn("already referred", str(refused))
        with self.registry.cursor() as cr:
            env = self._env(cr)
            referrals = env["flexi.loyalty.referral"].search(
                [("program_id", "=", ids["program"])]
            )
            self.assertEqual(referrals.subscription_id.id, ids["members"][0])


@tagged("post_install", "-at_install")
class TestReferralPaidOnline(PaymentCommon, ReferralCommon):
    """The shop: a friend's order paid online is their first paid order."""

    def _pay_online(self, order, state):
        tx = self._create_transaction(
            flow="redirect",
            sale_order_ids=[order.id],
            state=state,
            amount=order.amount_total,
            currency_id=order.currency_id.id,
            partner_id=order.partner_id.id,
            reference=f"{order.name}-{state}",
        )
        tx._post_process()
        return tx

    def test_order_paid_online_converts_the_referral(self):
        order, referral = self._referred_order()
        self._pay_online(order, "pending")
        self.assertEqual(referral.state, "pending", "a pending payment is no payment")
        self._pay_online(order, "done")
        self.assertEqual(order.state, "sale")
        self.assertEqual(referral.state, "converted")
        self.assertEqual(referral.points_given, 50)
