"""Membership tiers: qualification window and best qualifying tier."""

from datetime import date

from .points import to_decimal

BASES = ("orders", "amount", "points")


def window_start(today, period):
    """First day counted for tier qualification, ``None`` for lifetime.

    ``rolling_12`` starts on the same day twelve months earlier; 29 February
    falls back to 28 February.
    """
    if period == "lifetime":
        return None
    if period == "rolling_12":
        try:
            return today.replace(year=today.year - 1)
        except ValueError:
            # Only 29 February has no counterpart a year earlier.
            return date(today.year - 1, 2, 28)
    raise ValueError(f"unknown tier period: {period!r}")


def qualifying_tier(tiers, stats):
    """Id of the best tier whose threshold ``stats`` reach, else ``None``.

    Higher sequence is better; on equal sequence the higher threshold wins.
    """
    best = None
    best_key = None
    for tier in tiers:
        basis = tier["basis"]
        if basis not in BASES:
            raise ValueError(f"unknown tier basis: {basis!r}")
        threshold = to_decimal(tier["threshold"])
        if to_decimal(stats.get(basis) or 0) < threshold:
            continue
        key = (tier["sequence"], threshold)
        if best_key is None or key > best_key:
            best, best_key = tier["id"], key
    return best


def _rank(tier_id, ranks):
    # Odoo hands over False for an empty many2one.
    if tier_id is None or tier_id is False:
        return None
    return ranks[tier_id]


def tier_change(old_id, new_id, ranks):
    """'upgrade', 'downgrade' or 'same' between two tier ids.

    ``ranks`` maps tier id to sequence; ``None`` (no tier) ranks below all.
    """
    if old_id == new_id:
        return "same"
    old_rank, new_rank = _rank(old_id, ranks), _rank(new_id, ranks)
    if old_rank == new_rank:
        return "same"
    if old_rank is None:
        return "upgrade"
    if new_rank is None:
        return "downgrade"
    return "upgrade" if new_rank > old_rank else "downgrade"
