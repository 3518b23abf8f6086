"""The money paths in any order: a stateful property test on the real models.

A salesperson makes quotations, confirms them (and clicks again), spends
points on rewards (twice, by mistake), removes a reward line, changes
quantities after the reward, cancels and confirms again, uses vouchers; the
server invoices, posts credit notes (whole or for one returned line), lets
time pass and expires points; with flexi_loyalty_pos (its
test_pos_money_state_machine), the till syncs paid orders and retries.

After every step the books are read from the database and must hold:

- every member's balance is the sum of its ledger, and never below zero
  unless earned points were taken back after being spent;
- points spent are rewards given: a reward's lines (or its voucher) exist
  exactly as long as the points that paid for them are not given back by the
  order; a credit note gives points spent back only for the part of the
  reward it refunds (none for a voucher, which lives on); nothing is given
  back twice;
- no debit overdraws a balance, and a document earns once;
- no confirmed order, and no quotation carrying a reward, is below zero;
- percentage rewards of quotations follow the goods, fixed ones keep their
  value.

A refused step runs in a savepoint rolled back, as a refused request is, and
must leave the books as they were. Each example runs in a savepoint of its
own, rolled back at its end.
"""

from contextlib import contextmanager

from freezegun import freeze_time
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..tools.fifo import expired_due
from .common import FlexiLoyaltyCommon

# Reproducible in CI: the same examples every run, about half a minute.
MONEY_SETTINGS = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

QUOTATION = ("draft", "sent")
OPEN = ("draft", "sent", "sale")
ANY_STATE = ("draft", "sent", "sale", "cancel")
# A few orders, so that steps meet on the same ones.
MAX_ORDERS = 3
# A few trips in time per example: the rest of the steps meet on the orders.
MAX_JUMPS = 3
# Which order or line a step acts on: an index taken modulo what exists.
PICK = st.integers(0, 7)

REDEEM_REFUSALS = (
    "already applied",
    "Not enough points",
    "more than the",
    "nothing left to pay",
    "owes points",
)
VOUCHER_REFUSALS = (
    "not valid for this customer",
    "more than the",
    "nothing left to pay",
)
CONFIRMED_LINE = "you can't remove one of its lines"
NOT_TO_CONFIRM = "not in a state requiring confirmation"
NOTHING_TO_INVOICE = "No items are available to invoice"


