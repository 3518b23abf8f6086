"""Phone numbers typed by members, stored as E.164."""

import pytest
from flexi_loyalty_tools.phone import normalize_phone, phone_search_prefix


@pytest.mark.parametrize(
    "typed",
    [
        "0550 12 34 56",
        "0550123456",
        "055-012-34-56",
        "+213 550123456",
        "+213 (0)550 12 34 56",
        "00213550123456",
        "00 213 550 12 34 56",
        "213550123456",
    ],
)
def test_normalize_algerian_mobile(typed):
    assert normalize_phone(typed, "DZ") == "+213550123456"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0661 23 45 67", "+213661234567"),
        ("0770123456", "+213770123456"),
        ("0798 76 54 32", "+213798765432"),
        ("021 23 45 67", "+21321234567"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("33612345678", "+33612345678"),
    ],
)
def test_normalize_other_numbers(typed, expected):
    assert normalize_phone(typed, "DZ") == expected


def test_normalize_with_other_default_region():
    assert normalize_phone("06 12 34 56 78", "FR") == "+33612345678"
    # The same digits are an Algerian mobile for a DZ member.
    assert normalize_phone("06 12 34 56 78", "DZ") == "+213612345678"
    assert phone_search_prefix("06 12", "FR") == "+33612"


@pytest.mark.parametrize(
    "typed",
    ["", "   ", None, "0450123456", "055012345", "05501234567", "hello", "+213"],
)
def test_normalize_rejects_invalid(typed):
    assert normalize_phone(typed, "DZ") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0550", "+213550"),
        ("055", "+21355"),
        ("+33 6", "+336"),
        ("00213 55", "+21355"),
        ("0033 6 12", "+33612"),
        ("550", "+213550"),
        ("21355", "+21355"),
        ("0550 12 34 56", "+213550123456"),
        ("+213 550 12", "+21355012"),
    ],
)
def test_search_prefix(typed, expected):
    assert phone_search_prefix(typed, "DZ") == expected


@pytest.mark.parametrize("typed", ["", None, "05", "+3", "0 5", "ab"])
def test_search_prefix_needs_three_digits(typed):
    assert phone_search_prefix(typed, "DZ") is None


def test_search_prefix_matches_stored_number():
    stored = normalize_phone("0550 12 34 56", "DZ")
    for typed in ("055", "0550 1", "+213 55", "00213550"):
        assert stored.startswith(phone_search_prefix(typed, "DZ"))


def test_without_a_region_only_international_numbers_are_read():
    assert normalize_phone("+213 550 12 34 56", None) == "+213550123456"
    assert normalize_phone("0550 12 34 56", None) is None
    assert phone_search_prefix("+213 55", None) == "+21355"
