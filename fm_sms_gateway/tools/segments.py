"""How many segments a text costs: GSM 03.38 (3GPP TS 23.038) rules.

A text that only uses the GSM-7 alphabet travels in 7-bit septets: 160 in
one SMS, 153 per part once it has to be split (the rest carries the
concatenation header). Characters of the extension table are sent as an
escape and the character, so they count double and are never split from
their escape. One character outside both tables sends the whole text in
UCS-2: 70 UTF-16 units in one SMS, 67 per part; characters beyond the basic
plane (emoji) take two units and are not split either.
"""

from collections import namedtuple

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7 = "gsm7"
UCS2 = "ucs2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# Characters with a GSM-7 look-alike: what a French text usually carries.
FOLDING = {
    "â": "a",
    "ç": "c",
    "ê": "e",
    "ë": "e",
    "î": "i",
    "ï": "i",
    "ô": "o",
    "û": "u",
    "ÿ": "y",
    "œ": "oe",
    "À": "A",
    "Â": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Ù": "U",
    "Û": "U",
    "Œ": "OE",
    "á": "a",
    "í": "i",
    "ó": "o",
    "ú": "u",
    "Á": "A",
    "Í": "I",
    "Ó": "O",
    "Ú": "U",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "«": '"',
    "»": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\t": " ",
}

SmsCount = namedtuple(
    "SmsCount", "text encoding units segments per_segment unicode_chars"
)


def fold_to_gsm7(text):
    """The text with each character that has a GSM-7 equivalent replaced by
    it; characters without one (Arabic, emoji) are kept."""
    return "".join(FOLDING.get(char, char) for char in text or "")


def unicode_chars(text):
    """The distinct characters that force UCS-2, in order of appearance."""
    seen = []
    for char in text or "":
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION and char not in seen:
            seen.append(char)
    return tuple(seen)


def _unit_sizes(text, encoding):
    """Size of each character in the encoding's units (septets or UTF-16)."""
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def _segments(sizes, single, per_part):
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:
        # An escaped character or a surrogate pair never straddles two parts.
        if used + size > per_part:
            segments, used = segments + 1, 0
        used += size
    return segments


def count_sms(text, fold=False):
    """Encoding, length in units and segments of ``text`` as it is sent."""
    text = fold_to_gsm7(text) if fold else text or ""
    forcing = unicode_chars(text)
    encoding = UCS2 if forcing else GSM7
    sizes = _unit_sizes(text, encoding)
    single, per_part = LIMITS[encoding]
    segments = _segments(sizes, single, per_part)
    return SmsCount(
        text=text,
        encoding=encoding,
        units=sum(sizes),
        segments=segments,
        per_segment=single if segments <= 1 else per_part,
        unicode_chars=forcing,
    )
