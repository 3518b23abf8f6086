"""Quantity cap: only the units of the near-expiry lots are sold marked down."""


def allocate(requested, remaining):
    """Split a requested quantity into (marked-down units, full-price units)."""
    if requested <= 0:
        return 0.0, 0.0
    marked = max(0.0, min(requested, remaining))
    return marked, requested - marked


def blended_unit_price(quantity, marked_qty, marked_price, full_price, digits=2):
    """One unit price for a line mixing marked-down and full-price units.

    A line of 5 where 2 units are left at 70 and the rest costs 100 is
    (2 x 70 + 3 x 100) / 5 = 88 a unit: the total is what the customer would
    pay on two separate lines, give or take the rounding of the unit price.
    """
    if quantity <= 0:
        return round(full_price, digits)
    marked_qty = max(0.0, min(marked_qty, quantity))
    total = marked_qty * marked_price + (quantity - marked_qty) * full_price
    return round(total / quantity, digits)


def marked_price(full_price, discount, digits=2):
    """Price after a percentage discount, rounded where it is produced."""
    return round(full_price * (1.0 - discount / 100.0), digits)
