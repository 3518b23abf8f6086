"""Membership tiers."""

from datetime import date

import pytest
from flexi_loyalty_tools.tiers import qualifying_tier, tier_change, window_start

TIERS = [
    {"id": 1, "sequence": 10, "basis": "orders", "threshold": 0},
    {"id": 2, "sequence": 20, "basis": "amount", "threshold": 50000},
    {"id": 3, "sequence": 30, "basis": "orders", "threshold": 51},
]
RANKS = {1: 10, 2: 20, 3: 30}


def stats(orders=0, amount=0.0, points=0):
    return {"orders": orders, "amount": amount, "points": points}


def test_window_start_lifetime():
    assert window_start(date(2025, 6, 2), "lifetime") is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 6, 2), date(2024, 6, 2)),
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2025, 2, 28), date(2024, 2, 28)),
        (date(2025, 3, 1), date(2024, 3, 1)),
        (date(2025, 1, 1), date(2024, 1, 1)),
        (date(2024, 12, 31), date(2023, 12, 31)),
    ],
)
def test_window_start_rolling_12(today, expected):
    assert window_start(today, "rolling_12") == expected


def test_window_start_unknown_period():
    with pytest.raises(ValueError):
        window_start(date(2025, 1, 1), "weekly")


def test_gold_needs_more_than_50_orders():
    assert qualifying_tier(TIERS, stats(orders=50)) == 1
    assert qualifying_tier(TIERS, stats(orders=51)) == 3


def test_best_tier_wins_whatever_basis():
    assert qualifying_tier(TIERS, stats(orders=60, amount=60000.0)) == 3
    assert qualifying_tier(TIERS, stats(orders=3, amount=50000.0)) == 2
    assert qualifying_tier(TIERS, stats(orders=3, amount=49999.99)) == 1


def test_amount_threshold_ignores_float_residue():
    tiers = [{"id": 9, "sequence": 1, "basis": "amount", "threshold": 0.3}]
    assert qualifying_tier(tiers, stats(amount=0.1 + 0.2)) == 9


def test_no_tier_qualified():
    tiers = [{"id": 5, "sequence": 1, "basis": "points", "threshold": 100}]
    assert qualifying_tier(tiers, stats(points=99)) is None
    assert qualifying_tier(tiers, stats(points=100)) == 5
    assert qualifying_tier([], stats(orders=1000)) is None


def test_equal_sequence_higher_threshold_wins():
    tiers = [
        {"id": "low", "sequence": 5, "basis": "points", "threshold": 10},
        {"id": "high", "sequence": 5, "basis": "points", "threshold": 100},
    ]
    assert qualifying_tier(tiers, stats(points=150)) == "high"
    assert qualifying_tier(list(reversed(tiers)), stats(points=150)) == "high"
    assert qualifying_tier(tiers, stats(points=50)) == "low"


def test_unknown_basis_rejected():
    with pytest.raises(ValueError):
        qualifying_tier(
            [{"id": 1, "sequence": 1, "basis": "visits", "threshold": 1}], {}
        )


def test_tier_change():
    assert tier_change(1, 3, RANKS) == "upgrade"
    assert tier_change(3, 2, RANKS) == "downgrade"
    assert tier_change(2, 2, RANKS) == "same"
    assert tier_change(None, 1, RANKS) == "upgrade"
    assert tier_change(1, None, RANKS) == "downgrade"
    assert tier_change(None, None, RANKS) == "same"
    assert tier_change(False, 1, RANKS) == "upgrade"
