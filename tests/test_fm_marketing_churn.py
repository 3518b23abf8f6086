"""Churn risk of a loyalty member and the reward they are closest to."""

from datetime import date

import pytest
from fm_marketing_tools.churn import (
    AT_RISK_SCORE,
    DEFAULT_RHYTHM_DAYS,
    churn_risk,
    median_gap,
    next_reward,
    spend_reference,
    year_start,
)

# A regular customer: 4 to 11 orders a year, median spend.
AVERAGE = {"orders_year": 6, "spend_year": 1000.0, "reference": 1000.0}


def risk(days, rhythm=30, **kw):
    values = {**AVERAGE, **kw}
    return churn_risk(
        days, rhythm, values["orders_year"], values["spend_year"], values["reference"]
    )


# ------------------------------------------------------------ rhythm


def test_rhythm_needs_three_order_days():
    assert median_gap([]) is None
    assert median_gap([date(2025, 1, 1)]) is None
    assert median_gap([date(2025, 1, 1), date(2025, 1, 31)]) is None
    assert median_gap([date(2025, 1, 1), date(2025, 1, 31), date(2025, 3, 2)]) == 30


def test_two_orders_on_one_day_are_one_visit():
    days = [date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 11)]
    assert median_gap(days) is None
    assert median_gap([*days, date(2025, 1, 31)]) == 15


def test_rhythm_is_the_median_gap_even_count_averages():
    days = [date(2025, 1, 1), date(2025, 1, 8), date(2025, 1, 22), date(2025, 2, 5)]
    # Gaps 7, 14, 14: median 14.
    assert median_gap(days) == 14
    # Gaps 7, 14, 14, 10: median (10 + 14) / 2.
    assert median_gap([*days, date(2025, 2, 15)]) == 12


def test_gap_across_a_leap_day_counts_29_february():
    days = [date(2024, 1, 30), date(2024, 2, 29), date(2024, 3, 30)]
    assert median_gap(days) == 30
    # 28 February to 1 March: two days in a leap year, one in a common year.
    assert median_gap([date(2024, 2, 27), date(2024, 2, 28), date(2024, 3, 1)]) == 1.5
    assert median_gap([date(2025, 2, 27), date(2025, 2, 28), date(2025, 3, 1)]) == 1


def test_rhythm_follows_the_latest_twenty_order_days():
    # Weekly for a long time, daily for the last 20 days: daily wins.
    weekly = [date(2024, 1, 1 + 7 * i) for i in range(4)]
    daily = [date(2025, 1, day) for day in range(1, 21)]
    assert median_gap(weekly + daily) == 1


def test_year_start_counts_365_days_today_included():
    assert year_start(date(2025, 6, 15)) == date(2024, 6, 16)
    assert year_start(date(2024, 3, 1)) == date(2023, 3, 3)  # over 29 February


# ------------------------------------------------------------ score


def test_never_ordered_is_not_at_risk():
    churn = churn_risk(None, None, 0, 0.0)
    assert (churn.score, churn.at_risk, churn.reasons) == (0, False, ())


def test_on_time_regular_member_scores_nothing():
    churn = risk(29)
    assert (churn.score, churn.reasons) == (0, ())


@pytest.mark.parametrize(
    ("days", "points", "code"),
    [
        (29, 0, None),
        (30, 25, "late"),
        (44, 25, "late"),
        (45, 40, "late_1_5x"),
        (59, 40, "late_1_5x"),
        (60, 55, "late_2x"),
        (89, 55, "late_2x"),
        (90, 70, "late_3x"),
        (400, 70, "late_3x"),
    ],
)
def test_recency_bands_start_at_their_ratio(days, points, code):
    churn = risk(days)
    assert churn.score == points
    assert churn.reasons == (((code, points),) if code else ())


def test_one_order_uses_the_default_rhythm():
    churn = churn_risk(75, None, 1, 500.0, 1000.0)
    assert churn.rhythm == DEFAULT_RHYTHM_DAYS
    assert churn.ratio == 2.5
    # Late 2x (55) + one order (20), spend half the median: not low.
    assert churn.score == 75
    assert churn.reasons == (("late_2x", 55), ("one_order", 20))


