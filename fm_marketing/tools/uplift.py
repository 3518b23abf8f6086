"""Hold-out groups: who is held out, and what the message changed.

A campaign run holds out a reproducible share of its customers (they get
nothing); comparing how often messaged and held-out customers ordered tells
the shop owner what the message itself brought.

The uplift is the difference of the two conversion proportions, with its
95 % confidence interval by **Newcombe's hybrid score method** (method 10 of
Newcombe, Statistics in Medicine 1998): the Wilson score intervals of both
proportions combined. Unlike the simple Wald interval it stays inside
[-1, 1] and behaves at 0 % and 100 % and on small groups.
"""

import hashlib
import math
from dataclasses import dataclass

# Two-sided 95 %: the 97.5th percentile of the standard normal distribution.
Z_95 = 1.959963984540054
# Below this many customers in a group, no figure is shown.
MIN_GROUP = 20
# Each group must expect at least this many orders and as many customers
# without order under the pooled rate (the usual rule for two proportions).
MIN_EXPECTED = 5


def is_held_out(campaign_id, run_key, partner_id, percent):
    """True when the customer is held out of this run of the campaign.

    Derived from the campaign, the run and the customer only (a hash, not a
    random generator): a retried run holds out the same customers.
    ``percent`` is the hold-out share, 0 to 100, in steps of 0.01.
    """
    if percent <= 0:
        return False
    digest = hashlib.sha256(f"{campaign_id}:{run_key}:{partner_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < round(percent * 100)


def wilson(converted, customers, z=Z_95):
    """(low, high) Wilson score interval of ``converted`` / ``customers``."""
    _check_counts(converted, customers)
    if not customers:
        return 0.0, 1.0
    p = converted / customers
    z2 = z * z
    denominator = 1 + z2 / customers
    centre = (p + z2 / (2 * customers)) / denominator
    half = (
        z
        * math.sqrt(p * (1 - p) / customers + z2 / (4 * customers * customers))
        / denominator
    )
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(converted_a, customers_a, converted_b, customers_b, z=Z_95):
    """(low, high) interval of the difference of proportions a - b."""
    p_a = converted_a / customers_a
    p_b = converted_b / customers_b
    low_a, high_a = wilson(converted_a, customers_a, z)
    low_b, high_b = wilson(converted_b, customers_b, z)
    difference = p_a - p_b
    low = difference - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = difference + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    return max(-1.0, low), min(1.0, high)


def enough_data(converted_a, customers_a, converted_b, customers_b):
    """False for groups too small to say anything: fewer than ``MIN_GROUP``
    customers in a group, or fewer than ``MIN_EXPECTED`` orders (or customers
    without order) expected in a group under the pooled conversion rate."""
    if min(customers_a, customers_b) < MIN_GROUP:
        return False
    pooled = (converted_a + converted_b) / (customers_a + customers_b)
    return all(
        n * pooled >= MIN_EXPECTED and n * (1 - pooled) >= MIN_EXPECTED
        for n in (customers_a, customers_b)
    )


@dataclass(frozen=True)
class Uplift:
    """Messaged against held-out customers. Rates and uplift are fractions
    (0.25 = 25 %); ``enough`` False means "not enough data yet" and the
    rates, uplift and interval are then not meant to be shown."""

    messaged: int
    messaged_converted: int
    held_out: int
    held_out_converted: int
    messaged_rate: float
    held_out_rate: float
    uplift: float
    low: float
    high: float
    enough: bool


def compare(messaged, messaged_converted, held_out, held_out_converted):
    """The :class:`Uplift` of messaged over held-out customers."""
    _check_counts(messaged_converted, messaged)
    _check_counts(held_out_converted, held_out)
    if not (messaged and held_out):
        rate_m = messaged_converted / messaged if messaged else 0.0
        rate_h = held_out_converted / held_out if held_out else 0.0
        return Uplift(
            messaged,
            messaged_converted,
            held_out,
            held_out_converted,
            rate_m,
            rate_h,
            0.0,
            0.0,
            0.0,
            False,
        )
    rate_m = messaged_converted / messaged
    rate_h = held_out_converted / held_out
    low, high = newcombe(messaged_converted, messaged, held_out_converted, held_out)
    return Uplift(
        messaged,
        messaged_converted,
        held_out,
        held_out_converted,
        rate_m,
        rate_h,
        rate_m - rate_h,
        low,
        high,
        enough_data(messaged_converted, messaged, held_out_converted, held_out),
    )


def implied_revenue(result, messaged_revenue):
    """Revenue the message brought: the extra converting customers (uplift
    x messaged customers) times the average revenue of a converting messaged
    customer (``messaged_revenue`` / messaged customers who ordered).
    0 when nobody messaged ordered."""
    if not result.messaged_converted:
        return 0.0
    average = messaged_revenue / result.messaged_converted
    return result.uplift * result.messaged * average


def _check_counts(converted, customers):
    if customers < 0 or converted < 0 or converted > customers:
        raise ValueError(
            f"{converted} conversions out of {customers} customers is not a count"
        )
