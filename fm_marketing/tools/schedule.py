"""Date maths of campaigns: dormancy, birthdays, quiet hours, frequency caps.

Everything here works on naive local dates/datetimes (the shop's time zone);
callers convert from and to UTC.
"""

import calendar
from datetime import date, datetime, time, timedelta


def dormancy_cutoff(today, days):
    """Latest last-order date that makes a customer dormant on ``today``.

    A customer whose last order was on ``today - days`` (or earlier) is
    dormant: with 30 days, an order 29 days ago is not, 30 and 31 days are.
    """
    if days < 1:
        raise ValueError("dormancy needs at least one day")
    return today - timedelta(days=days)


def is_dormant(last_order, today, days):
    """True when ``last_order`` (a date) is at least ``days`` days old."""
    return last_order is not None and last_order <= dormancy_cutoff(today, days)


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


def is_birthday(birth_date, today):
    """True when ``today`` is the birthday of someone born on ``birth_date``."""
    if birth_date is None:
        return False
    return (birth_date.month, birth_date.day) in birthday_keys(today)


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


def capped(last_sent, now, days):
    """True when a message sent at ``last_sent`` forbids another one ``now``."""
    start = frequency_cap_start(now, days)
    return start is not None and last_sent is not None and last_sent > start


def age_in_days(day, today):
    """Whole days between ``day`` and ``today`` (both dates)."""
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        raise TypeError("a date is expected")
    return (today - day).days
