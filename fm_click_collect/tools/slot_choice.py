"""How the checkout shows pickup slots: by day, days named as people say them.

No Odoo here: the words "Today"/"Tomorrow" come translated from the caller,
weekdays and months from babel in the customer's language.
"""

from datetime import date

from babel.dates import format_date

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
