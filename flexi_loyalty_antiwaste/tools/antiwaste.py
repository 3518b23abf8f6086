"""Anti-waste bonus on loyalty points, and the meals a customer saved.

No Odoo here: the rules are plain arithmetic on ``Decimal`` so a customer
never loses a point to float residue (0.1 + 0.2 units are 0.3 units).
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

# The bonus is a few times the points, never a typo worth millions of them.
MAX_MULTIPLIER = Decimal(10)

_PRECISION = 60


def _decimal(value):
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # The 15-digit text form drops binary residue (see flexi_loyalty).
        result = Decimal(format(value, ".15g"))
    else:
        result = Decimal(str(value))
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def valid_multiplier(value):
    """Whether ``value`` is an acceptable bonus: from 1 (none) to 10."""
    try:
        multiplier = _decimal(value)
    except (ValueError, ArithmeticError):
        return False
    return Decimal(1) <= multiplier <= MAX_MULTIPLIER


def boost_factor(multiplier, boosted_quantity, quantity):
    """How many times a line's points count.

    ``boosted_quantity`` of the line's ``quantity`` units are anti-waste
    (marked down, or a surprise basket) and earn ``multiplier`` times; the
    others, sold at the normal price on the same line, earn once. A line
    has one unit price, so its points split by quantity. Returns go by the
    same share (quantities are compared without their sign).
    """
    multiplier = _decimal(multiplier)
    if not valid_multiplier(multiplier):
        raise ValueError(f"invalid anti-waste multiplier: {multiplier}")
    quantity = abs(_decimal(quantity))
    boosted = abs(_decimal(boosted_quantity))
    if not quantity or not boosted:
        return Decimal(1)
    with localcontext() as ctx:
        # Rounded up at the 60th digit: a whole number of points is never
        # lost to 1/3 written as 0.333...; no exact value lies that close
        # below a whole point, so none is gained either.
        ctx.prec, ctx.rounding = _PRECISION, ROUND_CEILING
        share = min(boosted / quantity, Decimal(1))
        return 1 + (multiplier - 1) * share


def boost_entry(entry, factor):
    """An earning entry of ``flexi_loyalty.tools.points.earning_points``
    whose points count ``factor`` times.

    Goods earning on their amount get a heavier ``weight``, goods earning
    fixed points more ``fixed`` points; deductions and goods earning nothing
    are left alone. Rounding down happens once, on the document's total.
    """
    factor = _decimal(factor)
    if factor == 1 or entry["kind"] not in ("money", "fixed"):
        return entry
    boosted = dict(entry)
    with localcontext() as ctx:
        ctx.prec, ctx.rounding = _PRECISION, ROUND_CEILING
        if entry["kind"] == "money":
            boosted["weight"] = _decimal(entry.get("weight", 1)) * factor
        else:
            boosted["fixed"] = _decimal(entry.get("fixed", 0)) * factor
    return boosted


def meals_saved(units_bought, units_returned=0):
    """Meals saved from the bin: near-expiry units bought (marked down, or
    in a surprise basket), less those returned; whole meals, never negative."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        net = _decimal(units_bought) - _decimal(units_returned)
    return max(0, int(net.to_integral_value(rounding=ROUND_FLOOR)))
