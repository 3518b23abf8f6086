import pytest
from fm_antiwaste_tools.baskets import basket_count, basket_price, compose


def test_basket_count_follows_the_target_value():
    assert basket_count(3500, 1000) == 3
    assert basket_count(600, 1000) == 1
    assert basket_count(0, 1000) == 0


def test_baskets_are_balanced_and_keep_every_unit():
    items = [
        {"key": "salad", "quantity": 4, "unit_value": 300.0},
        {"key": "bread", "quantity": 6, "unit_value": 50.0},
        {"key": "cake", "quantity": 2, "unit_value": 500.0},
    ]
    baskets = compose(items, 3)
    assert len(baskets) == 3
    total = dict.fromkeys(("salad", "bread", "cake"), 0)
    for basket in baskets:
        for key, qty in basket["lines"].items():
            total[key] += qty
    assert total == {"salad": 4, "bread": 6, "cake": 2}
    values = [b["value"] for b in baskets]
    assert sum(values) == 4 * 300 + 6 * 50 + 2 * 500
    assert max(values) - min(values) <= 500


def test_fractional_leftovers_stay_on_the_shelf():
    baskets = compose([{"key": "soup", "quantity": 1.5, "unit_value": 200.0}], 2)
    assert baskets == [{"lines": {"soup": 1}, "value": 200.0}]


def test_basket_price_is_a_ratio_of_its_value():
    assert basket_price(1250, 0.4) == 500
    with pytest.raises(ValueError):
        basket_price(1000, 1.2)
    with pytest.raises(ValueError):
        basket_price(1000, 0)
