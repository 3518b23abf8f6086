"""How the checkout shows pickup slots: by day, days named as people say them.

No Odoo here: the words "Today"/"Tomorrow" come translated from the caller,
weekdays and months from babel in the customer's language.
"""

from datetime import date

from babel import Locale
from babel.dates import format_date

from .slots import hours_to_time

# Within this many days, a weekday and its day of the month are unambiguous
# ("Saturday 5"); further out the month is added ("Saturday 12 December").
NEAR_DAYS = 7

FREE = "free"
FULL = "full"


def _capitalize(text):
    # French weekdays are lower case; at the start of a label they take a capital.
    return text[:1].upper() + text[1:]


def _as_date(day):
    return day if isinstance(day, date) else date.fromisoformat(day)


def day_label(day, today, locale, today_label="Today", tomorrow_label="Tomorrow"):
    """Name of ``day`` as seen on ``today``: "Aujourd'hui", "Demain",
    "Samedi 5" within the week, "Samedi 12 décembre" further out."""
    day, today = _as_date(day), _as_date(today)
    delta = (day - today).days
    if delta == 0:
        return today_label
    if delta == 1:
        return tomorrow_label
    pattern = "EEEE d" if 0 < delta < NEAR_DAYS else "EEEE d MMMM"
    return _capitalize(format_date(day, pattern, locale=locale))


def full_day_label(day, locale):
    """The day written out in full (for a confirmation read days later, when
    "tomorrow" would be wrong): "Samedi 5 décembre 2026"."""
    return _capitalize(format_date(_as_date(day), "full", locale=locale))


def group_by_day(slots, today, locale, today_label="Today", tomorrow_label="Tomorrow"):
    """Slots grouped by their local day, in the order given.

    ``slots`` are dicts with at least ``day`` (local date or ISO string) and
    ``remaining`` (free places); each comes back with ``status`` (``FREE`` or
    ``FULL``: a full slot is shown but cannot be chosen). Returns
    ``[{"day": iso, "label": ..., "slots": [...]}]``.
    """
    groups = []
    by_day = {}
    for slot in slots:
        day = _as_date(slot["day"])
        group = by_day.get(day)
        if group is None:
            group = {
                "day": day.isoformat(),
                "label": day_label(day, today, locale, today_label, tomorrow_label),
                "slots": [],
            }
            by_day[day] = group
            groups.append(group)
        group["slots"].append(
            dict(slot, status=FULL if slot["remaining"] <= 0 else FREE)
        )
    return groups


def opening_hours_lines(weekly_windows, locale):
    """Opening hours as a customer reads them: ``[(days, hours)]`` with
    weekdays in ``locale`` and following days of the same hours merged, e.g.
    ``[("Lundi - Vendredi", "08:00 - 12:00, 14:00 - 18:00"), ("Samedi",
    "09:00 - 12:00")]``. ``weekly_windows`` maps a weekday (0 = Monday) to
    its (from_hour, to_hour) windows; days without any are left out."""
    names = Locale.parse(locale).days["format"]["wide"]
    lines = []
    previous = None
    for weekday in range(7):
        windows = sorted(weekly_windows.get(weekday) or ())
        if not windows:
            previous = None
            continue
        hours = ", ".join(
            f"{hours_to_time(start):%H:%M} - {hours_to_time(end):%H:%M}"
            for start, end in windows
        )
        if previous and previous[2] == hours:
            previous[1] = weekday
        else:
            previous = [weekday, weekday, hours]
            lines.append(previous)
    return [
        (
            _capitalize(names[first])
            if first == last
            else f"{_capitalize(names[first])} - {_capitalize(names[last])}",
            hours,
        )
        for first, last, hours in lines
    ]