def test_own_rhythm_is_used_when_known():
    # A weekly customer 3 weeks away is as late as a monthly one 3 months away.
    assert risk(21, rhythm=7).score == risk(90, rhythm=30).score == 70
    assert risk(21, rhythm=7).ratio == 3.0


@pytest.mark.parametrize(
    ("orders", "points", "code"),
    [
        (0, 20, "one_order"),
        (1, 20, "one_order"),
        (2, 10, "few_orders"),
        (3, 10, "few_orders"),
        (4, 0, None),
        (11, 0, None),
        (12, -10, "frequent"),
    ],
)
def test_frequency_bands(orders, points, code):
    # 75 days at a 30-day rhythm: 55 points of recency.
    churn = risk(75, orders_year=orders)
    assert churn.score == 55 + points
    assert (code, points) in churn.reasons or code is None


@pytest.mark.parametrize(
    ("spend", "points"),
    [(499.99, 10), (500.0, 0), (1999.99, 0), (2000.0, -15)],
)
def test_spend_bands_against_the_median(spend, points):
    assert risk(75, spend_year=spend).score == 55 + points


def test_no_reference_spend_counts_nothing():
    assert risk(75, spend_year=0.0, reference=None).score == 55


def test_frequency_and_spend_lower_the_risk_not_below_zero():
    churn = risk(10, orders_year=20, spend_year=5000.0)
    assert churn.score == 0
    assert churn.reasons == (("high_spend", -15), ("frequent", -10))


def test_score_never_exceeds_100():
    churn = risk(400, orders_year=1, spend_year=1.0)
    assert churn.score == 100
    assert [code for code, _points in churn.reasons] == [
        "late_3x",
        "one_order",
        "low_spend",
    ]


def test_at_risk_from_the_threshold():
    # 55 (late 2x) + 0: under; + 10 (two orders): 65.
    assert not risk(60).at_risk
    assert risk(60, orders_year=2).at_risk
    # Late (25) + one order (20) + low spend (10) = 55; late 1.5x: 70.
    assert risk(30, orders_year=1, spend_year=1.0).score == AT_RISK_SCORE - 5
    assert risk(45, orders_year=1, spend_year=1.0).score == 70


def test_exactly_the_threshold_is_at_risk():
    # 40 (late 1.5x) + 20 (one order) = 60.
    churn = risk(45, orders_year=1)
    assert (churn.score, churn.at_risk) == (AT_RISK_SCORE, True)


def test_tied_parts_keep_recency_before_frequency_before_spend():
    # Few orders (10) ties low spend (10): frequency comes first.
    churn = risk(35, orders_year=2, spend_year=1.0)
    assert churn.reasons == (("late", 25), ("few_orders", 10), ("low_spend", 10))


def test_spend_reference_is_the_median_of_who_spent():
    assert spend_reference([]) is None
    assert spend_reference([0.0, 0.0]) is None
    assert spend_reference([0.0, 100.0, 300.0]) == 200.0


# ------------------------------------------------------------ next reward


def test_next_reward_is_the_one_with_fewest_points_missing():
    # 492 points: 8 short of 500, 508 short of 1000.
    assert next_reward([(1, 500, 492), (2, 1000, 492)]) == (1, 8)


def test_affordable_reward_is_missing_zero_points():
    assert next_reward([(2, 1000, 1200), (3, 1500, 1200)]) == (2, 0)


def test_tie_goes_to_the_cheaper_reward_then_the_lower_id():
    # Both affordable: 0 missing each; the cheaper wins.
    assert next_reward([(5, 300, 400), (4, 200, 400)]) == (4, 0)
    # Same cost, same points: the lower id.
    assert next_reward([(9, 500, 100), (7, 500, 100)]) == (7, 400)


def test_negative_points_count_as_none():
    assert next_reward([(1, 100, -30)]) == (1, 100)


def test_no_reward_no_choice():
    assert next_reward([]) is None


def test_offers_of_two_memberships_compare_their_own_points():
    # Program A: 50 short; program B: 10 short with fewer points.
    assert next_reward([(1, 100, 50), (2, 30, 20)]) == (2, 10)
