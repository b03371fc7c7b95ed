"""Euro amounts as people type them, read in the language of the page.

In Dutch the comma is the decimal sign and the dot groups thousands (``250.000,50``); in English the other
way round (``250,000.50``). Plain digits (``250000``) work in both. A value that could be read two ways,
such as ``1,000`` on a Dutch page (one euro, or a thousand the English way), is refused with a message
that says how it could be read and what to type. Whether an amount is acceptable (positive, below a
maximum) stays for the services to say.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.templatetags.portal import format_euro

SIGNS = {"nl": (",", "."), "en": (".", ",")}  # language: (decimal sign, thousands sign)


def page_language(language: str | None = None) -> str:
    language = (language or translation.get_language() or "nl").lower()
    return "en" if language.startswith("en") else "nl"


def _read(text: str, decimal_sign: str, group_sign: str) -> tuple[Decimal | None, bool]:
    """(amount, ambiguous) under one convention; (None, False) if the text does not follow it."""
    d, g = re.escape(decimal_sign), re.escape(group_sign)
    match = re.fullmatch(rf"(-?)(\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}(\d+))?", text)
    if not match:
        return None, False
    sign, whole, fraction = match.groups()
    whole = whole.replace(group_sign, "")
    # "1,000" with the comma as decimal sign could also be a thousand written the other way.
    ambiguous = fraction is not None and len(fraction) == 3 and group_sign not in match.group(2)
    number = f"{sign}{whole}.{fraction}" if fraction is not None else f"{sign}{whole}"
    try:
        return Decimal(number), ambiguous
    except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
        return None, False


def _example(language: str) -> str:
    return "250000.50" if language == "en" else "250000,50"


def read_amount(value, *, language: str | None = None) -> Decimal | None:
    """The amount typed in ``value`` (None if empty), or a ValidationError that explains the reading."""
    if value is None or isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    language = page_language(language)
    decimal_sign, group_sign = SIGNS[language]
    amount, ambiguous = _read(text, decimal_sign, group_sign)
    if amount is not None and ambiguous:
        large_typed = text.replace(decimal_sign, "").lstrip("-")
        large = format_euro(Decimal(large_typed))
        if amount != amount.quantize(Decimal("0.01")):  # read as decimals it has three: a thousands sign?
            raise ValidationError(
                _("'%(typed)s' heeft drie cijfers achter de komma. Bedoelt u %(large)s? Typ dan %(large_typed)s.")
                % {"typed": text, "large": large, "large_typed": large_typed},
                code="ambiguous",
            )
        raise ValidationError(
            _(
                "'%(typed)s' kan %(small)s betekenen of %(large)s. Typ %(small_typed)s of %(large_typed)s, "
                "zonder scheidingsteken voor duizendtallen."
            )
            % {
                "typed": text,
                "small": format_euro(amount),
                "large": large,
                "small_typed": amount_for_input(amount.quantize(Decimal("0.01")), language=language, grouped=False),
                "large_typed": large_typed,
            },
            code="ambiguous",
        )
    if amount is None:
        other = "en" if language == "nl" else "nl"
        read_other, _ambiguous = _read(text, *SIGNS[other])
        if read_other is not None:
            raise ValidationError(
                _("'%(typed)s' is geschreven als %(reading)s in de andere taalnotatie. Typ hier %(example)s.")
                % {
                    "typed": text,
                    "reading": format_euro(read_other),
                    "example": format(read_other, "f").replace(".", decimal_sign),
                },
                code="other_notation",
            )
        raise ValidationError(
            _("Vul een bedrag in euro in, bijvoorbeeld 250000 of %(example)s.") % {"example": _example(language)},
            code="invalid",
        )
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("Een bedrag heeft hoogstens twee cijfers achter de komma."), code="decimals")
    return amount


def amount_for_input(amount: Decimal | None, *, language: str | None = None, grouped: bool = True) -> str:
    """How an amount appears in a text box, in the page's language and with cents: ``5.000.000,00`` on a Dutch
    page, ``5,000,000.00`` on an English one. ``read_amount`` reads it back to the same amount: the thousands
    are always grouped and there are two decimals, so it never reads two ways. ``grouped=False`` gives the
    plain form (``5000000,00``) that the messages about ambiguous input suggest."""
    if amount is None:
        return ""
    decimal_sign, group_sign = SIGNS[page_language(language)]
    amount = Decimal(amount)
    if amount == amount.quantize(Decimal("0.01")):
        amount = amount.quantize(Decimal("0.01"))  # cents always shown, also for a whole amount
    sign, digits = ("-", format(-amount, "f")) if amount < 0 else ("", format(amount, "f"))
    whole, _dot, fraction = digits.partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", group_sign)
    return f"{sign}{whole}{decimal_sign}{fraction}" if fraction else f"{sign}{whole}"


class MoneyField(forms.CharField):
    """The one form field for every typed euro amount: gives a Decimal (or None when left empty).

    It shows a stored amount as ``amount_for_input`` writes it (``5.000.000,00``). In a form that came back
    with errors, what the person typed stays as typed (it read as an amount, or its message says why not)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "30"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return amount_for_input(Decimal(value)) if isinstance(value, Decimal | int) else value

    def to_python(self, value):
        return read_amount(super().to_python(value))


