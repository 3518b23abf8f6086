import pytest
from fm_antiwaste_tools.cap import allocate, blended_unit_price, marked_price


def test_within_the_cap_everything_is_marked_down():
    assert allocate(2, 5) == (2, 0)


def test_beyond_the_cap_the_rest_is_full_price():
    assert allocate(5, 2) == (2, 3)


def test_nothing_left_means_full_price():
    assert allocate(3, 0) == (0, 3)
    assert allocate(3, -1) == (0, 3)
    assert allocate(0, 4) == (0, 0)


def test_blended_price_charges_the_same_as_two_lines():
    assert blended_unit_price(5, 2, 70.0, 100.0) == 88.0
    assert blended_unit_price(2, 2, 70.0, 100.0) == 70.0
    assert blended_unit_price(3, 0, 70.0, 100.0) == 100.0
    total = blended_unit_price(3, 1, 66.5, 95.0) * 3
    assert total == pytest.approx(66.5 + 2 * 95.0, abs=0.03)


def test_marked_price_is_rounded():
    assert marked_price(333.33, 30) == 233.33
    assert marked_price(100, 15) == 85.0
