"""Campaign messages: ``{placeholder}`` templates, checked and rendered safely.

Only the known placeholders are allowed, as plain names: ``{first_name}``,
``{code}``, ``{discount}``, ``{expiry_date}``, ``{shop_link}``,
``{next_reward}``. Attribute or
index access (``{a.b}``, ``{a[0]}``) and format specs are refused, so a
template typed by staff can never reach into Python objects. ``{{`` and
``}}`` write literal braces.
"""

from string import Formatter

PLACEHOLDERS = (
    "first_name",
    "code",
    "discount",
    "expiry_date",
    "shop_link",
    "next_reward",
)
# Placeholders that only make sense when the campaign hands out a voucher.
OFFER_PLACEHOLDERS = ("code", "discount", "expiry_date")


class TemplateError(ValueError):
    """The template is malformed or uses unknown placeholders."""


def placeholders(body):
    """The placeholder names used in ``body``; raises TemplateError."""
    names = []
    try:
        parsed = list(Formatter().parse(body or ""))
    except ValueError as e:
        raise TemplateError(str(e)) from e
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if spec or conversion or field not in PLACEHOLDERS:
            raise TemplateError(f"unknown placeholder {{{field}}}")
        names.append(field)
    return names


def render(body, values):
    """``body`` with its placeholders replaced by ``values`` (missing: empty)."""
    placeholders(body)
    return (body or "").format_map(
        {name: values.get(name) or "" for name in PLACEHOLDERS}
    )


def first_name(full_name):
    """First word of a name: "Amina Benali" → "Amina"."""
    parts = (full_name or "").split()
    return parts[0] if parts else ""


def format_percent(value):
    """10.0 → "10 %", 12.5 → "12,5 %" (French typography)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"
