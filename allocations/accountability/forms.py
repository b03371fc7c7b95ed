"""The officer's accountability form and the import form; amounts typed in the page's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MoneyField


class StatementForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int)
    spent = MoneyField(
        label=_("Besteding in dit jaar"),
        help_text=_("In euro's. De cumulatieve besteding volgt uit de jaren ervoor."),
    )
    final = forms.BooleanField(label=_("Dit is de eindverantwoording"), required=False)
    finished = forms.BooleanField(label=_("Het project is afgerond"), required=False)
    report = forms.FileField(
        label=_("Inhoudelijk en financieel verslag (PDF)"),
        required=False,
        help_text=_("Verplicht bij de eindverantwoording van een subsidie."),
    )

    def __init__(self, *args, years: list[int], needs_report: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        if not needs_report:
            del self.fields["report"]

    def clean_spent(self):
        spent = self.cleaned_data["spent"]
        if spent is None:
            raise forms.ValidationError(_("Vul de besteding in dit jaar in; 0 als er niets is besteed."))
        return spent


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("SiSa-bestand (CSV)"),
        help_text=_("Kolommen: gemeente, beschikkingsnummer, jaar, indicator, waarde; gescheiden door ; of ,."),
    )
