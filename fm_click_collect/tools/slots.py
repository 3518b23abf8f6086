"""Pickup slots: generation from opening windows and whether one can be booked.

All datetimes given to and returned by this module are naive UTC, as Odoo
stores them; local time only exists inside, through ``tz`` (an IANA name such
as ``Africa/Algiers``).
"""

import secrets
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Reasons a slot cannot be chosen, stable keys the caller translates.
PAST = "past"
LEAD_TIME = "lead_time"
CUT_OFF = "cut_off"
CLOSED = "closed"
FULL = "full"

PICKUP_CODE_ALPHABET = "ACDEFHJKMNPRTWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B

# How long an unpaid checkout keeps its place in a slot (minutes).
HOLD_MINUTES_DEFAULT = 15
HOLD_MINUTES_MAX = 24 * 60


def hours_to_time(hours):
    """11.5 -> 11:30 (a float hour as Odoo's float_time widget stores it)."""
    minutes = round(hours * 60)
    if minutes >= 24 * 60:
        return time(23, 59)
    return time(minutes // 60, minutes % 60)


def local_to_utc(local_naive, tz):
    """Naive local wall time -> naive UTC."""
    aware = local_naive.replace(tzinfo=ZoneInfo(tz))
    return aware.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(utc_naive, tz):
    """Naive UTC -> naive local wall time."""
    aware = utc_naive.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def day_slots(day, windows, length_minutes):
    """Local (start, end) pairs of one day.

    ``windows`` lists the opening periods of that day as (from_hour, to_hour)
    floats; a slot never straddles the end of a window (a 30-minute slot is
    not offered at 13:45 when the window closes at 14:00).
    """
    if length_minutes <= 0:
        raise ValueError("slot length must be positive")
    step = timedelta(minutes=length_minutes)
    result = []
    for hour_from, hour_to in sorted(windows):
        start = datetime.combine(day, hours_to_time(hour_from))
        end_of_window = datetime.combine(day, hours_to_time(hour_to))
        while start + step <= end_of_window:
            result.append((start, start + step))
            start += step
    return result


def generate_slots(first_day, days, weekly_windows, length_minutes, tz, closed_days=()):
    """UTC (start, end) pairs for ``days`` days from ``first_day`` (local dates).

    ``weekly_windows`` maps a weekday (0 = Monday) to its opening windows;
    a weekday without windows and any date in ``closed_days`` get no slot.
    """
    closed = set(closed_days)
    result = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day in closed:
            continue
        for start, end in day_slots(
            day, weekly_windows.get(day.weekday(), ()), length_minutes
        ):
            result.append((local_to_utc(start, tz), local_to_utc(end, tz)))
    return result


def cut_off_moment(slot_start_utc, tz, cutoff_hour):
    """UTC moment after which a slot can no longer be ordered, or ``None``.

    The cut-off is a local time on the day of the slot: with 11.0, lunch
    slots of today are sold until 10:59:59 local time, then only from
    tomorrow on.
    """
    if not cutoff_hour:
        return None
    local_day = utc_to_local(slot_start_utc, tz).date()
    return local_to_utc(datetime.combine(local_day, hours_to_time(cutoff_hour)), tz)


def unavailable_reason(
    slot_start_utc,
    now_utc,
    tz,
    lead_minutes=0,
    cutoff_hour=0.0,
    closed_days=(),
    booked=0,
    capacity=0,
):
    """Why this slot cannot be booked now, or ``None`` when it can.

    ``booked`` counts every place taken: orders booked for good and live holds.
    """
    if slot_start_utc <= now_utc:
        return PAST
    if utc_to_local(slot_start_utc, tz).date() in set(closed_days):
        return CLOSED
    limit = cut_off_moment(slot_start_utc, tz, cutoff_hour)
    if limit is not None and now_utc >= limit:
        return CUT_OFF
    if slot_start_utc < now_utc + timedelta(minutes=lead_minutes or 0):
        return LEAD_TIME
    if booked >= capacity:
        return FULL
    return None


def hold_minutes(raw):
    """Minutes a hold lasts, from the setting as stored (text or number).

    Anything that is not a whole number of minutes between 1 and a day falls
    back to the default: a broken setting must not give carts places forever.
    """
    try:
        minutes = int(raw)
    except (TypeError, ValueError):
        return HOLD_MINUTES_DEFAULT
    if not 1 <= minutes <= HOLD_MINUTES_MAX:
        return HOLD_MINUTES_DEFAULT
    return minutes


def hold_expiry(now_utc, minutes):
    """Moment a hold taken now stops counting against the slot's capacity."""
    return now_utc + timedelta(minutes=minutes)


def places_left(capacity, booked, held):
    """Free places: capacity minus orders booked for good and live holds."""
    return max(capacity - booked - held, 0)


def earliest_bookable_start(now_utc, lead_minutes=0):
    """No slot starting before this moment can be booked (SQL pre-filter)."""
    return now_utc + timedelta(minutes=lead_minutes or 0)


def closed_dates(ranges_utc, tz):
    """Local dates fully or partly covered by closures (UTC start/end pairs).

    A closure that touches a day closes the whole day: a half-day holiday
    still means no click & collect that day, which is what shops expect.
    """
    result = set()
    for start, end in ranges_utc:
        day = utc_to_local(start, tz).date()
        last = utc_to_local(end, tz).date()
        while day <= last:
            result.add(day)
            day += timedelta(days=1)
    return result


def new_pickup_code(length=6):
    """Short code easy to read aloud and type at the counter."""
    return "".join(secrets.choice(PICKUP_CODE_ALPHABET) for _i in range(length))


def normalize_pickup_code(typed):
    """What the customer shows, as staff may type it (spaces, lower case)."""
    return "".join((typed or "").split()).upper()


def today_local(now_utc, tz):
    return utc_to_local(now_utc, tz).date()
