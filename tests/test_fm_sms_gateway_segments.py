"""Segment counting of fm_sms_gateway (GSM 03.38 / 3GPP TS 23.038)."""

import pytest
from conftest import _register_tools

_register_tools("fm_sms_gateway")  # whether or not the suite lists it yet

from fm_sms_gateway_tools.segments import (  # noqa: E402
    GSM7,
    GSM7_BASIC,
    GSM7_EXTENSION,
    UCS2,
    count_sms,
    fold_to_gsm7,
    unicode_chars,
)


def test_the_tables_have_the_standards_sizes():
    # 128 positions, the escape (0x1B) is not a character of its own.
    assert len(GSM7_BASIC) == 127
    assert GSM7_EXTENSION == set("\f^{}\\[~]|€")
    assert not GSM7_BASIC & GSM7_EXTENSION


@pytest.mark.parametrize(
    ("length", "segments"),
    [(0, 0), (1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_fits_160_alone_and_153_per_part(length, segments):
    count = count_sms("a" * length)
    assert (count.encoding, count.units, count.segments) == (GSM7, length, segments)


@pytest.mark.parametrize(
    ("length", "segments"),
    [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_fits_70_alone_and_67_per_part(length, segments):
    count = count_sms("ب" * length)
    assert (count.encoding, count.units, count.segments) == (UCS2, length, segments)


def test_french_accents_of_the_gsm_table_stay_gsm7():
    count = count_sms("Réservé à Hélène, où ça ? Ça coûte 5€")
    # Only the capital Ç is in the table, and no circumflex.
    assert count.encoding == UCS2
    assert count.unicode_chars == ("ç", "û")
    count = count_sms("Réservé à Hélène, où ? Ça coute 5€")
    assert count.encoding == GSM7
    # "€" comes from the extension table: it counts double.
    assert count.units == len("Réservé à Hélène, où ? Ça coute 5€") + 1


@pytest.mark.parametrize("char", sorted(GSM7_EXTENSION))
def test_each_extension_character_counts_double(char):
    assert count_sms(char).units == 2
    assert count_sms("a" * 158 + char).segments == 1
    assert count_sms("a" * 159 + char).segments == 2


def test_an_extension_character_is_never_split_from_its_escape():
    # 152 septets then "€" (2): the first part cannot hold it, the second
    # part starts with it.
    count = count_sms("a" * 152 + "€" + "a" * 10)
    assert count.units == 164
    assert count.segments == 2
    # 152 + 2 + 152 = 306 septets fit 2 parts only when nothing is split.
    assert count_sms("a" * 152 + "€" + "a" * 152).segments == 3


def test_arabic_is_sent_in_ucs2_and_costs_more_than_twice():
    text = "مرحبا، طلبك جاهز للاستلام من المحل. شكرا لثقتكم بنا!" * 3
    count = count_sms(text)
    assert count.encoding == UCS2
    assert count.units == len(text)
    latin = count_sms("a" * len(text))
    assert count.segments > 2 * latin.segments


def test_an_emoji_takes_two_utf16_units_and_is_never_split():
    count = count_sms("Bon appétit 🍽")
    assert count.encoding == UCS2
    assert count.unicode_chars == ("🍽",)
    assert count.units == len("Bon appétit ") + 2
    assert count_sms("a" * 68 + "😀").segments == 1
    assert count_sms("a" * 69 + "😀").segments == 2
    # 66 units then an emoji: the first part ends early.
    assert count_sms("a" * 66 + "😀" + "a" * 66).segments == 3


def test_the_characters_forcing_unicode_are_named_once_in_order():
    assert unicode_chars("Fête, fête, crème brûlée") == ("ê", "û")
    assert unicode_chars("plain text") == ()


def test_folding_keeps_a_french_message_in_gsm7():
    text = "Votre commande est prête ! L\u2019équipe vous attend… « Bon appétit »"
    assert count_sms(text).encoding == UCS2
    folded = count_sms(text, fold=True)
    assert folded.encoding == GSM7
    assert folded.text == (
        'Votre commande est prete ! L\'équipe vous attend... " Bon appétit "'
    )
    assert fold_to_gsm7("Noël, cœur, ça") == "Noel, coeur, ca"


def test_folding_leaves_arabic_and_emoji_as_they_are():
    assert fold_to_gsm7("توقف 😀 prête") == "توقف 😀 prete"
    assert count_sms("توقف prête", fold=True).encoding == UCS2


def test_empty_text_costs_nothing():
    assert count_sms("").segments == 0
    assert count_sms(None).segments == 0