# --- Other numbers typed in text: percentages and points ------------------------------------------------------
def _plain(number: Decimal, language: str) -> str:
    """A number as one types it on this page: no grouping, no trailing zeros (``7,5``, ``10``)."""
    text = format(number.normalize(), "f") if number == number.to_integral() else format(number, "f").rstrip("0")
    if "." in text and "E" not in text:
        whole, fraction = text.split(".")
        text = f"{whole}{SIGNS[language][0]}{fraction}" if fraction else whole
    return text


def read_number(value, *, decimals: int = 2, language: str | None = None) -> Decimal | None:
    """A percentage or a number of points typed in ``value`` (None if empty), read as amounts are: the page's
    decimal sign, and a refusal that names both readings where the text reads two ways (``1,000`` on a Dutch
    page), or the other language's notation (``7.5`` on a Dutch page, which may never become 75)."""
    if value is None or isinstance(value, Decimal):
        return value
    text = str(value).strip().replace("%", "").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    language = page_language(language)
    decimal_sign, group_sign = SIGNS[language]
    number, ambiguous = _read(text, decimal_sign, group_sign)
    if number is not None and ambiguous:
        large = Decimal(text.replace(decimal_sign, "").lstrip("-"))
        if number != number.quantize(Decimal(1).scaleb(-decimals)):  # three decimals: a thousands sign?
            raise ValidationError(
                _("'%(typed)s' heeft drie cijfers achter de komma. Bedoelt u %(large)s? Typ dan %(large)s.")
                % {"typed": text, "large": _plain(large, language)},
                code="ambiguous",
            )
        raise ValidationError(
            _("'%(typed)s' kan %(small)s betekenen of %(large)s. Typ %(small)s of %(large)s.")
            % {"typed": text, "small": _plain(number, language), "large": _plain(large, language)},
            code="ambiguous",
        )
    if number is None:
        other = "en" if language == "nl" else "nl"
        read_other, _ambiguous = _read(text, *SIGNS[other])
        if read_other is not None:
            raise ValidationError(
                _("'%(typed)s' is geschreven in de andere taalnotatie. Bedoelt u %(reading)s? Typ dan %(reading)s.")
                % {"typed": text, "reading": _plain(read_other, language)},
                code="other_notation",
            )
        raise ValidationError(
            _("Vul een getal in, bijvoorbeeld %(example)s.") % {"example": _plain(Decimal("7.5"), language)},
            code="invalid",
        )
    if number != number.quantize(Decimal(1).scaleb(-decimals)):
        raise ValidationError(
            _("Vul hoogstens %(decimals)d cijfers achter de komma in.") % {"decimals": decimals}, code="decimals"
        )
    return number


def number_for_input(number: Decimal | None, *, language: str | None = None) -> str:
    """How a stored percentage or number of points appears in a text box: ``7,5`` and ``10`` on a Dutch page."""
    if number is None:
        return ""
    return _plain(Decimal(number), page_language(language))


class NumberField(forms.CharField):
    """A percentage or number of points typed in a text box (never ``type=number``, which reads a comma as
    the browser's language wants): gives a Decimal (or None when left empty), between ``min_value`` and
    ``max_value`` if given."""

    def __init__(self, *, decimals: int = 2, min_value=None, max_value=None, **kwargs):
        self.decimals, self.min_value, self.max_value = decimals, min_value, max_value
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "20", "size": "8"}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return number_for_input(value) if isinstance(value, Decimal | int) else value

    def to_python(self, value):
        return read_number(super().to_python(value), decimals=self.decimals)

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(
                _("Vul %(min)s of meer in.") % {"min": number_for_input(Decimal(self.min_value))}, code="min_value"
            )
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(
                _("Vul %(max)s of minder in.") % {"max": number_for_input(Decimal(self.max_value))}, code="max_value"
            )
