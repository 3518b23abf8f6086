"""Campaign date maths: dormancy, birthdays, quiet hours, frequency caps."""

from datetime import date, datetime, timedelta

import pytest
from fm_marketing_tools.schedule import (
    birthday_keys,
    dormancy_cutoff,
    exact_dormancy_factor,
    frequency_cap_start,
    in_quiet_hours,
    is_personally_dormant,
    mmdd,
    next_allowed_moment,
    order_day_gaps,
    personal_dormancy_days,
)

TODAY = date(2025, 6, 15)


def test_dormancy_cutoff_is_the_day_30_days_ago():
    # The campaign's SQL selects last orders on or before the cut-off.
    assert dormancy_cutoff(TODAY, 30) == date(2025, 5, 16)


def test_dormancy_needs_a_positive_number_of_days():
    with pytest.raises(ValueError):
        dormancy_cutoff(TODAY, 0)


def test_birthday_keys_of_an_ordinary_day():
    assert birthday_keys(TODAY) == [(6, 15)]


def test_leap_day_birthday_is_celebrated_on_28_february_in_common_years():
    assert birthday_keys(date(2025, 2, 28)) == [(2, 28), (2, 29)]
    assert birthday_keys(date(2025, 3, 1)) == [(3, 1)]


def test_leap_day_birthday_is_on_29_february_in_leap_years():
    assert birthday_keys(date(2024, 2, 28)) == [(2, 28)]
    assert birthday_keys(date(2024, 2, 29)) == [(2, 29)]


def test_birthday_keys_are_month_and_day():
    assert mmdd(12, 31) == 1231
    assert birthday_keys(date(2025, 2, 28)) == [(2, 28), (2, 29)]


@pytest.mark.parametrize(
    ("hour", "quiet"),
    [
        (20, False),
        (21, True),
        (23, True),
        (0, True),
        (7, True),
        (8, False),
        (12, False),
    ],
)
def test_quiet_hours_cross_midnight(hour, quiet):
    assert in_quiet_hours(datetime(2025, 6, 15, hour, 30), 21, 8) is quiet


def test_quiet_hours_within_a_day_and_none():
    assert in_quiet_hours(datetime(2025, 6, 15, 13), 12, 14)
    assert not in_quiet_hours(datetime(2025, 6, 15, 14), 12, 14)
    assert not in_quiet_hours(datetime(2025, 6, 15, 3), 8, 8)


def test_evening_message_waits_for_next_morning():
    assert next_allowed_moment(datetime(2025, 6, 15, 22, 10), 21, 8) == datetime(
        2025, 6, 16, 8, 0
    )


def test_night_message_waits_for_same_morning():
    assert next_allowed_moment(datetime(2025, 6, 16, 3, 0), 21, 8) == datetime(
        2025, 6, 16, 8, 0
    )


def test_daytime_message_leaves_now():
    moment = datetime(2025, 6, 15, 10, 0)
    assert next_allowed_moment(moment, 21, 8) == moment


def test_frequency_cap_of_seven_days():
    now = datetime(2025, 6, 15, 10, 0)
    assert frequency_cap_start(now, 7) == now - timedelta(days=7)
    assert frequency_cap_start(now, 0) is None


# ------------------------------------------------------------ personal dormancy


def every(days, count, last=TODAY):
    """``count`` order days ``days`` apart, the last one on ``last``."""
    return [last - timedelta(days=days * i) for i in range(count)]


def test_regular_weekly_customer_is_held_by_the_floor():
    # 2 x 7 = 14 days, but never dormant before 30.
    assert personal_dormancy_days(every(7, 10), 2.0, 30, 120) == 30


def test_threshold_is_k_times_the_median_gap():
    assert personal_dormancy_days(every(20, 4), 2.0, 30, 120) == 40
    assert personal_dormancy_days(every(20, 4), 3.0, 30, 120) == 60


def test_irregular_customer_is_held_by_the_ceiling():
    days = [date(2025, 1, 1), date(2025, 4, 11), date(2025, 10, 28)]
    assert order_day_gaps(days) == [100, 200]
    assert personal_dormancy_days(days, 2.0, 30, 120) == 120


def test_fewer_than_three_order_days_use_the_floor():
    assert personal_dormancy_days([], 2.0, 30, 120) == 30
    assert personal_dormancy_days([TODAY], 2.0, 30, 120) == 30
    assert personal_dormancy_days(every(60, 2), 2.0, 30, 120) == 30


def test_orders_on_the_same_day_are_one_visit():
    day = date(2025, 5, 1)
    # Three orders but two days: no rhythm yet.
    assert order_day_gaps([day, day, day + timedelta(days=50)]) == [50]
    assert personal_dormancy_days([day, day, day + timedelta(days=50)]) == 30
    # A same-day reorder neither adds a zero gap nor lowers the median.
    days = [*every(25, 3, day), day]
    assert order_day_gaps(days) == [25, 25]
    assert personal_dormancy_days(days, 2.0, 30, 120) == 50


