"""Whether a cart can be ready for a pickup slot: kitchen minutes and notice.

A product may take preparation time in the kitchen (minutes per unit) and
need a minimum notice (a wedding cake is ordered 48 hours ahead). A pickup
point counts the capacity of its slots in orders, or in kitchen minutes: an
order booked on a slot then takes its cart's minutes. Datetimes are naive
UTC, as in ``slots``. Nothing here imports Odoo.
"""

import math
from datetime import timedelta

# How a slot's capacity is counted.
ORDERS = "orders"
MINUTES = "minutes"

# Reasons a cart cannot take a slot (or any slot), stable keys the caller
# translates.
NOTICE = "notice"
KITCHEN_FULL = "kitchen_full"
KITCHEN_TOO_SMALL = "kitchen_too_small"


def cart_minutes(lines):
    """Kitchen minutes a cart takes: ``lines`` are (minutes per unit,
    quantity) pairs; the total is rounded up to a whole minute (three petits
    fours of half a minute take 2). Negative values count as nothing."""
    total = sum(max(minutes or 0, 0) * max(qty or 0, 0) for minutes, qty in lines)
    # round() first: 0.1 x 30 is 3.0000000000000004, which is 3 minutes.
    return math.ceil(round(total, 6))


def cart_notice(products):
    """``(hours, name)`` of the product of the cart that needs the longest
    notice, the first of them on a tie; ``(0, None)`` when none needs any.
    ``products`` are (name, notice in hours) pairs."""
    hours, name = 0, None
    for product, notice in products:
        if (notice or 0) > hours:
            hours, name = notice, product
    return hours, name


def ready_from(now_utc, notice_hours):
    """No slot starting before this moment can take the cart."""
    return now_utc + timedelta(hours=notice_hours or 0)


def minutes_left(capacity_minutes, booked_minutes, held_minutes):
    """Kitchen minutes still free in a slot: its capacity minus the minutes
    of the orders booked for good and of the carts holding it."""
    return max((capacity_minutes or 0) - (booked_minutes or 0) - (held_minutes or 0), 0)


def kitchen_fits(capacity_type, left, needed):
    """Whether a cart of ``needed`` minutes fits a slot with ``left`` free
    minutes. Points counting orders have no kitchen limit; a cart that takes
    no kitchen time (drinks) always fits."""
    return capacity_type != MINUTES or (needed or 0) <= left


def cart_reason(
    slot_start_utc, now_utc, notice_hours=0, capacity_type=ORDERS, left=0, needed=0
):
    """Why a slot the point offers cannot take this cart, or ``None``: it
    starts before the cart's notice is over (a slot starting exactly when it
    is over can take it), or the kitchen has too few minutes left."""
    if slot_start_utc < ready_from(now_utc, notice_hours):
        return NOTICE
    if not kitchen_fits(capacity_type, left, needed):
        return KITCHEN_FULL
    return None


def why_no_slot(slots, now_utc, notice_hours=0, capacity_type=ORDERS, needed=0):
    """Why none of the slots the point offers can take the cart, when the
    cart is the reason: ``NOTICE`` (all start too soon), ``KITCHEN_TOO_SMALL``
    (the cart needs more minutes than any slot has in all),
    ``KITCHEN_FULL`` (none has enough minutes left); ``None`` when a slot can
    take it or there is no slot at all (the point's own reasons then).

    ``slots`` are (start, capacity in minutes, minutes left) triples.
    """
    if not slots:
        return None
    ready = ready_from(now_utc, notice_hours)
    late = [slot for slot in slots if slot[0] >= ready]
    if not late:
        return NOTICE
    if capacity_type != MINUTES or any(needed <= left for _s, _c, left in late):
        return None
    if all(needed > capacity for _s, capacity, _l in late):
        return KITCHEN_TOO_SMALL
    return KITCHEN_FULL
