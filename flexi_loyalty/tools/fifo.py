"""Points expiry, first-expiring-first-out.

The ledger is seen as two sets:

* lot lines: ``(expiry, points)`` pairs. Earnings are positive; the reversal
  of an earning is negative and carries that earning's expiry. ``None`` means
  the points never expire.
* debits: redemptions, posted expirations and negative adjustments, given as
  one positive total ``debited``.

Debits consume the earliest-expiring points first (``None`` last). Because due
expirations are always posted before any debit, the set-based formulas below
give the same answer as replaying every line lot by lot, as long as lots are
earned in expiry order (a single validity period). If a later earning expires
sooner, the debits are treated as having consumed it first, which is the
outcome most favourable to the member.

Points "valid until D" can still be spent on day D and expire on D + 1.
"""

from datetime import date


def _sort_key(expiry):
    # Never-expiring points are consumed last.
    return (expiry is None, expiry)


def net_lots(lot_lines):
    """Sum lot points per expiry, earliest first, ``None`` last, zeros dropped."""
    totals = {}
    for expiry, points in lot_lines:
        totals[expiry] = totals.get(expiry, 0) + int(points)
    return [
        (expiry, totals[expiry])
        for expiry in sorted(totals, key=_sort_key)
        if totals[expiry]
    ]


def _remaining(lots, debited):
    """Yield ``(expiry, remaining)`` for each net lot after FIFO consumption."""
    cumulative = 0
    for expiry, points in lots:
        cumulative += points
        # What is left of this lot once ``debited`` has eaten the lots before.
        yield expiry, max(0, min(points, cumulative - debited))


def expired_due(lot_lines, debited, today):
    """Points that must expire now.

    Lots with an expiry strictly before ``today`` are due: points valid until
    D are still spendable on D. Everything debited so far (expirations
    included) has consumed these lots first.
    """
    past = sum(
        points
        for expiry, points in net_lots(lot_lines)
        if expiry is not None and expiry < today
    )
    return max(0, past - debited)


def remaining_lots(lot_lines, debited):
    """Lots still holding points after ``debited``, earliest expiry first.

    Lots fully consumed are left out.
    """
    return [
        (expiry, left)
        for expiry, left in _remaining(net_lots(lot_lines), debited)
        if left > 0
    ]


def expiring_between(lot_lines, debited, start, end):
    """Remaining points per expiry date with ``start <= expiry <= end``."""
    return [
        (expiry, left)
        for expiry, left in remaining_lots(lot_lines, debited)
        if expiry is not None and start <= expiry <= end
    ]


def upcoming_expiries(lot_lines, debited, today, end=None):
    """Points left per expiry date from ``today`` on, earliest first.

    Expirations due but not posted yet count as posted (they are consumed
    first). ``end`` (included) stops the list; ``None`` lists them all.
    """
    debited += expired_due(lot_lines, debited, today)
    return expiring_between(lot_lines, debited, today, end or date.max)


def earliest_expiry_consumed(lot_lines, debited_before, amount):
    """Expiry of the first lot a debit of ``amount`` eats into.

    Used to give redeemed points back with the date they had. ``None`` when the
    debit hits never-expiring points, or when nothing is left to consume.
    """
    if amount <= 0:
        return None
    for expiry, left in _remaining(net_lots(lot_lines), debited_before):
        if left > 0:
            return expiry
    return None


def spendable(balance, pending, lot_lines, debited, today):
    """Points the member may spend now; negative after an over-reversal."""
    return balance - pending - expired_due(lot_lines, debited, today)


def can_redeem(spendable_points, cost):
    """True when a reward costing ``cost`` points may be redeemed."""
    return cost > 0 and spendable_points >= cost
