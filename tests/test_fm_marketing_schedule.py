"""Campaign date maths: dormancy, birthdays, quiet hours, frequency caps."""

from datetime import date, datetime, timedelta

import pytest
from fm_marketing_tools.schedule import (
    birthday_keys,
    capped,
    dormancy_cutoff,
    in_quiet_hours,
    is_birthday,
    is_dormant,
    mmdd,
    next_allowed_moment,
)

TODAY = date(2025, 6, 15)


@pytest.mark.parametrize(("age", "dormant"), [(29, False), (30, True), (31, True)])
def test_dormancy_starts_on_day_30(age, dormant):
    assert is_dormant(TODAY - timedelta(days=age), TODAY, 30) is dormant


def test_customer_without_order_is_not_dormant():
    assert not is_dormant(None, TODAY, 30)


def test_dormancy_needs_a_positive_number_of_days():
    with pytest.raises(ValueError):
        dormancy_cutoff(TODAY, 0)


def test_birthday_today_but_not_yesterday():
    assert is_birthday(date(1990, 6, 15), TODAY)
    assert not is_birthday(date(1990, 6, 14), TODAY)


def test_leap_day_birthday_is_celebrated_on_28_february_in_common_years():
    leapling = date(2000, 2, 29)
    assert is_birthday(leapling, date(2025, 2, 28))
    assert not is_birthday(leapling, date(2025, 3, 1))


def test_leap_day_birthday_is_on_29_february_in_leap_years():
    leapling = date(2000, 2, 29)
    assert not is_birthday(leapling, date(2024, 2, 28))
    assert is_birthday(leapling, date(2024, 2, 29))
    assert birthday_keys(date(2024, 2, 28)) == [(2, 28)]


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
    assert capped(now - timedelta(days=6, hours=23), now, 7)
    assert not capped(now - timedelta(days=7), now, 7)
    assert not capped(None, now, 7)
    assert not capped(now - timedelta(hours=1), now, 0)