class MoneyWorld:
    """What the machine plays with, added to a test case that has a
    ``program`` and a ``member`` (flexi_loyalty's or the till's)."""

    # Set by a test case that has an open till (see flexi_loyalty_pos).
    money_till = False

    @classmethod
    def _money_world(cls):
        env = cls.env
        cls.money_start = fields.Datetime.now()
        cls.program.write({"otp_required": False, "validity_months": 6})
        tax = env["account.tax"].create(
            {
                "name": "TVA 19% (money paths)",
                "amount": 19.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.program.company_id.id,
            }
        )
        cls.money_dish = cls._money_product("Tajine", 1000.0, tax)
        cls.money_drink = cls._money_product("Thé à la menthe", 150.0)
        cls.money_salesman = new_test_user(
            env, "money_salesman", groups="sales_team.group_sale_salesman"
        )
        neighbour = env["res.partner"].create(
            {"name": "Karim Haddad", "email": "karim@example.com"}
        )
        cls.money_members = cls.member | env["flexi.loyalty.subscription"].create(
            {"partner_id": neighbour.id, "program_id": cls.program.id}
        )
        for member in cls.money_members:
            member._flexi_adjust(600, "Opening balance", move_type="bonus")
        Reward = env["flexi.loyalty.reward"]
        base = {"program_id": cls.program.id}
        cls.money_rewards = [
            Reward.create(
                dict(base, name="500 DA off", points_cost=100, credit_amount=500.0)
            ),
            Reward.create(
                dict(
                    base,
                    name="Half price",
                    reward_type="discount",
                    points_cost=150,
                    discount_percent=50.0,
                )
            ),
            Reward.create(
                dict(
                    base,
                    name="Free tea",
                    reward_type="product",
                    points_cost=60,
                    product_id=cls.money_drink.id,
                )
            ),
            Reward.create(
                dict(
                    base,
                    name="300 DA voucher",
                    reward_type="voucher",
                    points_cost=120,
                    voucher_value=300.0,
                    voucher_validity_days=30,
                )
            ),
        ]

    @classmethod
    def _money_product(cls, name, price, tax=None):
        return cls.env["product.product"].create(
            {
                "name": name,
                "list_price": price,
                "type": "consu",
                "invoice_policy": "order",
                "taxes_id": [Command.set(tax.ids if tax else [])],
            }
        )

    def _money_credit_note(self, invoice, product=None, quantity=None):
        """Post a credit note of ``invoice``: all of it, or only ``quantity``
        of its ``product`` line (goods returned, the rest kept)."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": "Returned", "journal_id": invoice.journal_id.id})
        )
        refund = self.env["account.move"].browse(wizard.refund_moves()["res_id"])
        if product:
            lines = refund.invoice_line_ids.filtered(
                lambda ln: ln.display_type == "product"
            )
            kept = lines.filtered(lambda ln: ln.product_id == product)[:1]
            refund.write(
                {
                    "invoice_line_ids": [
                        Command.update(kept.id, {"quantity": quantity}),
                        *(Command.unlink(line.id) for line in lines - kept),
                    ]
                }
            )
        refund.action_post()
        return refund

    def _money_till_sync(self, partner, quantity, uuid):
        """Sync a paid till order of ``quantity`` drinks; returns the pos.order."""
        raise NotImplementedError


class MoneyMachine(RuleBasedStateMachine):
    """Steps a salesperson and the server take; the books checked after each."""

    case = None  # the running test case (a MoneyWorld)

    def __init__(self):
        super().__init__()
        self.env = self.case.env
        self.cr = self.env.cr
        self.example = self.cr.savepoint()
        self.now = self.case.money_start
        self.freezer = freeze_time(self.now)
        self.clock = self.freezer.start()
        self.orders = []
        self.jumps = 0
        self.till_syncs = 0

    def teardown(self):
        try:
            self.freezer.stop()
        finally:
            self.example.close(rollback=True)

    # ------------------------------------------------------------ helpers

    def _sales(self, records):
        return records.with_user(self.case.money_salesman)

    def _pick(self, pick, states=ANY_STATE, where=None):
        """One of the example's orders in ``states`` (and ``where``), or None."""
        orders = self._orders(states, where)
        return orders[pick % len(orders)] if orders else None

    def _orders(self, states=ANY_STATE, where=None):
        return (
            self.env["sale.order"]
            .browse(self.orders)
            .filtered(lambda o: o.state in states and (not where or where(o)))
        )

    @staticmethod
    def _rewarded(order):
        return order.order_line.filtered(lambda ln: ln._flexi_loyalty_is_reward())

    def _vouchers(self):
        return self.env["flexi.loyalty.voucher"].search(
            [("subscription_id", "in", self.case.money_members.ids)], order="id"
        )

    def _member(self, partner):
        return self.case.money_members.filtered(lambda m: m.partner_id == partner)

    def _sql(self, query, params=None):
        self.env.flush_all()
        self.cr.execute(query, params)
        return self.cr.fetchall()

    def _balance(self, member):
        return self._sql(
            "SELECT points_balance FROM flexi_loyalty_subscription WHERE id = %s",
            [member.id],
        )[0][0]

    def _owed(self, lines):
        """Points of ``lines`` not given back yet, from the database."""
        if not lines:
            return 0
        rows = self._sql(
            """
            SELECT l.id, ABS(l.points) - ABS(COALESCE(SUM(b.points), 0))
              FROM flexi_loyalty_ledger_line l
              LEFT JOIN flexi_loyalty_ledger_line b ON b.lot_line_id = l.id
             WHERE l.id IN %s
          GROUP BY l.id
            """,
            [tuple(lines.ids)],
        )
        return sum(owed for _id, owed in rows)

    def _source_lines(self, record, move_types):
        return self.env["flexi.loyalty.ledger.line"]._flexi_source_lines(
            record, move_types
        )

    def _books(self):
        """What a refused step must leave untouched."""
        ledger = self._sql(
            "SELECT COUNT(*), COALESCE(SUM(points), 0), MAX(id) "
            "FROM flexi_loyalty_ledger_line"
        )
        balances = self._sql(
            "SELECT id, points_balance FROM flexi_loyalty_subscription ORDER BY id"
        )
        orders = self._sql(
            """
            SELECT o.id, o.state, o.amount_total, COUNT(l.id)
              FROM sale_order o LEFT JOIN sale_order_line l ON l.order_id = o.id
             WHERE o.id IN %s
          GROUP BY o.id ORDER BY o.id
            """,
            [tuple(self.orders) or (0,)],
        )
        vouchers = self._sql(
            "SELECT id, state, order_id FROM flexi_loyalty_voucher ORDER BY id"
        )
        return ledger, balances, orders, vouchers

    def _attempt(self, call, *refusals):
        """Run ``call`` as one request: a UserError among ``refusals`` rolls
        back what it wrote and is returned; the books must be as before."""
        before = self._books()
        try:
            with self.cr.savepoint():
                call()
        except UserError as error:
            message = str(error.args[0])
            if not any(refusal in message for refusal in refusals):
                raise
            self.env.invalidate_all()
            self.case.assertEqual(self._books(), before, "a refusal moved money")
            return message
        return None

    # ------------------------------------------------------------ salesperson

    @initialize()
    def open_quotations(self):
        # A dish for one, four teas for the other: rewards soon weigh.
        self.quotation(0, 1, 0)
        self.quotation(1, 0, 4)

    @precondition(lambda self: len(self.orders) < MAX_ORDERS)
    @rule(who=st.integers(0, 1), dishes=st.integers(0, 2), drinks=st.integers(0, 6))
    def quotation(self, who, dishes, drinks):
        case = self.case
        quantities = [(case.money_dish, dishes), (case.money_drink, drinks)]
        if not (dishes or drinks):
            quantities = [(case.money_drink, 1)]
        order = self._sales(self.env["sale.order"]).create(
            {
                "partner_id": case.money_members[who].partner_id.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in quantities
                    if qty
                ],
            }
        )
        self.orders.append(order.id)

    @precondition(lambda self: self._orders(QUOTATION))
    @rule(pick=PICK, again=st.booleans())
    def confirm(self, pick, again):
        """Confirm a quotation; maybe click "Confirm" again (a retry)."""
        order = self._pick(pick, QUOTATION)
        self._sales(order).action_confirm()
        if again:
            error = self._attempt(self._sales(order).action_confirm, NOT_TO_CONFIRM)
            self.case.assertIsNotNone(error, "confirmed twice")

    @precondition(lambda self: self._orders(QUOTATION))
    @rule(pick=PICK, which=st.integers(0, 3), twice=st.booleans())
    def redeem(self, pick, which, twice):
        """Spend points on a reward through the wizard; maybe apply it twice."""
        order = self._pick(pick, QUOTATION)
        reward = self.case.money_rewards[which]
        member = self._member(order.partner_id)
        applied = self._owed(
            self._source_lines(order, ["redeem"]).filtered(
                lambda ln: ln.reward_id == reward
            )
        )
        wizard = self._sales(self.env["flexi.loyalty.redeem.wizard"]).create(
            {"order_id": order.id, "reward_id": reward.id}
        )
        redeem_count = len(self._source_lines(order, ["redeem"]))
        error = self._attempt(wizard.action_apply, *REDEEM_REFUSALS)
        if applied:
            self.case.assertIn("already applied", error or "")
        if error:
            return
        spent = self._source_lines(order, ["redeem"])
        self.case.assertEqual(len(spent), redeem_count + 1)
        self.case.assertEqual(spent.sorted("id")[-1:].points, -reward.points_cost)
        self.case.assertGreaterEqual(self._balance(member), 0)
        if twice:
            again = self._attempt(wizard.action_apply, "already applied")
            self.case.assertIn("already applied", again or "")

    @precondition(lambda self: self._orders(where=self._rewarded))
    @rule(pick=PICK, item=PICK)
    def remove_reward_line(self, pick, item):
        """Delete one line of a reward: the whole reward goes, points come
        back once, a voucher is usable again (refused on confirmed orders)."""
        order = self._pick(pick, where=self._rewarded)
        lines = self._rewarded(order)
        line = lines[item % len(lines)]
        spent = line.flexi_loyalty_ledger_line_id
        voucher = line.flexi_loyalty_voucher_id
        member = spent.subscription_id
        owed = self._owed(spent)
        balance = self._balance(member) if member else 0
        quotation = order.state in QUOTATION
        error = self._attempt(
            lambda: self._sales(order).write({"order_line": [Command.unlink(line.id)]}),
            CONFIRMED_LINE,
        )
        self.case.assertEqual(error is None, quotation, error)
        if error:
            return
        self.env.invalidate_all()
        left = order.order_line.filtered(
            lambda ln: (
                (spent and ln.flexi_loyalty_ledger_line_id == spent)
                or (voucher and ln.flexi_loyalty_voucher_id == voucher)
            )
        )
        self.case.assertFalse(left, "part of a reward stayed on the order")
        if member:
            self.case.assertEqual(self._balance(member), balance + owed)
            self.case.assertEqual(self._owed(spent), 0)
        if voucher:
            self.case.assertIn(voucher.state, ("valid", "expired"))
            self.case.assertFalse(voucher.order_id)

    @precondition(lambda self: self._orders(OPEN))
    @rule(pick=PICK, item=PICK, quantity=st.integers(0, 8))
    def change_quantity(self, pick, item, quantity):
        """Change a goods line after a reward (quotation or confirmed order)."""
        order = self._pick(pick, OPEN)
        goods = order.order_line.filtered(
            lambda ln: not ln.display_type and not ln._flexi_loyalty_earns_nothing()
        )
        if not goods:
            return
        line = goods[item % len(goods)]
        self._attempt(
            lambda: self._sales(order).write(
                {"order_line": [Command.update(line.id, {"product_uom_qty": quantity})]}
            ),
            "worth more than",
            "nothing left to pay",
        )

    @precondition(lambda self: self._orders(OPEN))
    @rule(pick=PICK, again=st.booleans())
    def cancel(self, pick, again):
        """Cancel (maybe twice): what the order spent and earned comes back,
        but for vouchers already spent elsewhere."""
        order = self._pick(pick, OPEN)
        for _click in range(2 if again else 1):
            self._sales(order).with_context(disable_cancel_warning=True).action_cancel()
        self.env.invalidate_all()
        self.case.assertEqual(order.state, "cancel")
        self.case.assertFalse(
            order.order_line.filtered(lambda ln: ln._flexi_loyalty_is_reward())
        )
        history = self._source_lines(order, ["earn", "pending", "redeem"])
        # Points of a voucher spent on another order stay spent.
        elsewhere = (
            self.env["flexi.loyalty.voucher"]
            .search([("ledger_line_id", "in", history.ids), ("state", "=", "used")])
            .filtered(lambda v: v.order_id != order)
            .ledger_line_id
        )
        self.case.assertEqual(self._owed(history - elsewhere), 0)

    @precondition(lambda self: self._orders(("cancel",)))
    @rule(pick=PICK)
    def back_to_quotation(self, pick):
        """A cancelled order set back to quotation (to be confirmed again)."""
        self._sales(self._pick(pick, ("cancel",))).action_draft()

    @precondition(lambda self: self._orders(QUOTATION) and self._vouchers())
    @rule(pick=PICK, item=PICK)
    def use_voucher(self, pick, item):
        """Type the code of a voucher a reward issued (whatever its state)."""
        vouchers = self._vouchers()
        voucher = vouchers[item % len(vouchers)]
        # Mostly on its owner's quotations; else on whatever order is there.
        order = self._pick(
            pick, QUOTATION, lambda o: o.partner_id == voucher.partner_id
        ) or self._pick(pick, QUOTATION)
        usable = voucher._flexi_usable_by(order.partner_id)
        wizard = self._sales(self.env["flexi.loyalty.voucher.wizard"]).create(
            {"order_id": order.id, "code": voucher.code}
        )
        error = self._attempt(wizard.action_apply, *VOUCHER_REFUSALS)
        if not usable:
            self.case.assertIsNotNone(error, "a voucher was used twice")

    # ------------------------------------------------------------ server

    @precondition(lambda self: self._orders(("sale",)))
    @rule(pick=PICK, item=PICK, quantity=st.integers(1, 3), whole=st.booleans())
    def credit_note(self, pick, item, quantity, whole):
        """Invoice a confirmed order if needed, then credit all of a posted
        invoice, or ``quantity`` of one of its goods lines."""
        order = self._pick(pick, ("sale",))
        invoices = order.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        if not invoices:

            def post():
                order._create_invoices().action_post()

            if self._attempt(post, NOTHING_TO_INVOICE):
                return
            invoices = order.invoice_ids.filtered(lambda m: m.state == "posted")
        invoice = invoices[item % len(invoices)]
        if whole:
            self.case._money_credit_note(invoice)
            return
        # Goods, not rewards (whose order line a cancellation may have removed).
        goods = invoice.invoice_line_ids.filtered(
            lambda ln: (
                ln.display_type == "product"
                and ln.quantity > 0
                and ln.price_subtotal > 0
                and not ln.product_id.flexi_loyalty_no_earn
            )
        )
        if goods:
            returned = goods[item % len(goods)]
            self.case._money_credit_note(
                invoice, returned.product_id, min(quantity, returned.quantity)
            )

    @precondition(lambda self: self.jumps < MAX_JUMPS)
    @rule(days=st.integers(1, 240))
    def time_passes(self, days):
        """The nightly crons after ``days``: nothing past its date is left."""
        self.jumps += 1
        self.now = fields.Datetime.add(self.now, days=days)
        self.clock.move_to(self.now)
        self.env["flexi.loyalty.ledger.line"]._cron_flexi_loyalty_expire()
        self.env["flexi.loyalty.voucher"]._cron_flexi_expire()
        today = fields.Date.to_date(self.now)
        data = self.case.money_members._flexi_lot_data()
        for lots, debited, _pending in data.values():
            self.case.assertEqual(expired_due(lots, debited, today), 0)

    @precondition(lambda self: self.case.money_till)
    @rule(who=st.integers(0, 1), quantity=st.integers(1, 6), tries=st.integers(1, 3))
    def till_sale(self, who, quantity, tries):
        """The till syncs a paid order, and again when it got no answer."""
        partner = self.case.money_members[who].partner_id
        self.till_syncs += 1
        uuid = f"money-{self.till_syncs}"
        orders = [
            self.case._money_till_sync(partner, quantity, uuid) for _try in range(tries)
        ]
        self.case.assertEqual(len(set(orders)), 1, "a retried sync made two orders")
        earned = self._source_lines(orders[0], ["earn", "pending"])
        self.case.assertLessEqual(len(earned), 1)

    # ------------------------------------------------------------ the books

    @invariant()
    def balance_is_the_ledger(self):
        rows = self._sql(
            """
            SELECT s.id, s.points_balance, COALESCE(SUM(l.points), 0),
                   COUNT(l.id) FILTER (WHERE l.move_type = 'reversal'
                                         AND l.points < 0)
              FROM flexi_loyalty_subscription s
              LEFT JOIN flexi_loyalty_ledger_line l ON l.subscription_id = s.id
          GROUP BY s.id
            """
        )
        for sub_id, balance, total, taken_back in rows:
            self.case.assertEqual(balance, total, f"member {sub_id}")
            if not taken_back:
                self.case.assertGreaterEqual(balance, 0, f"member {sub_id}")

    @invariant()
    def no_debit_overdraws_nothing_comes_back_twice(self):
        overdrawn = self._sql(
            """
            SELECT id, move_type, points, running FROM (
                SELECT id, move_type, points,
                       SUM(points) OVER (PARTITION BY subscription_id
                                         ORDER BY id) AS running
                  FROM flexi_loyalty_ledger_line) t
             WHERE points < 0 AND move_type IN ('redeem', 'expire', 'adjustment')
               AND running < 0
            """
        )
        self.case.assertFalse(overdrawn, "a debit overdrew a balance")
        twice = self._sql(
            """
            SELECT l.id, l.points, SUM(b.points)
              FROM flexi_loyalty_ledger_line l
              JOIN flexi_loyalty_ledger_line b ON b.lot_line_id = l.id
          GROUP BY l.id
            HAVING SIGN(SUM(b.points)) = SIGN(l.points)
                OR ABS(SUM(b.points)) > ABS(l.points)
            """
        )
        self.case.assertFalse(twice, "points given back more than they moved")

    @invariant()
    def a_document_earns_once(self):
        twice = self._sql(
            """
            SELECT l.res_model, l.res_id, l.subscription_id, COUNT(*)
              FROM flexi_loyalty_ledger_line l
             WHERE l.move_type IN ('earn', 'pending')
               AND l.points > COALESCE((SELECT -SUM(b.points)
                                          FROM flexi_loyalty_ledger_line b
                                         WHERE b.lot_line_id = l.id), 0)
          GROUP BY l.res_model, l.res_id, l.subscription_id
            HAVING COUNT(*) > 1
            """
        )
        self.case.assertFalse(twice, "a document earned twice")

    @invariant()
    def points_spent_are_rewards_given(self):
        self.env.flush_all()
        self.cr.execute(
            """
            SELECT r.id, -r.points AS points, r.res_id AS order_id, r.reward_id,
                   w.reward_type AS kind, w.credit_amount AS credit,
                   COALESCE(SUM(b.points), 0) AS back,
                   COALESCE(SUM(b.points) FILTER (
                       WHERE b.res_model = 'account.move'), 0) AS credited,
                   COUNT(b.id) FILTER (WHERE b.res_model = 'sale.order') AS removed
              FROM flexi_loyalty_ledger_line r
              JOIN flexi_loyalty_reward w ON w.id = r.reward_id
              LEFT JOIN flexi_loyalty_ledger_line b ON b.lot_line_id = r.id
             WHERE r.move_type = 'redeem' AND r.res_model = 'sale.order'
          GROUP BY r.id, w.id
            """
        )
        redeems = self.cr.dictfetchall()
        self.cr.execute(
            """
            SELECT id, order_id, flexi_loyalty_ledger_line_id AS spent_id,
                   flexi_loyalty_voucher_id AS voucher_id,
                   flexi_loyalty_reward_id AS reward_id, price_total
              FROM sale_order_line
             WHERE flexi_loyalty_ledger_line_id IS NOT NULL
                OR flexi_loyalty_voucher_id IS NOT NULL
            """
        )
        lines = self.cr.dictfetchall()
        self.cr.execute(
            "SELECT id, state, order_id, ledger_line_id FROM flexi_loyalty_voucher"
        )
        vouchers = {row["id"]: row for row in self.cr.dictfetchall()}
        self._check_reward_lines(redeems, lines, vouchers)
        self._check_redemptions(redeems, lines, vouchers)

    def _check_reward_lines(self, redeems, lines, vouchers):
        """No reward without its debit: every reward line is paid by points
        the order did not give back, or by a voucher used on that order."""
        by_id = {row["id"]: row for row in redeems}
        for line in lines:
            where = f"order line {line['id']}"
            if line["spent_id"]:
                spent = by_id.get(line["spent_id"])
                self.case.assertTrue(spent, f"{where}: no redemption")
                self.case.assertEqual(spent["order_id"], line["order_id"], where)
                self.case.assertEqual(spent["reward_id"], line["reward_id"], where)
                self.case.assertFalse(spent["removed"], f"{where}: points given back")
            if line["voucher_id"]:
                voucher = vouchers[line["voucher_id"]]
                self.case.assertEqual(
                    (voucher["state"], voucher["order_id"]),
                    ("used", line["order_id"]),
                    where,
                )
        used = {vid for vid, row in vouchers.items() if row["state"] == "used"}
        on_lines = {line["voucher_id"] for line in lines if line["voucher_id"]}
        self.case.assertEqual(used, on_lines, "used vouchers are the ones on orders")

    def _check_redemptions(self, redeems, lines, vouchers):
        """No debit without its reward: points stay spent while the reward is
        on its order (or its voucher lives); a credit note gives them back in
        proportion to the part of the reward it refunds."""
        refunded = self._refunded_rewards()
        for spent in redeems:
            where = f"redeem {spent['id']} ({spent['kind']})"
            if spent["kind"] == "voucher":
                self._check_voucher_paid(spent, vouchers, where)
                continue
            mine = [line for line in lines if line["spent_id"] == spent["id"]]
            if not mine:
                self.case.assertEqual(
                    spent["back"], spent["points"], f"{where}: points kept, no reward"
                )
                continue
            value = abs(sum(line["price_total"] for line in mine))
            amount, count = refunded.get(spent["id"], (0.0, 0))
            # A free product is worth nothing: returned, its points come back.
            share = min(1.0, amount / value) if value else float(bool(count))
            self.case.assertLess(
                abs(spent["credited"] - spent["points"] * share),
                1,
                f"{where}: a credit note refunding {share:.0%} of the reward "
                f"gave back {spent['credited']} of {spent['points']} points",
            )
            if spent["kind"] == "credit":
                self.case.assertAlmostEqual(
                    -sum(line["price_total"] for line in mine),
                    spent["credit"],
                    delta=0.011,
                    msg=f"{where}: a fixed reward changed value",
                )

    def _check_voucher_paid(self, spent, vouchers, where):
        paid = [v for v in vouchers.values() if v["ledger_line_id"] == spent["id"]]
        self.case.assertEqual(len(paid), 1, f"{where}: one voucher")
        state = paid[0]["state"]
        if state in ("valid", "used"):
            self.case.assertFalse(
                spent["back"], f"{where}: voucher {state}, points back"
            )
        elif state == "cancelled":
            self.case.assertEqual(spent["back"], spent["points"], where)

    def _refunded_rewards(self):
        """{redeem line id: (amount, count) of its reward lines refunded by
        posted credit notes}."""
        self.cr.execute(
            """
            SELECT sol.flexi_loyalty_ledger_line_id, SUM(ABS(aml.price_total)),
                   COUNT(*)
              FROM sale_order_line sol
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = sol.id
              JOIN account_move_line aml ON aml.id = rel.invoice_line_id
              JOIN account_move m ON m.id = aml.move_id
             WHERE sol.flexi_loyalty_ledger_line_id IS NOT NULL
               AND m.move_type = 'out_refund' AND m.state = 'posted'
          GROUP BY sol.flexi_loyalty_ledger_line_id
            """
        )
        return {spent: (amount, count) for spent, amount, count in self.cr.fetchall()}

    @invariant()
    def no_order_below_zero(self):
        below = self._sql(
            """
            SELECT o.id, o.state, o.amount_total FROM sale_order o
             WHERE o.amount_total < 0
               AND (o.state = 'sale'
                    OR (o.state IN ('draft', 'sent') AND EXISTS (
                        SELECT 1 FROM sale_order_line l
                         WHERE l.order_id = o.id
                           AND (l.flexi_loyalty_ledger_line_id IS NOT NULL
                                OR l.flexi_loyalty_voucher_id IS NOT NULL))))
            """
        )
        self.case.assertFalse(below, "an order is below zero")

    @invariant()
    def percentages_follow_the_goods(self):
        if not self.orders:
            return
        self.env.invalidate_all()
        quotations = (
            self.env["sale.order"]
            .browse(self.orders)
            .filtered(lambda o: o.state in QUOTATION)
        )
        for order in quotations:
            goods = sum(order._flexi_loyalty_goods_lines().mapped("price_total"))
            for unit in order._flexi_loyalty_reward_units():
                percent = self._percent(unit)
                if percent is None:
                    continue
                expected = order.currency_id.round(goods * percent / 100)
                self.case.assertAlmostEqual(
                    -sum(unit.mapped("price_total")),
                    expected,
                    delta=0.011,
                    msg=f"{order.name}: {unit[0].name}",
                )

    @staticmethod
    def _percent(unit):
        voucher = unit.flexi_loyalty_voucher_id[:1]
        if voucher:
            return voucher.value if voucher.value_type == "percent" else None
        reward = unit.flexi_loyalty_reward_id[:1]
        return reward.discount_percent if reward.reward_type == "discount" else None


