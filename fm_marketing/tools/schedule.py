"""Date maths of campaigns: dormancy, birthdays, quiet hours, frequency caps.

Everything here works on naive local dates/datetimes (the shop's time zone);
callers convert from and to UTC.
"""

import calendar
import itertools
import math
from datetime import datetime, time, timedelta
from decimal import Decimal


def dormancy_cutoff(today, days):
    """Latest last-order date that makes a customer dormant on ``today``.

    A customer whose last order was on ``today - days`` (or earlier) is
    dormant: with 30 days, an order 29 days ago is not, 30 and 31 days are.
    """
    if days < 1:
        raise ValueError("dormancy needs at least one day")
    return today - timedelta(days=days)


def exact_dormancy_factor(k):
    """``k`` as an exact decimal: ``2.2`` times 25 days is 55 days, not
    55.00000000000001 (which would round up to 56). The campaign's SQL gets
    this same value, so both sides multiply the same number."""
    return Decimal(repr(float(k)))


def order_day_gaps(order_days):
    """Whole days between consecutive distinct days with an order.

    Several orders on one day are one visit (a split basket is not a rhythm);
    days are local dates, so a gap across 29 February counts that day.
    """
    days = sorted(set(order_days))
    return [(later - earlier).days for earlier, later in itertools.pairwise(days)]


def personal_dormancy_days(order_days, k=2.0, floor=30, ceiling=120):
    """Days without an order after which this customer is dormant.

    ``k`` times the median gap between the customer's distinct order days,
    rounded up to a whole day and kept between ``floor`` and ``ceiling``.
    Customers with orders on fewer than 3 distinct days have no rhythm yet:
    they get ``floor``. The median of an even number of gaps is the mean of
    the two middle ones (PostgreSQL's ``percentile_cont(0.5)``).

    The threshold is used like the fixed number of days of
    ``dormancy_cutoff``: the customer is dormant from the day the days since
    the last order *reach* it (with a fractional ``k`` x median, from the
    first whole day beyond it: 1.5 x 7 days = 10.5 → 11 days).
    """
    if not (k > 0 and 1 <= floor <= ceiling):
        raise ValueError("personal dormancy needs k > 0 and 1 <= floor <= ceiling")
    gaps = sorted(order_day_gaps(order_days))
    if len(gaps) < 2:
        return floor
    middle = len(gaps) // 2
    # Twice the median: an integer, so the maths below stay exact.
    twice_median = (
        gaps[middle] * 2 if len(gaps) % 2 else gaps[middle - 1] + gaps[middle]
    )
    days = math.ceil(exact_dormancy_factor(k) * twice_median / 2)
    return min(max(days, floor), ceiling)


def is_personally_dormant(order_days, today, k=2.0, floor=30, ceiling=120):
    """True when the customer with these order days is dormant on ``today``."""
    if not order_days:
        return False
    threshold = personal_dormancy_days(order_days, k, floor, ceiling)
    return max(order_days) <= dormancy_cutoff(today, threshold)


def birthday_keys(today):
    """(month, day) pairs whose birthday is celebrated on ``today``.

    People born on 29 February celebrate on 28 February in common years.
    """
    keys = [(today.month, today.day)]
    if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
        keys.append((2, 29))
    return keys


def mmdd(month, day):
    """The integer 1231 for 31 December: how birthdays are stored and indexed."""
    return month * 100 + day


def in_quiet_hours(moment, start_hour, end_hour):
    """True when the local ``moment`` falls in the quiet window.

    The window runs from ``start_hour`` (included) to ``end_hour`` (excluded)
    and may cross midnight (21 → 8). Equal hours mean no quiet hours.
    """
    if start_hour == end_hour:
        return False
    hour = moment.hour
    if start_hour < end_hour:
        return start_hour <= hour < end_hour
    return hour >= start_hour or hour < end_hour


def next_allowed_moment(moment, start_hour, end_hour):
    """``moment`` itself when sending is allowed, else the end of the quiet window."""
    if not in_quiet_hours(moment, start_hour, end_hour):
        return moment
    release = datetime.combine(moment.date(), time(end_hour), tzinfo=moment.tzinfo)
    if release <= moment:
        release += timedelta(days=1)
    return release


def frequency_cap_start(now, days):
    """Messages sent after this moment count against the cap; ``None``: no cap."""
    if not days or days <= 0:
        return None
    return now - timedelta(days=days)
