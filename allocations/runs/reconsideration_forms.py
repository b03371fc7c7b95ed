"""The form for a reconsideration's corrections: what a person typed (amounts in the page's language, points
with its decimal sign). Whether the corrections hold (a request above nothing, the application in the run) is
for the service to say, beside the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.amounts import MoneyField, NumberField
from accounts.money import cents

UNCHANGED, YES, NO = "", "yes", "no"


class ReconsiderationForm(forms.Form):
    application = forms.TypedChoiceField(label=_("Aanvraag (bezwaarmaker)"), coerce=int)
    requested = MoneyField(
        label=_("Aangevraagd bedrag, gecorrigeerd"),
        required=False,
        help_text=_("Leeg: ongewijzigd. De begroting per thema en jaar schaalt mee."),
    )
    eligible = forms.ChoiceField(
        label=_("Komt in aanmerking"),
        required=False,
        choices=[(UNCHANGED, _("ongewijzigd")), (YES, _("ja")), (NO, _("nee"))],
        widget=forms.RadioSelect,
    )
    reviewer_score = NumberField(
        label=_("Beoordelingsscore, gecorrigeerd"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("Leeg: ongewijzigd."),
    )
    need_score = NumberField(
        label=_("Behoeftescore, gecorrigeerd"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("Leeg: ongewijzigd."),
    )
    bonus_score = NumberField(
        label=_("Voorrangspunten, gecorrigeerd"),
        required=False,
        min_value=Decimal("0"),
        help_text=_("Leeg: ongewijzigd."),
    )
    use_scoring = forms.BooleanField(
        label=_("Punten uit de heropende beoordeling overnemen"),
        required=False,
        help_text=_(
            "De herberekende puntenopbouw van de nieuwe beoordelingen wordt de correctie van de punten; de "
            "heroverweging legt vast dat ze daar vandaan komt."
        ),
    )
    reason = forms.CharField(
        label=_("Reden van de heroverweging"),
        max_length=textlimits.MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat was onjuist, en waar blijkt dat uit (bijvoorbeeld het bezwaarschrift of de hoorzitting)."),
    )

    def __init__(self, *args, lines=(), scoring=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scoring = scoring  # a recomputed reopened scoring of the objection, whose points may be taken
        if scoring is None:
            del self.fields["use_scoring"]
        self.fields["application"].choices = [("", _("— kies een aanvraag —"))] + [
            (line.application_id, f"{line.application.reference} – {line.application.municipality.name}")
            for line in lines
        ]

    def corrections(self) -> dict:
        """The corrections document for the service (``reconsideration.Corrections.from_json``)."""
        data = self.cleaned_data
        document: dict = {}
        if data.get("requested") is not None:
            document["requested"] = cents(data["requested"])
        if data.get("eligible") in (YES, NO):
            document["eligible"] = data["eligible"] == YES
        points = {
            name: f"{data[name]:.2f}"
            for name in ("reviewer_score", "need_score", "bonus_score")
            if data.get(name) is not None
        }
        if points:
            document["points"] = points
        return document
