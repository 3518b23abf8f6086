"""Money to points, promotions and refund reversals."""

from datetime import date
from decimal import Decimal

import pytest
from flexi_loyalty_tools.points import (
    points_for_amount,
    points_for_quantity,
    promotion_multiplier,
    reversal_points,
)

# Skipped as a whole without hypothesis (requirements-dev.txt).
pytest.importorskip("hypothesis")
from hypothesis import given, settings
from hypothesis import strategies as st

# 2025-06-02 is a Monday.
MONDAY = date(2025, 6, 2)
FRIDAY = date(2025, 6, 6)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (99.99, 0),
        (100, 1),
        (100.0, 1),
        (199.99, 1),
        (300.0, 3),
        (12345.67, 123),
        (Decimal("12345.67"), 123),
        (0, 0),
        (-250.0, 0),
    ],
)
def test_points_for_amount_da(amount, expected):
    assert points_for_amount(amount, 100) == expected


def test_points_for_amount_ignores_float_residue():
    # Each of these is a whole number of points on the receipt.
    assert points_for_amount(0.1 + 0.2, 0.3) == 1
    assert points_for_amount((0.7 + 0.1) * 1000, 100) == 8
    assert points_for_amount(3 * 100.1, 100.1) == 3
    assert points_for_amount(1.1 * 3, 1.1) == 3
    assert points_for_amount(4.35 * 100, 4.35) == 100


def test_points_for_amount_with_multiplier():
    assert points_for_amount(150.0, 100, 1.5) == 2
    assert points_for_amount(200.0, 100, 1.5) == 3
    assert points_for_amount(12345.67, 100, 2) == 246
    assert points_for_amount(99.99, 100, Decimal("2.0")) == 1
    assert points_for_amount(100.0, 100, 0) == 0


@pytest.mark.parametrize("per_point", [0, -100, 0.0])
def test_points_for_amount_rejects_bad_rate(per_point):
    with pytest.raises(ValueError):
        points_for_amount(500.0, per_point)


def test_points_for_amount_rejects_nan():
    with pytest.raises(ValueError):
        points_for_amount(float("nan"), 100)


@given(cents=st.integers(min_value=0, max_value=10**9))
@settings(max_examples=300)
def test_points_for_amount_matches_integer_arithmetic(cents):
    # 100 DA = 1 point means 10000 cents per point.
    assert points_for_amount(cents / 100, 100) == cents // 10000


@given(
    cents=st.integers(min_value=1, max_value=10**8),
    rate_cents=st.integers(min_value=1, max_value=10**6),
    tenths=st.integers(min_value=1, max_value=50),
)
def test_points_for_amount_exact_with_multiplier(cents, rate_cents, tenths):
    expected = (cents * tenths) // (rate_cents * 10)
    assert points_for_amount(cents / 100, rate_cents / 100, tenths / 10) == expected


def test_points_for_quantity():
    assert points_for_quantity(3, 2) == 6
    assert points_for_quantity(2.5, 3) == 7
    assert points_for_quantity(0.1 + 0.2, 10) == 3
    assert points_for_quantity(0, 5) == 0
    assert points_for_quantity(-2, 5) == 0


def test_promotion_multiplier_on_weekday():
    fridays = [{"date_from": None, "date_to": None, "weekdays": {4}, "multiplier": 2}]
    assert promotion_multiplier(fridays, FRIDAY) == 2
    assert promotion_multiplier(fridays, MONDAY) == 1
    assert (
        points_for_amount(12345.67, 100, promotion_multiplier(fridays, FRIDAY)) == 246
    )


def test_promotion_multiplier_date_bounds_inclusive():
    ramadan = [
        {
            "date_from": date(2025, 3, 1),
            "date_to": date(2025, 3, 30),
            "weekdays": [],
            "multiplier": 1.5,
        }
    ]
    assert promotion_multiplier(ramadan, date(2025, 2, 28)) == 1
    assert promotion_multiplier(ramadan, date(2025, 3, 1)) == Decimal("1.5")
    assert promotion_multiplier(ramadan, date(2025, 3, 30)) == Decimal("1.5")
    assert promotion_multiplier(ramadan, date(2025, 3, 31)) == 1


def test_promotion_multipliers_do_not_stack():
    promotions = [
        {"date_from": None, "date_to": None, "weekdays": [], "multiplier": 1.5},
        {"date_from": None, "date_to": None, "weekdays": [4], "multiplier": 3},
        {"date_from": None, "date_to": None, "weekdays": [], "multiplier": 2},
    ]
    assert promotion_multiplier(promotions, FRIDAY) == 3
    assert promotion_multiplier(promotions, MONDAY) == 2


def test_promotion_multiplier_none_active():
    assert promotion_multiplier([], MONDAY) == Decimal(1)
    expired = [
        {
            "date_from": None,
            "date_to": date(2025, 1, 1),
            "weekdays": [],
            "multiplier": 5,
        }
    ]
    assert promotion_multiplier(expired, MONDAY) == Decimal(1)


def test_full_refund_reverses_everything_earned():
    assert reversal_points(123, 12345.67, 0, 12345.67, 0) == 123


def test_partial_refund_is_proportional():
    # 10 points on 1000 DA; 150 DA refunded: keeps floor(10 * 850 / 1000) = 8.
    assert reversal_points(10, 1000.0, 0, 150.0, 0) == 2
    # Half refunded keeps half.
    assert reversal_points(10, 1000.0, 0, 500.0, 0) == 5


def test_second_partial_refund_completes_reversal():
    first = reversal_points(10, 1000.0, 0, 150.0, 0)
    second = reversal_points(10, 1000.0, 150.0, 850.0, first)
    assert first + second == 10


def test_refund_above_order_never_reverses_more():
    assert reversal_points(10, 1000.0, 0, 5000.0, 0) == 10
    assert reversal_points(10, 1000.0, 1000.0, 10.0, 10) == 0


def test_zero_refund_reverses_nothing():
    assert reversal_points(10, 1000.0, 0, 0, 0) == 0


def test_reversal_without_original_amount():
    assert reversal_points(7, 0, 0, 50.0, 0) == 7
    assert reversal_points(7, 0, 0, 50.0, 3) == 4
    assert reversal_points(7, 0, 0, 0, 0) == 0
    assert reversal_points(7, 0, 0, 50.0, 9) == 0


@given(
    original_cents=st.integers(min_value=1, max_value=10**7),
    parts=st.lists(st.integers(min_value=1, max_value=10**6), min_size=1, max_size=8),
)
@settings(max_examples=200)
def test_partial_refunds_reverse_exactly_earned(original_cents, parts):
    original = original_cents / 100
    earned = points_for_amount(original, 100)
    refunded_cents = 0
    reversed_total = 0
    for part in parts:
        part = min(part, original_cents - refunded_cents)
        step = reversal_points(
            earned, original, refunded_cents / 100, part / 100, reversed_total
        )
        assert step >= 0
        reversed_total += step
        refunded_cents += part
        assert reversed_total <= earned
    # Refund whatever is left.
    rest = original_cents - refunded_cents
    reversed_total += reversal_points(
        earned, original, refunded_cents / 100, rest / 100, reversed_total
    )
    assert reversed_total == earned
