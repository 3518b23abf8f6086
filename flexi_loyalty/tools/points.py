"""Money to points conversion, promotions and refund reversals.

Money arrives as Odoo floats; every computation goes through ``Decimal`` so a
customer never loses a point to binary float residue (300.0 / 100 is 3).
"""

from decimal import ROUND_FLOOR, Decimal, localcontext

# Enough digits that products of amounts and multipliers are never rounded.
_PRECISION = 60


def to_decimal(value):
    """Exact ``Decimal`` for an int, Decimal, string or money float.

    Floats go through their 15-significant-digit text form, which drops the
    arithmetic residue (0.7 + 0.1 gives 0.8, not 0.7999999999999999) while
    keeping every digit a 2-decimal money amount can carry.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(int(value))
    elif isinstance(value, float):
        result = Decimal(format(value, ".15g"))
    else:
        result = Decimal(str(value))
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def _floor(value):
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def points_for_amount(amount, amount_per_point, multiplier=1):
    """Whole points earned for ``amount``, rounded down."""
    per_point = to_decimal(amount_per_point)
    if per_point <= 0:
        raise ValueError("amount_per_point must be positive")
    amount = to_decimal(amount)
    multiplier = to_decimal(multiplier)
    if amount <= 0 or multiplier <= 0:
        return 0
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return _floor(amount * multiplier / per_point)


def points_for_quantity(quantity, points_per_unit):
    """Whole points for ``quantity`` units of a product, rounded down, >= 0."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        points = _floor(to_decimal(quantity) * to_decimal(points_per_unit))
    return max(0, points)


def _promotion_active(promotion, day):
    date_from = promotion.get("date_from")
    date_to = promotion.get("date_to")
    if date_from and day < date_from:
        return False
    if date_to and day > date_to:
        return False
    weekdays = promotion.get("weekdays")
    # No weekday selected means the promotion runs every day.
    return not weekdays or day.weekday() in weekdays


def promotion_multiplier(promotions, day):
    """Highest multiplier among promotions active on ``day`` (no stacking).

    ``date_to`` is inclusive; ``weekdays`` uses 0 = Monday. Decimal(1) if no
    promotion is active.
    """
    active = [
        to_decimal(promotion["multiplier"])
        for promotion in promotions
        if _promotion_active(promotion, day)
    ]
    return max(active) if active else Decimal(1)


def reversal_points(
    earned, original_amount, refunded_before, refund_amount, reversed_before
):
    """Points to take back now for a (partial) refund of an order.

    The customer keeps what the amount still paid would earn in proportion,
    rounded down, so successive partial refunds that add up to the whole
    order take back exactly ``earned`` in total, and never more.
    """
    earned = int(earned)
    reversed_before = int(reversed_before)
    original = to_decimal(original_amount)
    refund = max(to_decimal(refund_amount), Decimal(0))
    if original <= 0:
        # Nothing to prorate against: any refund cancels the whole earning.
        return max(0, earned - reversed_before) if refund > 0 else 0
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        total_refunded = min(original, to_decimal(refunded_before) + refund)
        total_refunded = max(total_refunded, Decimal(0))
        kept = _floor(earned * (original - total_refunded) / original)
    return max(0, earned - kept - reversed_before)


def earning_points(lines, amount_per_point, multiplier=1, minimum_amount=0):
    """(whole points, base amount) a document earns on what the customer pays.

    ``lines`` are dicts with a signed ``amount`` (returns and discounts are
    negative) and a ``kind``:

    * ``"money"``: goods earning on their amount, times their ``weight``
      (an earning rule's multiplier, default 1);
    * ``"fixed"``: goods earning ``fixed`` points (signed: a returned unit
      takes its points back);
    * ``"other"``: goods that earn nothing (excluded products);
    * ``"deduction"``: rewards, vouchers, discounts of the whole document;
      they are shared between earning and other goods in proportion.

    The base is the net amount paid for earning goods. A document whose
    total is zero or negative, or whose base is not above zero and not at
    least ``minimum_amount``, earns nothing.
    """
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        earning = other = deductions = weighted = Decimal(0)
        fixed = Decimal(0)
        for line in lines:
            amount = to_decimal(line["amount"])
            kind = line["kind"]
            if kind == "deduction":
                deductions += amount
            elif kind == "other":
                other += amount
            elif kind == "fixed":
                earning += amount
                fixed += to_decimal(line.get("fixed", 0))
            elif kind == "money":
                earning += amount
                weighted += amount * to_decimal(line.get("weight", 1))
            else:
                raise ValueError(f"unknown kind of line: {kind!r}")
        total = earning + other + deductions
        goods = earning + other
        if earning <= 0 or total <= 0:
            return 0, Decimal(0)
        share = min(Decimal(1), earning / goods) if goods > 0 else Decimal(1)
        base = min(earning + deductions * share, total)
        if base <= 0 or base < to_decimal(minimum_amount or 0):
            return 0, max(base, Decimal(0))
        # Deductions lower money earnings in proportion; units bought keep
        # their fixed points.
        money = max(weighted * base / earning, Decimal(0))
        points = points_for_amount(money, amount_per_point, multiplier)
        if fixed > 0:
            points += _floor(fixed * to_decimal(multiplier))
        return points, base
