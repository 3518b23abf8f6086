"""Campaign messages: only known placeholders, rendered safely."""

import pytest
from fm_marketing_tools.template import (
    TemplateError,
    first_name,
    format_percent,
    placeholders,
    render,
)


def test_message_is_personalised():
    body = "Tu nous manques {first_name} ! {code} : {discount} au {expiry_date}."
    text = render(
        body,
        {
            "first_name": "Amina",
            "code": "ABCD",
            "discount": "10 %",
            "expiry_date": "01/07",
        },
    )
    assert text == "Tu nous manques Amina ! ABCD : 10 % au 01/07."


@pytest.mark.parametrize(
    "body",
    ["{prenom}", "{first_name.__class__}", "{code[0]}", "{code!r}", "{code:>9}", "{"],
)
def test_unknown_or_unsafe_placeholders_are_refused(body):
    with pytest.raises(TemplateError):
        placeholders(body)


def test_braces_can_be_written_literally():
    assert render("{{promo}} {shop_link}", {"shop_link": "x.dz"}) == "{promo} x.dz"


def test_missing_values_render_empty():
    assert render("Hi {first_name}!", {}) == "Hi !"


def test_first_name_and_percent():
    assert first_name("  Amina Benali ") == "Amina"
    assert first_name(False) == ""
    assert format_percent(10.0) == "10 %"
    assert format_percent(12.5) == "12,5 %"
