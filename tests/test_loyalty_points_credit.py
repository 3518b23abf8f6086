"""Credit per point: which numbers of points a customer may choose to spend.

The shop's example: 10 DA per point, from 50 points, in steps of 10.
"""

from decimal import Decimal

import pytest
from flexi_loyalty_tools.points_credit import (
    ABOVE_BALANCE,
    ABOVE_ORDER,
    BELOW_MINIMUM,
    NOT_A_NUMBER,
    OFF_STEP,
    choice_error,
    credit_for_points,
    max_points,
    nearest_choices,
    parse_points,
)

# Skipped as a whole without hypothesis (requirements-dev.txt).
pytest.importorskip("hypothesis")
from hypothesis import given
from hypothesis import strategies as st

RULE = {"minimum": 50, "step": 10, "credit_per_point": 10}


def error(points, spendable=500, left_to_pay=10000.0):
    return choice_error(points, spendable=spendable, left_to_pay=left_to_pay, **RULE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (50, 50),
        (50.0, 50),
        ("50", 50),
        (" 60 ", 60),
        ("+70", 70),
        ("-10", -10),
        (0, 0),
        (50.5, None),
        ("50.5", None),
        ("1e3", None),
        ("", None),
        ("   ", None),
        ("-", None),
        ("abc", None),
        ("\u0665\u0660", None),  # Arabic-Indic digits: not typed by our forms
        (None, None),
        (True, None),
        (False, None),
        ([50], None),
    ],
)
def test_parse_points(value, expected):
    assert parse_points(value) == expected


def test_exactly_the_minimum_is_allowed():
    assert error(50) is None


def test_one_point_under_the_minimum_is_refused():
    assert error(49) == BELOW_MINIMUM


@pytest.mark.parametrize("points", [0, -10, -50])
def test_zero_and_negative_points_are_refused(points):
    assert error(points) == BELOW_MINIMUM


@pytest.mark.parametrize("points", [55, 51, 59, 61])
def test_a_step_not_reached_is_refused(points):
    assert error(points) == OFF_STEP


@pytest.mark.parametrize("points", [60, 70, 120, 500])
def test_every_whole_step_from_the_minimum_is_allowed(points):
    assert error(points) is None


def test_steps_count_from_the_minimum():
    rule = {"minimum": 55, "step": 10, "credit_per_point": 1}
    allowed = [
        p
        for p in range(0, 100)
        if choice_error(p, spendable=1000, left_to_pay=1000, **rule) is None
    ]
    assert allowed == [55, 65, 75, 85, 95]


@pytest.mark.parametrize("value", ["abc", "60.5", None, True, ""])
def test_what_is_no_whole_number_is_refused(value):
    assert error(value) == NOT_A_NUMBER


def test_all_of_the_balance_is_allowed_one_step_more_is_refused():
    assert error(120, spendable=120) is None
    assert error(130, spendable=120) == ABOVE_BALANCE


def test_negative_balance_refuses_even_the_minimum():
    assert error(50, spendable=-20) == ABOVE_BALANCE


def test_credit_equal_to_what_is_left_to_pay_is_allowed():
    # 80 points x 10 DA = 800 DA on an order of exactly 800 DA.
    assert error(80, left_to_pay=800.0) is None
    assert error(90, left_to_pay=800.0) == ABOVE_ORDER


def test_a_centime_short_is_above_the_order():
    assert error(80, left_to_pay=799.99) == ABOVE_ORDER


def test_rules_are_checked_in_order():
    # Off the steps and above everything: the step is said first.
    assert error(555, spendable=100, left_to_pay=10.0) == OFF_STEP
    # On the steps, above the balance and the order: the balance first.
    assert error(550, spendable=100, left_to_pay=10.0) == ABOVE_BALANCE


def test_credit_is_exact_for_money_values():
    assert credit_for_points(70, 0.1) == Decimal("7.0")
    assert credit_for_points(3, 0.7) == Decimal("2.1")
    assert credit_for_points(50, 10) == 500


@pytest.mark.parametrize(
    ("spendable", "left_to_pay", "expected"),
    [
        (500, 10000.0, 500),  # the balance caps
        (127, 10000.0, 120),  # brought down to the last step reached
        (50, 10000.0, 50),  # exactly the minimum
        (49, 10000.0, 0),  # not even the minimum
        (500, 805.0, 80),  # the order caps: 80 x 10 = 800
        (500, 800.0, 80),  # credit equal to the order
        (500, 499.99, 0),  # the order is too small for the minimum
        (500, 0.0, 0),
        (500, -30.0, 0),
        (-10, 10000.0, 0),
    ],
)
def test_max_points(spendable, left_to_pay, expected):
    assert max_points(50, 10, spendable, left_to_pay, 10) == expected


def test_max_points_is_always_an_allowed_choice():
    for spendable in range(0, 300, 7):
        for left in (0, 333.33, 1000, 2222.5, 5000):
            best = max_points(50, 10, spendable, left, 10)
            if best:
                assert error(best, spendable=spendable, left_to_pay=left) is None
                assert error(best + 10, spendable=spendable, left_to_pay=left)


def test_max_points_refuses_a_free_point():
    with pytest.raises(ValueError):
        max_points(50, 10, 100, 1000, 0)


def test_nearest_choices_around_a_step_not_reached():
    assert nearest_choices(55, 50, 10) == (50, 60)
    assert nearest_choices(49, 50, 10) == (None, 50)
    assert nearest_choices(50, 50, 10) == (None, 50)


@given(
    minimum=st.integers(1, 500),
    step=st.integers(1, 100),
    spendable=st.integers(-100, 5000),
    left=st.decimals(min_value=-100, max_value=100000, places=2),
    per_point=st.decimals(min_value="0.01", max_value=1000, places=2),
)
def test_max_points_is_the_largest_allowed_choice(
    minimum, step, spendable, left, per_point
):
    rule = {
        "minimum": minimum,
        "step": step,
        "spendable": spendable,
        "left_to_pay": left,
        "credit_per_point": per_point,
    }
    best = max_points(minimum, step, spendable, left, per_point)
    if best:
        assert choice_error(best, **rule) is None
        assert credit_for_points(best, per_point) <= left
        assert best <= spendable
    # Nothing above it is allowed, whatever the step.
    for above in range(max(best, minimum - 1) + 1, max(best, minimum) + 2 * step + 1):
        assert choice_error(above, **rule) is not None
