"""Whether a caterer's cart can be ready for a pickup slot, without a database:
minimum notice of its products and kitchen minutes of the slot."""

from datetime import datetime, timedelta

import pytest
from fm_click_collect_tools import preparation as prep

NOW = datetime(2026, 12, 3, 9, 0)  # naive UTC, 10:00 in Algiers


def test_a_slot_exactly_48_hours_later_takes_a_cake_a_minute_sooner_does_not():
    exactly = NOW + timedelta(hours=48)
    assert prep.cart_reason(exactly, NOW, notice_hours=48) is None
    assert (
        prep.cart_reason(exactly - timedelta(minutes=1), NOW, notice_hours=48)
        == prep.NOTICE
    )


def test_a_cart_mixing_48_hour_and_same_day_products_waits_for_the_cake():
    cart = [("Couscous royal", 0), ("Pièce montée", 48), ("Msemen", 2)]
    hours, product = prep.cart_notice(cart)
    assert (hours, product) == (48, "Pièce montée")
    tomorrow = NOW + timedelta(hours=24)
    assert prep.cart_reason(tomorrow, NOW, hours) == prep.NOTICE
    # The same-day dishes alone take tomorrow's slot.
    same_day = prep.cart_notice([("Couscous royal", 0), ("Msemen", 2)])
    assert prep.cart_reason(tomorrow, NOW, same_day[0]) is None


def test_a_cart_without_notice_names_no_product():
    assert prep.cart_notice([("Couscous royal", 0), ("Eau", None)]) == (0, None)
    assert prep.cart_notice([]) == (0, None)


def test_two_products_with_the_same_notice_name_the_first_of_the_cart():
    cart = [("Pièce montée", 48), ("Croquembouche", 48)]
    assert prep.cart_notice(cart) == (48, "Pièce montée")


def test_cart_minutes_add_the_units_and_round_up_to_a_whole_minute():
    # 2 couscous of 15 min, 3 petits fours of half a minute: 31.5 -> 32.
    assert prep.cart_minutes([(15, 2), (0.5, 3)]) == 32
    # No float residue: 0.1 min x 30 is 3 minutes, not 4.
    assert prep.cart_minutes([(0.1, 30)]) == 3


def test_zero_prep_time_takes_no_kitchen_minute_and_fits_a_full_kitchen():
    assert prep.cart_minutes([(0, 12), (None, 3)]) == 0
    assert prep.cart_minutes([]) == 0
    assert prep.kitchen_fits(prep.MINUTES, 0, 0)
    later = NOW + timedelta(hours=3)
    assert prep.cart_reason(later, NOW, 0, prep.MINUTES, left=0, needed=0) is None


def test_negative_values_take_nothing():
    assert prep.cart_minutes([(-10, 2), (5, -1), (5, 1)]) == 5


@pytest.mark.parametrize(
    ("needed", "reason"),
    [(9, None), (10, None), (11, prep.KITCHEN_FULL)],
)
def test_a_slot_whose_kitchen_minutes_are_nearly_full(needed, reason):
    # 120 minutes, 95 booked, 15 held by a cart paying now: 10 left.
    left = prep.minutes_left(120, 95, 15)
    assert left == 10
    later = NOW + timedelta(hours=3)
    assert prep.cart_reason(later, NOW, 0, prep.MINUTES, left, needed) == reason


def test_points_counting_orders_have_no_kitchen_limit():
    later = NOW + timedelta(hours=3)
    assert prep.cart_reason(later, NOW, 0, prep.ORDERS, left=0, needed=500) is None


def test_minutes_left_is_never_negative():
    # A manager lowered the capacity below what is booked.
    assert prep.minutes_left(60, 90, 0) == 0
    assert prep.minutes_left(None, None, None) == 0


def _slots(*hours_and_left, capacity=120):
    return [(NOW + timedelta(hours=h), capacity, left) for h, left in hours_and_left]


def test_no_slot_far_enough_for_the_cake_says_the_notice_is_why():
    slots = _slots((2, 120), (24, 120), (47, 120))
    assert prep.why_no_slot(slots, NOW, 48) == prep.NOTICE
    # One slot exactly 48 hours later: the cart can be ready for it.
    assert prep.why_no_slot([*slots, *_slots((48, 120))], NOW, 48) is None


def test_no_slot_with_enough_kitchen_minutes_left_says_so():
    slots = _slots((2, 20), (3, 29))
    assert prep.why_no_slot(slots, NOW, 0, prep.MINUTES, 30) == prep.KITCHEN_FULL
    assert prep.why_no_slot(slots, NOW, 0, prep.MINUTES, 29) is None


def test_a_cart_bigger_than_a_whole_slot_of_the_kitchen_says_so():
    slots = _slots((2, 120), (3, 120))
    assert prep.why_no_slot(slots, NOW, 0, prep.MINUTES, 121) == (
        prep.KITCHEN_TOO_SMALL
    )


def test_the_cart_is_not_the_reason_when_there_is_no_slot_or_orders_count():
    assert prep.why_no_slot([], NOW, 48, prep.MINUTES, 500) is None
    # Counting orders, full slots are the point's reason, not the cart's.
    assert prep.why_no_slot(_slots((2, 0)), NOW, 0, prep.ORDERS, 500) is None


def test_late_slots_without_minutes_are_the_kitchen_reason_not_the_notice():
    # The too-soon slot has minutes left, the late one has none: the kitchen.
    slots = _slots((2, 120), (50, 0))
    assert prep.why_no_slot(slots, NOW, 48, prep.MINUTES, 30) == prep.KITCHEN_FULL
    assert prep.why_no_slot(_slots((2, 120)), NOW, 48, prep.MINUTES, 30) == (
        prep.NOTICE
    )
