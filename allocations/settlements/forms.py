"""The forms of the three settlement steps; amounts typed in the page's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MoneyField
from accounts.templatetags.portal import euro
from allocations.payments.models import Instalment
from allocations.settlements.models import SettlementGround


class InstalmentChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Instalment) -> str:
        return str(
            _("Termijn %(reference)s van beschikking %(number)s: %(amount)s, te betalen op %(date)s")
            % {
                "reference": obj.reference,
                "number": obj.decision.number,
                "amount": euro(obj.amount),
                "date": obj.due_on.strftime("%d-%m-%Y"),
            }
        )


def set_off_field(candidates) -> InstalmentChoices:
    """The open instalments of another decision of the same municipality and scheme, to set a reclaim off
    against (Awb 4:57); none chosen: the whole reclaim is paid back."""
    return InstalmentChoices(
        queryset=candidates,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Verrekenen met termijnen van een andere beschikking (art. 4:57 Awb)"),
        help_text=_(
            "Alleen bij een terugvordering. De vroegste termijn eerst; wat de termijnen niet dekken, betaalt de "
            "gemeente terug. Termijnen van dezelfde gemeente en regeling die nog geen betaalopdracht hebben."
        ),
    )


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

    def __init__(self, *args, subsidy: bool, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None and candidates.exists():
            self.fields["set_off"] = set_off_field(candidates)
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

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None and candidates.exists():
            self.fields["set_off"] = set_off_field(candidates)


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
