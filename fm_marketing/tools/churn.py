"""Churn risk of a loyalty member, and the reward they are closest to.

The score (0 to 100) is the sum of three parts, each a fixed number of points
from the bands below, so that a manager can read why a member scored what
they did:

- **recency**: days since the last order divided by the member's own rhythm
  (the median gap between their last ``RHYTHM_ORDER_DAYS`` order days, once
  they ordered on at least ``MIN_ORDER_DAYS`` days; ``DEFAULT_RHYTHM_DAYS``
  before). On time (ratio below 1): nothing; late: up to 70 points.
- **frequency**: orders in the last 365 days. One or none adds risk, twelve
  or more (about monthly) lowers it.
- **spend**: untaxed spend in the last 365 days against the members' median
  (``spend_reference``): under half of it adds risk, twice or more lowers it.
  Against the median, not a fixed amount, so the bands fit any currency.

A member is at risk from ``AT_RISK_SCORE``. A member who never ordered scores
0: not a customer leaving, one who never came (the "never purchased" segment).
"""

from collections import namedtuple
from datetime import timedelta
from itertools import pairwise
from statistics import median

DEFAULT_RHYTHM_DAYS = 30
MIN_ORDER_DAYS = 3
RHYTHM_ORDER_DAYS = 20
YEAR_DAYS = 365
AT_RISK_SCORE = 60

# (ratio from, points, reason code), highest ratio first.
RECENCY_BANDS = (
    (3.0, 70, "late_3x"),
    (2.0, 55, "late_2x"),
    (1.5, 40, "late_1_5x"),
    (1.0, 25, "late"),
)
# (orders from, points, reason code), most orders first.
FREQUENCY_BANDS = (
    (12, -10, "frequent"),
    (4, 0, None),
    (2, 10, "few_orders"),
    (0, 20, "one_order"),
)
# Spend against the members' median: below LOW adds, from HIGH lowers.
LOW_SPEND_SHARE, LOW_SPEND_POINTS = 0.5, 10
HIGH_SPEND_SHARE, HIGH_SPEND_POINTS = 2.0, -15
PART_ORDER = ("recency", "frequency", "spend")

Churn = namedtuple("Churn", "score at_risk reasons ratio rhythm")
Churn.__doc__ = """score 0-100; reasons: ((code, points), ...) biggest part
first; ratio: days since the last order / rhythm; rhythm: the days used."""


def median_gap(order_days):
    """Median of the day gaps between the latest distinct order days, or None
    below ``MIN_ORDER_DAYS`` days (two orders on one day are one visit)."""
    days = sorted(set(order_days), reverse=True)[:RHYTHM_ORDER_DAYS]
    if len(days) < MIN_ORDER_DAYS:
        return None
    return median((newer - older).days for newer, older in pairwise(days))


def year_start(today):
    """First day counted in "the last 365 days" up to ``today`` included."""
    return today - timedelta(days=YEAR_DAYS - 1)


def spend_reference(spends):
    """Median yearly spend of the members who spent anything, or None."""
    positive = [spend for spend in spends if spend > 0]
    return median(positive) if positive else None


def _recency(ratio):
    for start, points, code in RECENCY_BANDS:
        if ratio >= start:
            return points, code
    return 0, None


def _frequency(orders):
    for start, points, code in FREQUENCY_BANDS:
        if orders >= start:
            return points, code
    return 0, None


def _spend(spend, reference):
    if not reference:
        return 0, None
    if spend < LOW_SPEND_SHARE * reference:
        return LOW_SPEND_POINTS, "low_spend"
    if spend >= HIGH_SPEND_SHARE * reference:
        return HIGH_SPEND_POINTS, "high_spend"
    return 0, None


def churn_risk(days_since, rhythm, orders_year, spend_year, reference=None):
    """The member's :data:`Churn`.

    ``days_since``: days since the last order (None: never ordered);
    ``rhythm``: :func:`median_gap` (None: too few orders); ``reference``:
    :func:`spend_reference` of the member's company.
    """
    if days_since is None:
        return Churn(0, False, (), 0.0, None)
    used = rhythm or DEFAULT_RHYTHM_DAYS
    ratio = days_since / used
    parts = [
        (*_recency(ratio), 0),
        (*_frequency(orders_year), 1),
        (*_spend(spend_year, reference), 2),
    ]
    # Biggest effect first; on a tie, recency before frequency before spend.
    parts.sort(key=lambda part: (-abs(part[0]), part[2]))
    reasons = tuple((code, points) for points, code, _rank in parts if code)
    score = max(0, min(100, sum(points for points, _code, _rank in parts)))
    return Churn(score, score >= AT_RISK_SCORE, reasons, ratio, used)


def next_reward(offers):
    """(reward id, points missing) of the reward the member is closest to.

    ``offers``: (reward id, points cost, spendable points of the member who
    would pay for it). Fewest points missing wins (0 when affordable); on a
    tie the cheaper reward, then the lower id. None without offers.
    """
    best = None
    for reward_id, cost, spendable in offers:
        key = (max(0, cost - max(0, spendable)), cost, reward_id)
        if best is None or key < best:
            best = key
    return (best[2], best[0]) if best else None
