"""Markdown ladder: which discount a lot gets from the days left before it expires.

A rule "up to N days left: -D %" applies to lots expiring in N days or fewer;
the rule with the smallest N that still covers the lot wins, so "today -30 %"
beats "tomorrow -15 %" on a lot that expires today. Rules of the product's own
category (or its nearest ancestor that has rules) replace the generic rules.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def days_left(expiration_utc, now_utc, tz_name):
    """Whole calendar days between today and the expiry day, in the shop's time zone.

    ``expiration_utc``/``now_utc`` are naive UTC datetimes (as Odoo stores them).
    Returns ``None`` once the lot has expired: an expired lot is never marked down.
    """
    if expiration_utc <= now_utc:
        return None
    tz = ZoneInfo(tz_name or "UTC")
    utc = ZoneInfo("UTC")
    expiry_day = expiration_utc.replace(tzinfo=utc).astimezone(tz).date()
    today = now_utc.replace(tzinfo=utc).astimezone(tz).date()
    return (expiry_day - today).days


def next_local_midnight(now_utc, tz_name):
    """Naive UTC datetime of the next midnight in ``tz_name`` (ladder moves)."""
    tz = ZoneInfo(tz_name or "UTC")
    utc = ZoneInfo("UTC")
    local = now_utc.replace(tzinfo=utc).astimezone(tz)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time())
    return midnight.replace(tzinfo=tz).astimezone(utc).replace(tzinfo=None)


def select_rule(rules, days, category_path=()):
    """The rule that applies to a lot with ``days`` days left, or ``None``.

    ``rules``: iterable of dicts with ``days_left``, ``discount`` and
    ``categ_id`` (``None`` for every category). ``category_path``: the
    product's category ids, nearest first (the category, then its parents).
    """
    if days is None or days < 0:
        return None
    rules = list(rules)
    candidates = [r for r in rules if r["categ_id"] is None]
    for categ_id in category_path:
        own = [r for r in rules if r["categ_id"] == categ_id]
        if own:
            candidates = own
            break
    covering = [r for r in candidates if r["days_left"] >= days]
    if not covering:
        return None
    return min(covering, key=lambda r: (r["days_left"], -r["discount"]))


def markdown_steps(stock, rules, category_paths, now_utc, tz_name):
    """The markdowns the ladder asks for: one per product and step.

    ``stock``: iterable of ``(product_id, lot_id, expiration_utc, qty)`` rows.
    Every lot on a step of the ladder is marked down at its own step: a lot
    expiring today at -30 % and one expiring tomorrow at -15 % make two
    markdowns of the same product. Lots of one product at the same discount
    share one markdown. Returns ``{(product_id, discount): vals}`` with
    ``rule_id``, ``discount``, ``days_left`` (the nearest), ``lot_ids``,
    ``quantity``, ``expiration_date`` (the earliest) and ``date_to`` (the next
    local midnight, or the earliest expiry when sooner).
    """
    steps = {}
    for product_id, lot_id, expiration, qty in stock:
        days = days_left(expiration, now_utc, tz_name)
        rule = select_rule(rules, days, category_paths.get(product_id, ()))
        if not rule:
            continue
        key = (product_id, round(rule["discount"], 2))
        step = steps.get(key)
        if step is None:
            steps[key] = {
                "rule_id": rule["id"],
                "discount": rule["discount"],
                "days_left": days,
                "lot_ids": [lot_id],
                "quantity": qty,
                "expiration_date": expiration,
            }
            continue
        step["lot_ids"].append(lot_id)
        step["quantity"] += qty
        if days < step["days_left"]:
            step["days_left"], step["rule_id"] = days, rule["id"]
        step["expiration_date"] = min(step["expiration_date"], expiration)
    # The discount changes at the next local midnight, or when a lot expires.
    midnight = next_local_midnight(now_utc, tz_name)
    for step in steps.values():
        step["date_to"] = min(midnight, step["expiration_date"])
    return steps


def overlapping_rules(rules):
    """Pairs of rules that say two different things for the same lots.

    Two rules overlap when they share a category (or both have none) and the
    same ``days_left``: the ladder could not tell which one applies.
    """
    seen = {}
    clashes = []
    for rule in rules:
        key = (rule["categ_id"], rule["days_left"])
        if key in seen:
            clashes.append((seen[key], rule))
        else:
            seen[key] = rule
    return clashes
