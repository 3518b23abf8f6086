"""Random ledger histories checked against an explicit lot-by-lot simulation.

The set-based formulas of ``fifo`` must agree, after every operation, with an
oracle that tracks each earning separately and consumes the earliest-expiring
points first. Points have one validity period, as in the product (18 months).
"""

from datetime import date, timedelta

import pytest
from flexi_loyalty_tools.fifo import (
    can_redeem,
    earliest_expiry_consumed,
    expired_due,
    expiring_between,
    remaining_lots,
    spendable,
)
from flexi_loyalty_tools.points import points_for_amount, reversal_points

# Skipped as a whole without hypothesis (requirements-dev.txt).
pytest.importorskip("hypothesis")
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

START = date(2024, 2, 20)  # spans 29 February
AMOUNT_PER_POINT = 100


class LotOracle:
    """Each earning is a lot holding its remaining points."""

    def __init__(self):
        self.lots = []  # [expiry, remaining] per earning, in earning order
        self.debt = 0  # points owed once every lot is empty

    def _by_expiry(self):
        return sorted(self.lots, key=lambda lot: (lot[0] is None, lot[0]))

    def earn(self, expiry, points):
        # A negative balance is paid back from the next points earned.
        repaid = min(self.debt, points)
        self.debt -= repaid
        self.lots.append([expiry, points - repaid])
        return len(self.lots) - 1

    def consume(self, points):
        for lot in self._by_expiry():
            taken = min(lot[1], points)
            lot[1] -= taken
            points -= taken
        self.debt += points

    def reverse(self, index, points):
        lot = self.lots[index]
        taken = min(lot[1], points)
        lot[1] -= taken
        # Points already spent from this lot are taken from the next ones.
        self.consume(points - taken)

    def _past(self, today):
        return [lot for lot in self.lots if lot[0] is not None and lot[0] < today]

    def due(self, today):
        return sum(lot[1] for lot in self._past(today))

    def expire(self, today):
        expired = self.due(today)
        for lot in self._past(today):
            lot[1] = 0
        return expired

    def balance(self):
        return sum(lot[1] for lot in self.lots) - self.debt

    def remaining(self):
        totals = {}
        for expiry, left in self.lots:
            totals[expiry] = totals.get(expiry, 0) + left
        return [
            (expiry, totals[expiry])
            for expiry in sorted(totals, key=lambda e: (e is None, e))
            if totals[expiry]
        ]

    def first_nonempty_expiry(self):
        for expiry, left in self._by_expiry():
            if left:
                return expiry
        return None


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.today = START
        self.validity = timedelta(days=1)
        self.lot_lines = []  # (expiry, points) earnings and reversals
        self.debits = []  # redemptions, expirations, negative adjustments
        self.orders = []
        self.oracle = LotOracle()

    @initialize(days=st.integers(min_value=0, max_value=40))
    def choose_validity(self, days):
        self.validity = timedelta(days=days)

    # -- helpers -----------------------------------------------------------

    @property
    def debited(self):
        return sum(self.debits)

    def balance(self):
        return sum(points for _, points in self.lot_lines) - self.debited

    def spendable_now(self):
        return spendable(self.balance(), 0, self.lot_lines, self.debited, self.today)

    def post_expirations(self):
        due = expired_due(self.lot_lines, self.debited, self.today)
        assert due == self.oracle.expire(self.today)
        if due:
            self.debits.append(due)

    def debit(self, points):
        # The system posts due expirations before any debit.
        self.post_expirations()
        assert (
            earliest_expiry_consumed(self.lot_lines, self.debited, points)
            == self.oracle.first_nonempty_expiry()
        )
        self.debits.append(points)
        self.oracle.consume(points)

    def add_lot(self, points):
        expiry = self.today + self.validity
        if points:
            self.lot_lines.append((expiry, points))
        return expiry, self.oracle.earn(expiry, points)

    # -- operations --------------------------------------------------------

    @rule(cents=st.integers(min_value=0, max_value=3_000_000))
    def earn(self, cents):
        amount = cents / 100
        earned = points_for_amount(amount, AMOUNT_PER_POINT)
        assert earned == cents // (AMOUNT_PER_POINT * 100)
        expiry, lot = self.add_lot(earned)
        self.orders.append(
            {
                "cents": cents,
                "earned": earned,
                "expiry": expiry,
                "lot": lot,
                "refunded": 0,
                "reversed": 0,
            }
        )

    def _refundable(self):
        return [order for order in self.orders if order["refunded"] < order["cents"]]

    @precondition(lambda self: self._refundable())
    @rule(data=st.data())
    def refund(self, data):
        order = data.draw(st.sampled_from(self._refundable()))
        left = order["cents"] - order["refunded"]
        part = data.draw(st.one_of(st.just(left), st.integers(1, left)))
        points = reversal_points(
            order["earned"],
            order["cents"] / 100,
            order["refunded"] / 100,
            part / 100,
            order["reversed"],
        )
        assert 0 <= points <= order["earned"] - order["reversed"]
        if points:
            self.lot_lines.append((order["expiry"], -points))
            self.oracle.reverse(order["lot"], points)
        order["refunded"] += part
        order["reversed"] += points
        if order["refunded"] == order["cents"]:
            assert order["reversed"] == order["earned"]

    @rule(cost=st.integers(min_value=1, max_value=500))
    def redeem(self, cost):
        allowed = can_redeem(self.spendable_now(), cost)
        oracle_spendable = self.oracle.balance() - self.oracle.due(self.today)
        assert allowed == (oracle_spendable >= cost)
        if allowed:
            self.debit(cost)
            assert self.spendable_now() >= 0

    @rule(days=st.integers(min_value=1, max_value=20), cron=st.booleans())
    def advance_day(self, days, cron):
        self.today += timedelta(days=days)
        if cron:
            self.post_expirations()

    @rule()
    def run_expiry_cron(self):
        self.post_expirations()

    @rule(points=st.integers(min_value=1, max_value=300))
    def adjust_up(self, points):
        self.add_lot(points)

    @rule(points=st.integers(min_value=1, max_value=300))
    def adjust_down(self, points):
        self.debit(points)

    # -- checks ------------------------------------------------------------

    @invariant()
    def agrees_with_oracle(self):
        assert self.balance() == self.oracle.balance()
        due = expired_due(self.lot_lines, self.debited, self.today)
        assert due == self.oracle.due(self.today)
        remaining = remaining_lots(self.lot_lines, self.debited)
        assert remaining == self.oracle.remaining()
        assert self.spendable_now() == self.oracle.balance() - due
        soon = expiring_between(
            self.lot_lines, self.debited, self.today, self.today + self.validity
        )
        assert soon == [
            (expiry, left)
            for expiry, left in remaining
            if self.today <= expiry <= self.today + self.validity
        ]


LedgerMachine.TestCase.settings = settings(
    max_examples=200, deadline=None, stateful_step_count=50
)
TestLedger = LedgerMachine.TestCase