@tagged("post_install", "-at_install")
class TestMoneyStateMachine(FlexiLoyaltyCommon, MoneyWorld):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._money_world()

    def test_money_paths_keep_the_books_right(self):
        machine = type("SaleMoneyMachine", (MoneyMachine,), {"case": self})
        run_state_machine_as_test(machine, settings=MONEY_SETTINGS)

    # ------------------------------------------------------------ found by it

    def _money_quotation(self, lines):
        """The salesperson's quotation for the member: [(product, qty)]."""
        order = (
            self.env["sale.order"]
            .with_user(self.money_salesman)
            .create(
                {
                    "partner_id": self.customer.id,
                    "order_line": [
                        Command.create({"product_id": p.id, "product_uom_qty": q})
                        for p, q in lines
                    ],
                }
            )
        )
        return self.env["sale.order"].browse(order.id)

    @contextmanager
    def _money_refused(self, message):
        """A refusal, what the refused call wrote rolled back (as a request's
        transaction is)."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertIn(message, caught.exception.args[0])

    def _money_voucher(self, order):
        """Redeem the voucher reward on ``order``; returns the voucher."""
        spent = order._flexi_loyalty_redeem(self.member, self.money_rewards[3])
        return self.env["flexi.loyalty.voucher"].search(
            [("ledger_line_id", "=", spent.id)]
        )

    def _money_invoice(self, order):
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def test_attack_cancel_the_order_that_paid_for_a_used_voucher(self):
        """Points for a voucher, the voucher spent on another order, then the
        first order cancelled: the points stay spent."""
        paid_with_points = self._money_quotation([(self.money_dish, 2)])
        voucher = self._money_voucher(paid_with_points)
        other = self._money_quotation([(self.money_dish, 1)])
        other._flexi_loyalty_apply_voucher(voucher.code)
        paid_with_points.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(voucher.state, "used")
        self.assertEqual(self.member.points_balance, 600 - 120)
        self.assertBalanceIsLedger()

    def test_attack_cancel_the_order_that_paid_for_its_own_voucher(self):
        """A voucher bought with points and used on the same order, then the
        order cancelled: the points come back and the voucher goes."""
        order = self._money_quotation([(self.money_dish, 2)])
        voucher = self._money_voucher(order)
        order._flexi_loyalty_apply_voucher(voucher.code)
        order.action_confirm()
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(self.member.points_balance, 600)
        self.assertEqual(voucher.state, "cancelled")
        self.assertBalanceIsLedger()

    def test_attack_shrink_a_confirmed_order_below_its_reward(self):
        order = self._money_quotation([(self.money_drink, 4)])  # 600 DA
        order._flexi_loyalty_redeem(self.member, self.money_rewards[0])  # -500
        order.action_confirm()
        line = order.order_line.filtered(lambda ln: ln.product_id == self.money_drink)
        with self._money_refused("worth more than"):
            order.with_user(self.money_salesman).write(
                {"order_line": [Command.update(line.id, {"product_uom_qty": 1})]}
            )
        self.env.invalidate_all()
        self.assertAlmostEqual(order.amount_total, 100.0)

    def test_attack_half_price_after_a_fixed_credit(self):
        """500 DA off 600 DA, then half price of the 600 DA: refused, and the
        points of the refused reward stay with the member."""
        order = self._money_quotation([(self.money_drink, 4)])
        order._flexi_loyalty_redeem(self.member, self.money_rewards[0])
        with self._money_refused("left to pay"):
            order._flexi_loyalty_redeem(self.member, self.money_rewards[1])
        self.env.invalidate_all()
        self.assertAlmostEqual(order.amount_total, 100.0)
        self.assertEqual(self.member.points_balance, 600 - 100)
        self.assertBalanceIsLedger()

    def test_attack_return_goods_and_get_the_points_of_the_reward_back(self):
        """One dish of two returned: the 500 DA reward stays on the invoice,
        so its points stay spent; the points earned go in proportion."""
        order = self._money_quotation([(self.money_dish, 2)])
        spent = order._flexi_loyalty_redeem(self.member, self.money_rewards[0])
        invoice = self._money_invoice(order)
        self.assertEqual(self.member.points_balance, 600 - 100 + 15)
        self._money_credit_note(invoice, self.money_dish, 1)
        self.assertFalse(self._lines(move_type="reversal").lot_line_id & spent)
        # 1,000 of the 1,579.83 earning refunded: 5 of the 15 points kept.
        self.assertEqual(self.member.points_balance, 600 - 100 + 5)
        self.assertBalanceIsLedger()

    def test_full_credit_note_gives_back_every_point_spent_and_earned(self):
        order = self._money_quotation([(self.money_dish, 2)])
        order._flexi_loyalty_redeem(self.member, self.money_rewards[0])
        self._money_credit_note(self._money_invoice(order))
        self.assertEqual(self.member.points_balance, 600)
        self.assertBalanceIsLedger()

    def test_attack_return_the_order_that_bought_a_voucher(self):
        """The voucher is not returned with the goods: its points stay spent."""
        order = self._money_quotation([(self.money_dish, 2)])
        voucher = self._money_voucher(order)
        self._money_credit_note(self._money_invoice(order))
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(self.member.points_balance, 600 - 120)
        self.assertBalanceIsLedger()
