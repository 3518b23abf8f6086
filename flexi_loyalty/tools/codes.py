"""Unguessable voucher and member codes."""

import secrets

# Upper-case letters and digits minus 0/O, 1/I/L, which customers confuse
# when reading a code aloud or off a receipt: 31 symbols, ~4.95 bits each.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MIN_VOUCHER_LENGTH = 12
MEMBER_CODE_LENGTH = 10
# Short enough to read out or type at the till, long enough that trying codes
# finds none: 31**8 is about 8.5e11 codes for a few thousand members.
REFERRAL_CODE_LENGTH = 8


def _random_code(length):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_voucher_code(length=14):
    """Random voucher code; at least 12 characters (~59 bits)."""
    if length < MIN_VOUCHER_LENGTH:
        raise ValueError(f"voucher codes need {MIN_VOUCHER_LENGTH}+ characters")
    return _random_code(length)


def new_member_code():
    """Random 10-character member code (~50 bits)."""
    return _random_code(MEMBER_CODE_LENGTH)


def new_referral_code():
    """Random 8-character referral code (~40 bits) a member shares."""
    return _random_code(REFERRAL_CODE_LENGTH)


def is_referral_code(code):
    """True when ``code`` (normalised) has the shape of a referral code."""
    return len(code or "") == REFERRAL_CODE_LENGTH and all(
        char in ALPHABET for char in code
    )


def normalize_code(typed):
    """Code as stored: upper case, without the spaces and dashes people type."""
    if not typed:
        return ""
    return "".join(typed.split()).replace("-", "").upper()
