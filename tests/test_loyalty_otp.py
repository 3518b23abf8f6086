"""One-time code protecting points redemption."""

import re
from datetime import datetime, timedelta

import pytest
from flexi_loyalty_tools import otp
from flexi_loyalty_tools.otp import (
    MAX_ATTEMPTS,
    RESEND_LIMIT,
    RESEND_WINDOW_SECONDS,
    TTL_SECONDS,
    attempts_after,
    binding_key,
    can_resend,
    check_code,
    expiry_for,
    generate_code,
    hash_code,
    new_salt,
)

SENT = datetime(2025, 6, 2, 10, 0, 0)
BINDING = binding_key(7, 3, 50, "sale.order,42")


@pytest.fixture
def issued():
    code = generate_code()
    salt = new_salt()
    return {
        "code": code,
        "salt": salt,
        "binding": BINDING,
        "code_hash": hash_code(code, salt, BINDING),
        "expires_at": expiry_for(SENT),
    }


def check(issued, typed=None, *, now=SENT, attempts=0, used=False, **changes):
    kwargs = {k: v for k, v in issued.items() if k != "code"}
    kwargs.update(changes)
    typed = issued["code"] if typed is None else typed
    return check_code(typed, now=now, attempts=attempts, used=used, **kwargs)


def test_policy():
    assert (otp.CODE_LENGTH, TTL_SECONDS, MAX_ATTEMPTS) == (6, 300, 5)
    assert (RESEND_LIMIT, RESEND_WINDOW_SECONDS) == (3, 900)


def test_generate_code_six_digits_keeps_leading_zeros():
    codes = [generate_code() for _ in range(5000)]
    assert all(re.fullmatch(r"[0-9]{6}", code) for code in codes)
    assert any(code.startswith("0") for code in codes)
    assert len(set(codes)) > 4000


def test_salt_is_random_hex():
    salts = {new_salt() for _ in range(100)}
    assert len(salts) == 100
    assert all(re.fullmatch(r"[0-9a-f]{32}", salt) for salt in salts)


def test_hash_never_reveals_code(issued):
    assert issued["code"] not in issued["code_hash"]
    assert re.fullmatch(r"[0-9a-f]{64}", issued["code_hash"])
    # Same code, other salt: different hash.
    assert hash_code(issued["code"], new_salt(), BINDING) != issued["code_hash"]


def test_binding_key_distinguishes_every_field():
    keys = {
        binding_key(7, 3, 50, "sale.order,42"),
        binding_key(8, 3, 50, "sale.order,42"),
        binding_key(7, 4, 50, "sale.order,42"),
        binding_key(7, 3, 51, "sale.order,42"),
        binding_key(7, 3, 50, "sale.order,43"),
        binding_key(7, 3, 50, "pos.order,42"),
        binding_key(73, 5, 0, "sale.order,42"),
    }
    assert len(keys) == 7
    assert binding_key(7, 3, 50, "sale.order,42") == BINDING


def test_right_code_ok(issued):
    assert check(issued) == "ok"
    spaced = issued["code"][:3] + " " + issued["code"][3:]
    assert check(issued, f"  {spaced} ") == "ok"


def test_wrong_code_invalid(issued):
    wrong = f"{(int(issued['code']) + 1) % 10**6:06d}"
    assert check(issued, wrong) == "invalid"


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", None])
def test_malformed_code_invalid(issued, typed):
    assert check(issued, typed if typed is not None else 123456) == "invalid"


def test_expires_exactly_at_ttl(issued):
    last_second = SENT + timedelta(seconds=TTL_SECONDS - 1)
    assert check(issued, now=last_second) == "ok"
    assert check(issued, now=SENT + timedelta(seconds=TTL_SECONDS)) == "invalid"
    assert check(issued, now=SENT + timedelta(hours=1)) == "invalid"


def test_used_code_cannot_be_replayed(issued):
    assert check(issued, used=True) == "invalid"


def test_code_for_another_redemption_refused(issued):
    other = binding_key(7, 3, 500, "sale.order,42")
    assert check(issued, binding=other) == "invalid"
    other_order = binding_key(7, 3, 50, "sale.order,43")
    assert check(issued, binding=other_order) == "invalid"


def test_lockout_after_five_wrong_tries(issued):
    wrong = f"{(int(issued['code']) + 1) % 10**6:06d}"
    attempts = 0
    for _ in range(MAX_ATTEMPTS):
        result = check(issued, wrong, attempts=attempts)
        assert result == "invalid"
        attempts = attempts_after(result, attempts)
    assert attempts == 5
    # Even the right code is refused once locked.
    assert check(issued, attempts=attempts) == "locked"
    assert check(issued, attempts=MAX_ATTEMPTS - 1) == "ok"


def test_attempts_after():
    assert attempts_after("ok", 2) == 2
    assert attempts_after("invalid", 2) == 3
    assert attempts_after("locked", 5) == 6


def test_resend_limit_in_window():
    now = SENT
    assert can_resend([], now)
    sends = [now - timedelta(seconds=600), now - timedelta(seconds=60)]
    assert can_resend(sends, now)
    sends.append(now - timedelta(seconds=10))
    assert not can_resend(sends, now)


def test_resend_allowed_again_when_window_slides():
    first = SENT
    sends = [first, first + timedelta(seconds=60), first + timedelta(seconds=120)]
    almost = first + timedelta(seconds=RESEND_WINDOW_SECONDS - 1)
    assert not can_resend(sends, almost)
    assert can_resend(sends, first + timedelta(seconds=RESEND_WINDOW_SECONDS))


def test_expiry_for():
    assert expiry_for(SENT) == datetime(2025, 6, 2, 10, 5, 0)


def test_server_secret_is_part_of_the_key(issued):
    secret = "server-side-secret"
    sealed = hash_code(issued["code"], issued["salt"], BINDING, secret)
    # What a copy of the codes' table holds (salt, hash) is not enough.
    assert sealed != hash_code(issued["code"], issued["salt"], BINDING)
    assert check(issued, code_hash=sealed, secret=secret) == "ok"
    assert check(issued, code_hash=sealed) == "invalid"
    assert check(issued, code_hash=sealed, secret="other") == "invalid"
