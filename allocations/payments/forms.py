"""The forms of the payments pages: a paid date, the reason an instalment lapses, the financial system's file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_HELP = _("Schrijf de datum als dd-mm-jjjj.")


class PaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Betaald op"),
        help_text=DATE_HELP,
        widget=forms.DateInput(attrs={"autocomplete": "off", "inputmode": "numeric", "size": 10}),
        error_messages={
            "required": _("Vul de datum in waarop de termijn is betaald."),
            "invalid": _("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-04-2027."),
        },
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=500,
        widget=forms.TextInput(attrs={"size": 40}),
        error_messages={"required": _("Geef de reden waarom deze termijn vervalt.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Betaalbestand van het financiële systeem (CSV)"),
        help_text=_(
            "Kolommen: reference (het betalingskenmerk uit de betaalopdracht), amount (het bedrag, bijvoorbeeld "
            "1234.56 of 1234,56) en paid_on (de betaaldatum, jjjj-mm-dd of dd-mm-jjjj); decision_number mag erbij. "
            "Komma of puntkomma als scheidingsteken. Bevat één regel een fout, dan wordt niets ingelezen."
        ),
        error_messages={"required": _("Kies het bestand dat u wilt inlezen.")},
    )
