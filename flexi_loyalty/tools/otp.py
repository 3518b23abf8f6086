"""One-time code protecting a points redemption.

The code is only ever stored as an HMAC bound to one redemption (member,
reward, points, document), so a code read over someone's shoulder cannot be
replayed on another redemption and a database leak does not reveal codes.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

CODE_LENGTH = 6
TTL_SECONDS = 300
MAX_ATTEMPTS = 5
RESEND_LIMIT = 3
RESEND_WINDOW_SECONDS = 900


def generate_code():
    """Random code of CODE_LENGTH decimal digits, leading zeros kept."""
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def new_salt():
    """Fresh per-code HMAC key: 16 random bytes, hex."""
    return secrets.token_hex(16)


def _id(value):
    # Empty Odoo many2one values (False/None) all bind as "".
    return "" if value is None or value is False else str(int(value))


def binding_key(subscription_id, reward_id, points, document):
    """Canonical text tying a code to exactly one redemption."""
    # The free-text document goes last so no field can bleed into another.
    subscription, reward, doc = _id(subscription_id), _id(reward_id), document or ""
    return f"flexi_loyalty.otp.v1|{subscription}|{reward}|{int(points)}|{doc}"


def hash_code(code, salt, binding, secret=""):
    """HMAC-SHA256 of the binding and the code, hex.

    Keyed by the server's ``secret`` and the per-code ``salt``: the salt
    lies next to the hash, so without the secret (kept elsewhere) a copy of
    the codes' table is not enough to try the million codes offline.
    """
    # Length prefixes: no part can absorb the digits of the next one.
    key = f"{len(secret)}:{secret}|{salt}"
    message = f"{len(binding)}:{binding}|{code}"
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def _clean(code):
    if not isinstance(code, str):
        return None
    code = "".join(code.split())
    # ASCII only: str.isdigit() alone would also accept other scripts' digits.
    if len(code) == CODE_LENGTH and code.isascii() and code.isdigit():
        return code
    return None


def check_code(
    code, *, salt, binding, code_hash, expires_at, now, attempts, used, secret=""
):
    """'ok', 'invalid' or 'locked' for a typed code.

    Every failure reads 'invalid' so a guesser learns nothing about why.
    'locked' wins once MAX_ATTEMPTS wrong tries were made. The code is valid
    while ``now < expires_at`` (naive UTC datetimes).
    """
    if attempts >= MAX_ATTEMPTS:
        return "locked"
    typed = _clean(code)
    if used or typed is None or not salt or not code_hash or expires_at is None:
        return "invalid"
    if not now < expires_at:
        return "invalid"
    expected = hash_code(typed, salt, binding, secret)
    if not hmac.compare_digest(expected.encode(), str(code_hash).encode()):
        return "invalid"
    return "ok"


def attempts_after(result, attempts):
    """Attempt counter after a check: a success does not count."""
    return attempts if result == "ok" else attempts + 1


def can_resend(sent_at, now):
    """True while fewer than RESEND_LIMIT codes went out in the window."""
    window = timedelta(seconds=RESEND_WINDOW_SECONDS)
    recent = [sent for sent in sent_at if now - sent < window]
    return len(recent) < RESEND_LIMIT


def expiry_for(now):
    """Expiry of a code sent at ``now``."""
    return now + timedelta(seconds=TTL_SECONDS)
