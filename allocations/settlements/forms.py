"""The forms of the three settlement steps; amounts typed in the page's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MoneyField
from allocations.settlements.models import SettlementGround


class ProposeForm(forms.Form):
    """The assessor's proposal. For a SPUK the amount follows from the spending: only the sample flag is asked."""

    ground = forms.ChoiceField(
        label=_("Grond voor een lager bedrag (art. 4:46 lid 2 Awb)"),
        choices=[("", _("Geen: vaststellen op het toegekende bedrag")), *SettlementGround.choices],
        required=False,
    )
    proposed = MoneyField(
        label=_("Lager bedrag"),
        required=False,
        help_text=_("In euro's; alleen met een grond."),
    )
    motivation = forms.CharField(
        label=_("Motivering"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wat is gebleken? Verplicht bij een lager bedrag; de brief neemt het over."),
    )
    sample = forms.BooleanField(label=_("Opnemen in de steekproef voor een diepgaande controle"), required=False)

    def __init__(self, *args, subsidy: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not subsidy:
            for name in ("ground", "proposed", "motivation"):
                del self.fields[name]


class CheckForm(forms.Form):
    reclaim_number = forms.CharField(
        label=_("Vorderingsnummer"),
        required=False,
        max_length=40,
        help_text=_("Het nummer van de vordering in het financiële systeem; alleen bij een terugvordering."),
    )


class ApproveForm(forms.Form):
    agreed = forms.BooleanField(
        label=_("Ik heb de cijfers en de controle bekeken en stel de subsidie vast zoals hierboven staat"),
        error_messages={"required": _("Vink aan dat u de vaststelling goedkeurt.")},
    )


class StartBatchForm(forms.Form):
    """The assessor's batch over a call: only the sample's rate is asked; the rest follows from the figures."""

    sample_percent = forms.IntegerField(
        label=_("Steekproef (%)"),
        min_value=0,
        max_value=100,
        help_text=_(
            "Dit deel van de beschikkingen (naar boven afgerond) wordt met een vastgelegd startgetal gekozen voor "
            "een diepgaande controle."
        ),
    )
