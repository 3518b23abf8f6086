"""Points on the net amount a customer pays (returns, rewards, vouchers)."""

from decimal import Decimal

import pytest
from flexi_loyalty_tools.points import earning_points

# Skipped as a whole without hypothesis (requirements-dev.txt).
pytest.importorskip("hypothesis")
from hypothesis import given, settings
from hypothesis import strategies as st


def money(amount, weight=1):
    return {"kind": "money", "amount": amount, "weight": weight}


def deduction(amount):
    return {"kind": "deduction", "amount": amount}


def test_sold_then_returned_earns_nothing():
    assert earning_points([money(10000), money(-10000)], 100) == (0, 0)


def test_negative_total_earns_nothing():
    assert earning_points([money(1000), deduction(-1500)], 100)[0] == 0


def test_reward_lowers_the_base():
    assert earning_points([money(3000), deduction(-500)], 100) == (25, Decimal(2500))


def test_deduction_is_shared_with_goods_that_earn_nothing():
    # 1,000 earning + 1,000 excluded, a 500 voucher: half of it is on the
    # earning goods.
    lines = [money(1000), {"kind": "other", "amount": 1000}, deduction(-500)]
    assert earning_points(lines, 100) == (7, Decimal(750))


def test_return_of_excluded_goods_cannot_make_earning_exceed_total():
    lines = [money(1000), {"kind": "other", "amount": -1000}]
    assert earning_points(lines, 100)[0] == 0


def test_minimum_amount_applies_to_the_net():
    assert earning_points([money(600), deduction(-200)], 100, 1, 500)[0] == 0
    assert earning_points([money(700), deduction(-200)], 100, 1, 500)[0] == 5


def test_rule_weights_and_fixed_points():
    lines = [
        money(1000, weight=2),
        {"kind": "fixed", "amount": 300, "fixed": 6},
        {"kind": "fixed", "amount": -100, "fixed": -2},
    ]
    assert earning_points(lines, 100, multiplier=1) == (24, Decimal(1200))


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        earning_points([{"kind": "gift", "amount": 1}], 100)


amounts = st.integers(min_value=-50_000, max_value=50_000).map(lambda c: c / 100)


# No deadline: a loaded CI machine is slow, not wrong.
@settings(max_examples=300, deadline=None)
@given(
    st.lists(amounts, min_size=1, max_size=8),
    st.lists(st.integers(min_value=0, max_value=50_000).map(lambda c: -c / 100)),
)
def test_never_earns_on_more_than_is_paid(goods, deductions):
    lines = [money(a) for a in goods] + [deduction(d) for d in deductions]
    points, base = earning_points(lines, 1)
    # Summed as decimals: a float sum drifts (556.00 becomes 555.9999999999999).
    total = sum(Decimal(str(a)) for a in goods + deductions)
    assert points >= 0
    if total <= 0:
        assert points == 0
    else:
        assert base <= total + Decimal("0.001")
        assert points <= max(total, 0)
