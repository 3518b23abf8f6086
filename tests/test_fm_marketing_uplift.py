"""Hold-out groups of campaigns: who is held out, uplift and its interval."""

import pytest
from fm_marketing_tools.uplift import (
    compare,
    enough_data,
    implied_revenue,
    is_held_out,
    newcombe,
    wilson,
)


def test_wilson_interval_hand_computed():
    # 56/70: centre (0.8 + z²/140) / (1 + z²/70), half-width as by hand.
    low, high = wilson(56, 70)
    assert low == pytest.approx(0.6918, abs=1e-4)
    assert high == pytest.approx(0.8770, abs=1e-4)
    # 0 out of 10: from 0 to z² / (10 + z²).
    assert wilson(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-5)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Newcombe (1998), table II, method 10.
        ((56, 70, 48, 80), (0.0524, 0.3339)),
        ((9, 10, 3, 10), (0.1705, 0.8090)),
        ((10, 10, 0, 10), (0.6075, 1.0)),
    ],
)
def test_newcombe_interval_matches_the_published_cases(counts, expected):
    low, high = newcombe(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_uplift_of_a_campaign_with_enough_customers():
    # 1,000 messaged, 150 ordered (15 %); 100 held out, 10 ordered (10 %).
    result = compare(1000, 150, 100, 10)
    assert result.enough
    assert result.messaged_rate == pytest.approx(0.15)
    assert result.held_out_rate == pytest.approx(0.10)
    assert result.uplift == pytest.approx(0.05)
    # The interval contains the uplift and zero (100 held out is few).
    assert result.low < 0 < result.uplift < result.high
    # 50 extra customers ordering, at 2,000 DA each on average.
    assert implied_revenue(result, 300_000.0) == pytest.approx(100_000.0)


def test_tiny_groups_are_not_enough_data():
    assert not compare(10, 5, 2, 0).enough
    assert not compare(19, 10, 200, 100).enough
    assert compare(20, 10, 20, 5).enough


def test_rare_orders_are_not_enough_data():
    # 3 orders among 1,100: fewer than 5 expected among the 100 held out.
    assert not enough_data(3, 1000, 0, 100)
    # Everybody ordering is as uninformative: nobody left without order.
    assert not enough_data(1000, 1000, 100, 100)


def test_zero_conversions_in_both_groups():
    result = compare(100, 0, 100, 0)
    assert not result.enough
    assert (result.messaged_rate, result.held_out_rate, result.uplift) == (0, 0, 0)
    assert result.low == pytest.approx(-result.high)
    assert implied_revenue(result, 0.0) == 0.0


def test_everybody_messaged_ordered_and_nobody_held_out():
    result = compare(10, 10, 10, 0)
    assert result.uplift == 1.0
    assert (round(result.low, 4), result.high) == (0.6075, 1.0)


def test_no_held_out_customer_gives_no_figure():
    result = compare(50, 10, 0, 0)
    assert not result.enough
    assert result.messaged_rate == pytest.approx(0.2)
    assert result.uplift == 0.0


def test_counts_that_are_not_counts_are_refused():
    with pytest.raises(ValueError):
        compare(10, 11, 10, 0)
    with pytest.raises(ValueError):
        compare(10, 1, -1, 0)


def test_hold_out_is_reproducible_and_keeps_its_share():
    partners = range(1, 10_001)
    held = [p for p in partners if is_held_out(7, "day:2025-06-15", p, 10)]
    # The same run asked again holds out the same customers.
    assert held == [p for p in partners if is_held_out(7, "day:2025-06-15", p, 10)]
    assert 900 <= len(held) <= 1100
    # Another run, or another campaign, holds out other customers.
    assert held != [p for p in partners if is_held_out(7, "day:2025-06-16", p, 10)]
    assert held != [p for p in partners if is_held_out(8, "day:2025-06-15", p, 10)]


def test_hold_out_of_zero_and_hundred_percent():
    assert not any(is_held_out(1, "once", p, 0) for p in range(1, 1001))
    assert all(is_held_out(1, "once", p, 100) for p in range(1, 1001))
