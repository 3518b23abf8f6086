"""Phone numbers as members type them, stored and searched as E.164."""

import re

import phonenumbers
from phonenumbers.phonemetadata import PhoneMetadata

MIN_SEARCH_DIGITS = 3


def _parse_valid(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw, default_region):
    """E.164 form of a valid number typed in any common way, else ``None``.

    ``default_region`` (ISO code, e.g. the company's country) reads national
    numbers; ``None`` reads international ones only.

    Accepts national ("0550 12 34 56"), international ("+213 550123456",
    "00213550123456") and country code without plus ("213550123456").
    """
    text = (raw or "").strip()
    if not text:
        return None
    number = _parse_valid(text, default_region)
    if number is None and not text.startswith("+"):
        # A foreign number typed with its country code but without the plus.
        number = _parse_valid("+" + text, default_region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_search_prefix(raw, default_region):
    """E.164 prefix for the digits typed so far, for incremental lookup.

    "0550" gives "+213550", "+33 6" gives "+336", "00213 55" gives "+21355".
    ``None`` below three digits. The library cannot parse partial numbers, so
    the region's own prefixes come from its metadata.
    """
    text = (raw or "").strip()
    digits = re.sub(r"\D", "", text)
    if len(digits) < MIN_SEARCH_DIGITS:
        return None
    complete = normalize_phone(text, default_region)
    if complete:
        return complete
    if text.startswith("+"):
        return "+" + digits
    metadata = (
        PhoneMetadata.metadata_for_region(default_region.upper())
        if default_region
        else None
    )
    if metadata is None:
        return "+" + digits
    international = metadata.international_prefix
    match = re.match(international, digits) if international else None
    if match and match.end():
        return "+" + digits[match.end() :]
    country_code = str(metadata.country_code)
    national_prefix = metadata.national_prefix
    if national_prefix and digits.startswith(national_prefix):
        return "+" + country_code + digits[len(national_prefix) :]
    if digits.startswith(country_code):
        # Same reading as normalize_phone: country code typed without plus.
        return "+" + digits
    return "+" + country_code + digits
