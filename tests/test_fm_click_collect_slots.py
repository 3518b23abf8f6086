"""Slot rules of click & collect, without a database.

Africa/Algiers is UTC+1 all year (no DST).
"""

from datetime import date, datetime

import pytest
from fm_click_collect_tools import slots

TZ = "Africa/Algiers"
LUNCH = {d: [(11.5, 14.0)] for d in range(7)}  # 11:30-14:00 every day


def utc(*args):
    return datetime(*args)


def test_day_slots_do_not_straddle_the_end_of_a_window():
    result = slots.day_slots(date(2025, 3, 10), [(11.5, 13.75)], 30)
    assert [s.strftime("%H:%M") for s, _e in result] == [
        "11:30",
        "12:00",
        "12:30",
        "13:00",
    ]


def test_generation_converts_local_hours_to_utc():
    result = slots.generate_slots(date(2025, 3, 10), 1, LUNCH, 30, TZ)
    assert result[0] == (utc(2025, 3, 10, 10, 30), utc(2025, 3, 10, 11, 0))
    assert len(result) == 5


def test_generation_skips_closed_dates_and_days_without_hours():
    windows = {0: [(11.5, 14.0)]}  # Mondays only
    result = slots.generate_slots(
        date(2025, 3, 10), 7, windows, 30, TZ, closed_days=set()
    )
    assert {s.date() for s, _e in result} == {date(2025, 3, 10)}
    assert (
        slots.generate_slots(date(2025, 3, 10), 7, windows, 30, TZ, {date(2025, 3, 10)})
        == []
    )


def test_same_day_slot_bookable_at_10_59_local():
    start = utc(2025, 3, 10, 11, 30)  # 12:30 Algiers
    now = utc(2025, 3, 10, 9, 59)  # 10:59 Algiers
    assert slots.unavailable_reason(start, now, TZ, 30, 11.0, (), 0, 5) is None


def test_same_day_slot_refused_at_11_01_local():
    start = utc(2025, 3, 10, 11, 30)
    now = utc(2025, 3, 10, 10, 1)  # 11:01 Algiers
    assert slots.unavailable_reason(start, now, TZ, 30, 11.0, (), 0, 5) == slots.CUT_OFF


def test_next_day_slot_still_bookable_after_the_cut_off():
    start = utc(2025, 3, 11, 11, 30)
    now = utc(2025, 3, 10, 10, 1)
    assert slots.unavailable_reason(start, now, TZ, 30, 11.0, (), 0, 5) is None


def test_cut_off_uses_local_not_utc_time():
    # 10:30 UTC is 11:30 in Algiers: past an 11:00 cut-off although UTC says 10:30.
    start = utc(2025, 3, 10, 12, 0)
    assert (
        slots.unavailable_reason(start, utc(2025, 3, 10, 10, 30), TZ, 0, 11.0)
        == slots.CUT_OFF
    )


def test_lead_time_refuses_a_slot_too_soon():
    start = utc(2025, 3, 10, 11, 30)
    now = utc(2025, 3, 10, 11, 0)
    assert slots.unavailable_reason(start, now, TZ, 45, 0, (), 0, 5) == slots.LEAD_TIME
    assert slots.unavailable_reason(start, now, TZ, 30, 0, (), 0, 5) is None


def test_past_slot_is_refused():
    start = utc(2025, 3, 10, 11, 30)
    assert slots.unavailable_reason(start, utc(2025, 3, 10, 12, 0), TZ) == slots.PAST


def test_full_slot_is_refused_and_capacity_is_never_exceeded():
    start = utc(2025, 3, 11, 11, 30)
    now = utc(2025, 3, 10, 8, 0)
    assert slots.unavailable_reason(start, now, TZ, 0, 0, (), 4, 5) is None
    assert slots.unavailable_reason(start, now, TZ, 0, 0, (), 5, 5) == slots.FULL
    assert slots.unavailable_reason(start, now, TZ, 0, 0, (), 6, 5) == slots.FULL


def test_closed_day_is_refused():
    start = utc(2025, 3, 11, 11, 30)
    now = utc(2025, 3, 10, 8, 0)
    reason = slots.unavailable_reason(start, now, TZ, 0, 0, {date(2025, 3, 11)}, 0, 5)
    assert reason == slots.CLOSED


def test_closure_ranges_close_local_days():
    # 23:30 UTC on the 10th is already the 11th in Algiers.
    ranges = [(utc(2025, 3, 10, 23, 30), utc(2025, 3, 11, 22, 0))]
    assert slots.closed_dates(ranges, TZ) == {date(2025, 3, 11)}


def test_local_day_boundary_in_utc():
    # A 00:30 local slot is 23:30 UTC the day before; its cut-off is local.
    start = slots.local_to_utc(datetime(2025, 3, 11, 0, 30), TZ)
    assert start == utc(2025, 3, 10, 23, 30)
    assert slots.cut_off_moment(start, TZ, 11.0) == utc(2025, 3, 11, 10, 0)


def test_pickup_code_is_readable_and_normalised():
    code = slots.new_pickup_code()
    assert len(code) == 6 and set(code) <= set(slots.PICKUP_CODE_ALPHABET)
    assert slots.normalize_pickup_code(" ac d e7 ") == "ACDE7"


def test_zero_length_slot_is_rejected():
    with pytest.raises(ValueError):
        slots.day_slots(date(2025, 3, 10), [(8, 9)], 0)