def test_median_of_an_odd_number_of_gaps_is_the_middle_one():
    days = [date(2025, 1, 1)]
    for gap in (10, 40, 15):  # sorted: 10, 15, 40
        days.append(days[-1] + timedelta(days=gap))
    assert personal_dormancy_days(days, 2.0, 1, 365) == 30


def test_median_of_an_even_number_of_gaps_is_the_mean_of_the_middle_two():
    days = [date(2025, 1, 1)]
    for gap in (10, 30, 20, 45):  # middle: 20 and 30
        days.append(days[-1] + timedelta(days=gap))
    assert personal_dormancy_days(days, 2.0, 1, 365) == 50
    # 10.5-day median: 2 x 10.5 = 21 exactly.
    days = [date(2025, 1, 1), date(2025, 1, 11), date(2025, 1, 22)]
    assert personal_dormancy_days(days, 2.0, 1, 365) == 21


def test_fractional_threshold_rounds_up_to_a_whole_day():
    # 1.5 x 7 = 10.5: dormant from the 11th day, not the 10th.
    assert personal_dormancy_days(every(7, 5), 1.5, 1, 365) == 11
    assert not is_personally_dormant(
        every(7, 5, TODAY - timedelta(days=10)), TODAY, 1.5, 1, 365
    )
    assert is_personally_dormant(
        every(7, 5, TODAY - timedelta(days=11)), TODAY, 1.5, 1, 365
    )


def test_factor_is_exact_in_decimal():
    # In binary floats 2.2 x 25 = 55.00000000000001, which would round up to 56.
    assert 2.2 * 25 > 55
    assert exact_dormancy_factor(2.2) * 25 == 55
    assert personal_dormancy_days(every(25, 4), 2.2, 1, 365) == 55


def test_gap_across_29_february_counts_the_leap_day():
    days = [date(2024, 2, 28), date(2024, 3, 1), date(2024, 3, 3)]
    assert order_day_gaps(days) == [2, 2]
    common = [date(2025, 2, 28), date(2025, 3, 1), date(2025, 3, 2)]
    assert order_day_gaps(common) == [1, 1]
    # A leap year's February makes the monthly customer's gaps 29 days, not 28.
    monthly = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 29)]
    assert personal_dormancy_days(monthly, 2.0, 30, 120) == 58


def test_dormant_on_the_day_the_threshold_is_reached_across_a_leap_day():
    # Threshold 40 (gaps of 20); last order on 20 January 2024.
    days = every(20, 4, date(2024, 1, 20))
    # 40 days after 20 January 2024 is 29 February (31 + 9).
    assert not is_personally_dormant(days, date(2024, 2, 28), 2.0, 30, 120)
    assert is_personally_dormant(days, date(2024, 2, 29), 2.0, 30, 120)
    # In a common year the 40th day is 1 March.
    days = every(20, 4, date(2025, 1, 20))
    assert not is_personally_dormant(days, date(2025, 2, 28), 2.0, 30, 120)
    assert is_personally_dormant(days, date(2025, 3, 1), 2.0, 30, 120)


@pytest.mark.parametrize(
    ("days_since", "dormant"),
    [(38, False), (39, False), (40, True), (41, True)],
)
def test_dormant_from_the_threshold_like_the_fixed_rule(days_since, dormant):
    days = every(20, 4, TODAY - timedelta(days=days_since))
    assert is_personally_dormant(days, TODAY, 2.0, 30, 120) is dormant
    # Same boundary as the fixed number of days: last order on the cut-off.
    assert (max(days) <= dormancy_cutoff(TODAY, 40)) is dormant


@pytest.mark.parametrize(
    ("days_since", "dormant"), [(29, False), (30, True), (119, True)]
)
def test_floor_boundary(days_since, dormant):
    days = every(7, 10, TODAY - timedelta(days=days_since))
    assert is_personally_dormant(days, TODAY, 2.0, 30, 120) is dormant


@pytest.mark.parametrize(("days_since", "dormant"), [(119, False), (120, True)])
def test_ceiling_boundary(days_since, dormant):
    days = every(90, 4, TODAY - timedelta(days=days_since))
    assert is_personally_dormant(days, TODAY, 2.0, 30, 120) is dormant


def test_floor_equal_to_ceiling_is_a_fixed_number_of_days():
    assert personal_dormancy_days(every(7, 10), 2.0, 45, 45) == 45
    assert personal_dormancy_days(every(90, 10), 2.0, 45, 45) == 45


def test_customer_without_orders_is_never_dormant():
    assert not is_personally_dormant([], TODAY)


def test_order_after_today_is_not_dormant():
    assert not is_personally_dormant([TODAY + timedelta(days=1)], TODAY)


@pytest.mark.parametrize(
    ("k", "floor", "ceiling"),
    [(0, 30, 120), (-1, 30, 120), (2, 0, 120), (2, 121, 120)],
)
def test_personal_dormancy_refuses_impossible_settings(k, floor, ceiling):
    with pytest.raises(ValueError):
        personal_dormancy_days(every(7, 5), k, floor, ceiling)
