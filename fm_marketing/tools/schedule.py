"""Date maths of campaigns: dormancy, birthdays, quiet hours, frequency caps.

Everything here works on naive local dates/datetimes (the shop's time zone);
callers convert from and to UTC.
"""

import calendar
from datetime import datetime, time, timedelta


def dormancy_cutoff(today, days):
    """Latest last-order date that makes a customer dormant on ``today``.

    A customer whose last order was on ``today - days`` (or earlier) is
    dormant: with 30 days, an order 29 days ago is not, 30 and 31 days are.
    """
    if days < 1:
        raise ValueError("dormancy needs at least one day")
    return today - timedelta(days=days)


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
