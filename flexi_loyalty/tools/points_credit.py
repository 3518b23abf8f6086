"""Credit per point: the customer chooses how many points to spend.

A reward such as "10 DA per point, from 50 points, in steps of 10" lets the
customer spend 50, 60, 70… points, never more than they can spend and never
more than the order has left to pay. These rules decide which choices are
allowed; the Odoo side only turns their answers into messages.
"""

from decimal import Decimal, localcontext

from .points import to_decimal

_PRECISION = 60

# Why a choice is refused, in the order the rules are checked.
NOT_A_NUMBER = "not_a_number"
BELOW_MINIMUM = "below_minimum"
OFF_STEP = "off_step"
ABOVE_BALANCE = "above_balance"
ABOVE_ORDER = "above_order"


def parse_points(value):
    """The whole number of points ``value`` says, or None.

    Accepts what a form or an RPC sends: an int, an integral float, or text
    of ASCII digits with an optional sign and surrounding spaces. Anything
    else (a bool, "12.5", "1e3", "٣٠", None) is None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits or not (digits.isascii() and digits.isdigit()):
        return None
    return int(text)


def credit_for_points(points, credit_per_point):
    """Money taken off the order for ``points`` (exact, not rounded)."""
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return to_decimal(points) * to_decimal(credit_per_point)


def on_the_steps(points, minimum, step):
    """True when ``points`` is the minimum or the minimum plus whole steps."""
    return points >= minimum and (points - minimum) % max(int(step), 1) == 0


def max_points(minimum, step, spendable, left_to_pay, credit_per_point):
    """The most points a customer may spend, or 0 when no choice is allowed.

    Capped by the points they can spend and by what the order has left to
    pay, then brought down to the last step reached from the minimum.
    """
    step = max(int(step), 1)
    per_point = to_decimal(credit_per_point)
    if per_point <= 0:
        raise ValueError("credit_per_point must be positive")
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        left = max(to_decimal(left_to_pay), Decimal(0))
        by_order = int(left // per_point)
    ceiling = min(int(spendable), by_order)
    if ceiling < minimum:
        return 0
    return minimum + (ceiling - minimum) // step * step


def nearest_choices(points, minimum, step):
    """(the allowed choice below ``points`` or None, the one above)."""
    step = max(int(step), 1)
    if points <= minimum:
        return None, minimum
    lower = minimum + (points - minimum) // step * step
    return lower, lower + step


def choice_error(points, *, minimum, step, spendable, left_to_pay, credit_per_point):
    """Why spending ``points`` is refused, or None when it is allowed.

    ``points`` as typed (see :func:`parse_points`); the answer is one of the
    module's constants. Checked in this order: a whole number, at least the
    minimum, on a step, within the points the customer can spend, and worth
    no more than the order has left to pay.
    """
    points = parse_points(points)
    if points is None:
        return NOT_A_NUMBER
    if points < minimum or points <= 0:
        return BELOW_MINIMUM
    if not on_the_steps(points, minimum, step):
        return OFF_STEP
    if points > spendable:
        return ABOVE_BALANCE
    if credit_for_points(points, credit_per_point) > to_decimal(left_to_pay):
        return ABOVE_ORDER
    return None
