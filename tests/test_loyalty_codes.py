"""Voucher and member codes."""

import pytest
from flexi_loyalty_tools.codes import (
    new_member_code,
    new_voucher_code,
    normalize_code,
)

AMBIGUOUS = set("0O1IL")


def test_voucher_code_default_shape():
    code = new_voucher_code()
    assert len(code) == 14
    assert code == code.upper()
    assert code.isalnum()
    assert not AMBIGUOUS & set(code)


def test_voucher_code_length():
    assert len(new_voucher_code(12)) == 12
    assert len(new_voucher_code(20)) == 20
    with pytest.raises(ValueError):
        new_voucher_code(11)


def test_voucher_codes_unique_and_unambiguous_over_10k():
    codes = [new_voucher_code() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    used = set("".join(codes))
    assert not used & AMBIGUOUS
    # Every allowed symbol shows up: the codes use the whole alphabet.
    assert len(used) == 31


def test_member_code():
    codes = {new_member_code() for _ in range(10_000)}
    assert len(codes) == 10_000
    for code in codes:
        assert len(code) == 10
        assert not AMBIGUOUS & set(code)
        assert code == code.upper()


def test_normalize_code_accepts_what_customers_type():
    code = new_voucher_code()
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    assert normalize_code(typed) == code
    assert normalize_code(" abcd-efgh  jkmn ") == "ABCDEFGHJKMN"
    assert normalize_code("") == ""
    assert normalize_code(None) == ""


def test_referral_code_is_short_unambiguous_and_unique():
    from flexi_loyalty_tools.codes import is_referral_code, new_referral_code

    codes = {new_referral_code() for _ in range(10_000)}
    assert len(codes) == 10_000
    for code in codes:
        assert len(code) == 8
        assert not AMBIGUOUS & set(code)
        assert is_referral_code(code)


def test_referral_code_shape_is_checked_after_normalising():
    from flexi_loyalty_tools.codes import is_referral_code

    assert is_referral_code(normalize_code("abcd-2345"))
    assert not is_referral_code(normalize_code("ABCD234"))  # too short
    assert not is_referral_code("ABCD23450")  # too long
    assert not is_referral_code("ABCD2340")  # 0 is not in the alphabet
    assert not is_referral_code("ABCD234%")
    assert not is_referral_code("")
    assert not is_referral_code(None)
