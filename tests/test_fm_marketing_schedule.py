"""Campaign date maths: dormancy, birthdays, quiet hours, frequency caps."""

from datetime import date, datetime, timedelta

import pytest
from fm_marketing_tools.schedule import (
    birthday_keys,
    dormancy_cutoff,
    frequency_cap_start,
    in_quiet_hours,
    mmdd,
    next_allowed_moment,
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
