"""How long an unpaid checkout keeps its place in a pickup slot, without a database."""

from datetime import datetime, timedelta

import pytest
from fm_click_collect_tools import slots


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [
        ("15", 15),
        ("1", 1),
        (30, 30),
        ("1440", 1440),
        (None, slots.HOLD_MINUTES_DEFAULT),
        (False, slots.HOLD_MINUTES_DEFAULT),
        ("", slots.HOLD_MINUTES_DEFAULT),
        ("abc", slots.HOLD_MINUTES_DEFAULT),
        ("7.5", slots.HOLD_MINUTES_DEFAULT),
        ("0", slots.HOLD_MINUTES_DEFAULT),
        ("-10", slots.HOLD_MINUTES_DEFAULT),
        ("1441", slots.HOLD_MINUTES_DEFAULT),
        ("99999999", slots.HOLD_MINUTES_DEFAULT),
    ],
)
def test_a_broken_setting_never_holds_places_for_ever(raw, minutes):
    assert slots.hold_minutes(raw) == minutes


def test_default_hold_is_15_minutes():
    assert slots.HOLD_MINUTES_DEFAULT == 15


def test_hold_expires_after_its_minutes():
    now = datetime(2030, 3, 11, 9, 0)
    assert slots.hold_expiry(now, 15) == now + timedelta(minutes=15)


@pytest.mark.parametrize(
    ("capacity", "booked", "held", "left"),
    [(5, 0, 0, 5), (5, 2, 2, 1), (5, 3, 2, 0), (2, 2, 1, 0), (2, 0, 3, 0)],
)
def test_places_left_counts_bookings_and_holds_never_below_zero(
    capacity, booked, held, left
):
    assert slots.places_left(capacity, booked, held) == left


def test_a_full_slot_counts_holds_as_taken_places():
    now = datetime(2030, 3, 11, 9, 0)
    start = datetime(2030, 3, 12, 10, 0)
    booked, held, capacity = 1, 1, 2
    reason = slots.unavailable_reason(
        start, now, "Africa/Algiers", 60, 0.0, (), booked + held, capacity
    )
    assert reason == slots.FULL
    assert not slots.unavailable_reason(
        start, now, "Africa/Algiers", 60, 0.0, (), booked, capacity
    )
