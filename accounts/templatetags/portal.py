"""Template filters for Dutch government presentation: amounts as ``€ 1.234.567,89``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from accounts.money import euros

register = template.Library()


def format_euro(value, *, decimals: int = 2) -> str:
    """Format money the Dutch way in the active language (``€ 1.234.567,89`` in Dutch)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    quantum = Decimal(1).scaleb(-decimals)
    amount = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = number_format(abs(amount), decimal_pos=decimals, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    return f"{sign}€ {text}"


@register.filter(name="euro")
def euro(value) -> str:
    return format_euro(value)


@register.filter(name="euro0")
def euro_whole(value) -> str:
    return format_euro(value, decimals=0)


@register.filter(name="cents_to_euro")
def cents_to_euro(value) -> str:
    if value is None:
        return ""
    return format_euro(euros(value))


@register.filter(name="measure")
def measure(value) -> str:
    """An indicator value or threshold with the decimals it has and no trailing zeros, in the page's language
    (``7,5`` and ``10`` in Dutch for the stored ``7.500`` and ``10.000``)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        return str(value)
    places = max(0, -int(number.as_tuple().exponent))
    return number_format(number, decimal_pos=places, use_l10n=True)
