"""Anti-waste bonus on points and meals saved (flexi_loyalty_antiwaste/tools)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from flexi_loyalty_antiwaste_tools.antiwaste import (
    boost_entry,
    boost_factor,
    meals_saved,
    valid_multiplier,
)
from flexi_loyalty_tools.points import earning_points
from hypothesis import given
from hypothesis import strategies as st

amounts = st.decimals(min_value=0, max_value=100000, places=2)
quantities = st.integers(min_value=1, max_value=50)
multipliers = st.sampled_from([1, 1.25, 1.5, 2, 3, 10])


def money(amount, weight=1):
    return {"kind": "money", "amount": amount, "weight": weight}


@pytest.mark.parametrize(
    "value, ok",
    [
        (1, True),
        (1.0, True),
        (2.5, True),
        (10, True),
        (0.99, False),
        (0, False),
        (-2, False),
        (10.01, False),
        (float("nan"), False),
        (float("inf"), False),
        (1e300, False),
        ("abc", False),
    ],
)
def test_multiplier_must_be_between_one_and_ten(value, ok):
    assert valid_multiplier(value) is ok


def test_invalid_multiplier_never_boosts():
    with pytest.raises(ValueError):
        boost_factor(0.5, 1, 1)


def test_whole_line_marked_down_counts_multiplier_times():
    assert boost_factor(2, 3, 3) == 2
    assert boost_factor(2, -3, -3) == 2  # a return takes back as much


def test_no_marked_down_unit_is_no_bonus():
    assert boost_factor(2, 0, 5) == 1
    assert boost_factor(2, 3, 0) == 1


def test_only_the_marked_down_share_of_a_line_is_boosted():
    # 4 of 6 units marked down, double points: 1 + 4/6.
    assert boost_factor(2, 4, 6) * 3 >= 5
    assert Fraction(boost_factor(2, 4, 6)) - Fraction(5, 3) < Fraction(1, 10**50)


def test_more_marked_down_units_than_the_line_is_the_whole_line():
    assert boost_factor(2, 9, 6) == 2


def test_deductions_and_excluded_goods_are_never_boosted():
    for entry in ({"kind": "deduction", "amount": -50}, {"kind": "other", "amount": 9}):
        assert boost_entry(entry, 3) == entry


def test_fixed_points_are_boosted():
    entry = {"kind": "fixed", "amount": 100, "fixed": 5}
    assert boost_entry(entry, 2)["fixed"] == 10
    assert entry["fixed"] == 5  # the caller's entry is left alone


def test_one_and_a_half_times_7_points_is_10_points():
    entry = boost_entry(money(70), boost_factor(1.5, 1, 1))
    assert earning_points([entry], 10) == (10, Decimal(70))


def test_a_third_of_a_line_boosted_loses_no_point_to_rounding():
    # 3 units of 100 DA, 1 marked down, double: 30 + 10 points exactly.
    entry = boost_entry(money(300), boost_factor(2, 1, 3))
    assert earning_points([entry], 10)[0] == 40


@given(amount=amounts, qty=quantities, data=st.data(), multiplier=multipliers)
def test_boosted_points_are_the_exact_product_rounded_down(
    amount, qty, data, multiplier
):
    boosted = data.draw(st.integers(min_value=0, max_value=qty))
    entry = boost_entry(money(amount), boost_factor(multiplier, boosted, qty))
    points, base = earning_points([entry], 10)
    m = Fraction(str(multiplier))
    exact = Fraction(amount) / 10 * (1 + (m - 1) * Fraction(boosted, qty))
    assert points == int(exact // 1)
    assert base == amount


@given(
    amounts=st.lists(amounts, min_size=1, max_size=5),
    deduction=st.decimals(min_value=0, max_value=1000, places=2),
    multiplier=multipliers,
)
def test_everything_boosted_earns_multiplier_times_the_base_rounded_down(
    amounts, deduction, multiplier
):
    plain = [money(a) for a in amounts] + [{"kind": "deduction", "amount": -deduction}]
    factor = boost_factor(multiplier, 1, 1)
    boosted = [boost_entry(e, factor) for e in plain]
    before, base_before = earning_points(plain, 10)
    after, base_after = earning_points(boosted, 10)
    assert base_after == base_before  # the bonus earns points, not money
    assert before <= after
    exact = Fraction(base_before) / 10 * Fraction(str(multiplier))
    assert after == int(exact // 1)


@pytest.mark.parametrize(
    "bought, returned, meals",
    [
        (0, 0, 0),
        (3, 0, 3),
        (3, 1, 2),
        (3, 3, 0),
        (1, 4, 0),
        (2.5, 0, 2),
        (0.1 + 0.2, 0.3, 0),
    ],
)
def test_meals_saved_are_whole_units_never_negative(bought, returned, meals):
    assert meals_saved(bought, returned) == meals


@given(
    bought=st.decimals(min_value=0, max_value=1000, places=3),
    returned=st.decimals(min_value=0, max_value=1000, places=3),
)
def test_returning_units_never_adds_meals(bought, returned):
    assert 0 <= meals_saved(bought, returned) <= meals_saved(bought)
