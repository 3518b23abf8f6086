"""Surprise baskets: balanced contents from leftovers, priced at a ratio of value."""


def basket_count(total_value, target_value):
    """How many baskets: one per ``target_value`` of goods, at least one."""
    if total_value <= 0:
        return 0
    if target_value <= 0:
        return 1
    return max(1, int(total_value // target_value))


def compose(items, count):
    """Distribute whole units of ``items`` over ``count`` baskets of similar value.

    ``items``: dicts with ``key`` (any hashable, e.g. a lot id), ``quantity``
    (whole units are used, fractions stay on the shelf) and ``unit_value``.
    Dearest units go first, each to the basket with the lowest value so far
    (longest-processing-time rule), so baskets end up within one unit's value
    of each other. Returns a list of baskets: ``{"lines": {key: qty}, "value": v}``.
    """
    if count <= 0:
        return []
    baskets = [{"lines": {}, "value": 0.0} for _ in range(count)]
    units = []
    for item in items:
        for _ in range(int(item["quantity"])):
            units.append((item["unit_value"], item["key"]))
    units.sort(key=lambda u: (-u[0], str(u[1])))
    for value, key in units:
        basket = min(baskets, key=lambda b: b["value"])
        basket["lines"][key] = basket["lines"].get(key, 0) + 1
        basket["value"] = round(basket["value"] + value, 2)
    return [b for b in baskets if b["lines"]]


def basket_price(value, ratio, digits=0):
    """Selling price of a basket worth ``value``; never above its value."""
    if not 0 < ratio <= 1:
        raise ValueError("The basket price ratio must be above 0 and at most 1.")
    return round(min(value, value * ratio), digits)
