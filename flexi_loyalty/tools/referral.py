"""Refer a friend: who may be referred by whom.

A member shares a code; a new customer who uses it is the member's friend.
Nobody refers themselves: not the same customer, nor the same mailbox or
mobile number under another name, and an existing customer is no new friend.
"""

# Mail providers where dots in the local part reach the same mailbox.
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

# Why a friend is refused, in the order they are checked.
REFUSALS = (
    "same_customer",
    "same_email",
    "same_phone",
    "existing_customer",
    "already_referred",
)


def email_key(email):
    """The mailbox an address reaches, for comparing people, or ``None``.

    Case, spaces, "+tag" suffixes and (at Gmail) dots reach the same mailbox:
    ``A.Mina+promo@GMail.com`` and ``amina@gmail.com`` are one person.
    """
    text = (email or "").strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return None
    local = local.split("+", 1)[0]
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    if not local:
        return None
    return f"{local}@{domain}"


def contact_keys(emails=(), phones=()):
    """({mailbox keys}, {phones}) of the addresses and E.164 numbers given,
    blanks left out."""
    return (
        {key for key in map(email_key, emails) if key},
        {phone for phone in phones if phone},
    )


def refusal(referrer, friend):
    """The first reason (one of ``REFUSALS``) why ``friend`` cannot be
    referred by ``referrer``, or ``None`` when the referral is allowed.

    Both are dicts: ``partner`` (the customer's id, companies and their
    contacts as one), ``emails`` (mailbox keys, see :func:`email_key`) and
    ``phones`` (E.164). The friend also carries ``customer`` (they, or someone
    with their email or mobile, already bought) and ``referred`` (they were
    referred before, under this or another name).
    """
    if friend.get("partner") and friend["partner"] == referrer.get("partner"):
        return "same_customer"
    if set(friend.get("emails") or ()) & set(referrer.get("emails") or ()):
        return "same_email"
    if set(friend.get("phones") or ()) & set(referrer.get("phones") or ()):
        return "same_phone"
    if friend.get("customer"):
        return "existing_customer"
    if friend.get("referred"):
        return "already_referred"
    return None
