"""Random sequences of point movements on the real models keep the books right."""

from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.fifo import expired_due
from .common import FlexiLoyaltyCommon

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 40)),  # dishes of 100 DA
        st.tuples(st.just("redeem"), st.integers(1, 60)),
        st.tuples(st.just("cancel"), st.integers(0, 9)),
        st.tuples(st.just("adjust"), st.integers(-30, 30)),
        st.tuples(st.just("wait"), st.integers(1, 300)),  # days
    ),
    min_size=1,
    max_size=12,
)


@tagged("post_install", "-at_install")
class TestLedgerProperty(FlexiLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.validity_months = 6
        cls.drink.list_price = 100.0

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(OPERATIONS)
    def test_balance_is_the_ledger_and_never_overdrawn(self, operations):
        with self.env.cr.savepoint(flush=False) as savepoint:
            self._run(operations)
            savepoint.rollback()

    def _run(self, operations):
        Line = self.env["flexi.loyalty.ledger.line"]
        now = fields.Datetime.now()
        orders = []
        for op, arg in operations:
            with freeze_time(now):
                # A refused redemption may still post due expirations, nothing else.
                before = len(
                    self._lines().filtered(lambda ln: ln.move_type != "expire")
                )
                if op == "earn":
                    order = self._order([(self.drink, arg)])
                    order.action_confirm()
                    orders.append(order)
                elif op == "cancel" and orders:
                    orders[arg % len(orders)]._action_cancel()
                elif op == "redeem":
                    spendable = self.member._flexi_spendable()
                    try:
                        self.member._flexi_debit(arg, "redeem", "Reward")
                    except UserError:
                        self.assertLess(spendable, arg)
                        after = self._lines().filtered(
                            lambda ln: ln.move_type != "expire"
                        )
                        self.assertEqual(len(after), before)
                    else:
                        self.assertGreaterEqual(spendable - arg, 0)
                elif op == "adjust" and arg:
                    try:
                        self.member._flexi_adjust(arg, "Correction")
                    except UserError:
                        self.assertLess(arg, 0)
                elif op == "wait":
                    now = fields.Datetime.add(now, days=arg)
                    continue
                today = fields.Date.to_date(now)
                Line._flexi_expire_due(today)
                self.assertBalanceIsLedger()
                # After the expiry pass nothing past its date is left to expire.
                lots, debited, _pending = self.member._flexi_lot_data().get(
                    self.member.id, ([], 0, 0)
                )
                self.assertEqual(expired_due(lots, debited, today), 0)
