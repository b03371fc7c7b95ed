"""Forms for the allocation policy page: the settings, and formsets for the pots and the reservations.

They parse what a person typed (Dutch amounts); whether the policy holds together is for the service
(allocations.runs.policies.check_policy) to say, beside the fields."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.amounts import MoneyField, NumberField, number_for_input
from accounts.models import Municipality, Network
from allocations.runs.models import FormulaWeight, Method, RoundingUnit, TieBreak
from allocations.runs.policies import PotInput, ReservationInput


class PolicyForm(forms.Form):
    method = forms.ChoiceField(label=_("Methode"), choices=Method.choices)
    reserve = MoneyField(
        label=_("Reserve (voor bezwaren)"),
        required=False,
        help_text=_("Wordt van het subsidieplafond afgehouden en niet verdeeld."),
    )
    cap_amount = MoneyField(label=_("Maximum per aanvraag (bedrag)"), required=False)
    cap_pct = NumberField(
        label=_("Maximum per aanvraag (% van het plafond)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        help_text=_("Een percentage met een komma, bijvoorbeeld 7,5 of 10 (voor het Volkshuisvestingsfonds)."),
    )
    min_points = NumberField(label=_("Minimum aantal punten"), required=False, min_value=Decimal("0"))
    partial_last = forms.BooleanField(
        label=_("De laatste aanvraag die niet meer past krijgt het restant"),
        required=False,
        help_text=_("Uit: die aanvraag krijgt niets en de volgende die nog past komt aan bod."),
    )
    unit = forms.TypedChoiceField(label=_("Afronding"), choices=RoundingUnit.choices, coerce=int)
    tiebreak = forms.ChoiceField(label=_("Bij gelijke punten"), choices=TieBreak.choices)
    seed = forms.IntegerField(
        label=_("Startgetal van de loting"),
        min_value=0,
        help_text=_("Wordt bij elke verdeling vastgelegd; zo is de loting na te rekenen."),
    )
    formula_weight = forms.ChoiceField(
        label=_("Gewicht verdeelsleutel"), required=False, choices=[("", _("geen")), *FormulaWeight.choices]
    )

    def __init__(self, *args, min_points_default=None, **kwargs):
        super().__init__(*args, **kwargs)
        if min_points_default is not None:
            self.fields["min_points"].help_text = _("Leeg: het minimum uit de beoordeling, %(min)s punten.") % {
                "min": number_for_input(min_points_default)
            }
        else:
            self.fields["min_points"].help_text = _("Leeg: het minimum uit de beoordeling (die heeft er geen).")


class PotForm(forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=60)
    budget = MoneyField(label=_("Budget"))
    network = forms.ModelChoiceField(
        label=_("Voor leden van"),
        queryset=Network.objects.all(),
        required=False,
        empty_label=_("iedere aanvrager"),
        to_field_name="code",
    )
    spill_to = forms.CharField(label=_("Restant naar (naam van een latere pot)"), max_length=60, required=False)

    def to_input(self) -> PotInput:
        data = self.cleaned_data
        return PotInput(data["name"], data["budget"], data.get("network"), (data.get("spill_to") or "").strip())


MUNICIPALITY_LIST = "gemeenten"  # the one <datalist> of the page that every municipality field searches
CBS_CODE = re.compile(r"(?:^|\()\s*(GM\d{4})\s*\)?$", re.IGNORECASE)


class MunicipalityField(forms.CharField):
    """A municipality typed, or picked from the page's one searchable list: "Amsterdam (GM0363)", its CBS code
    or its name. One shared list instead of a select of every municipality per row keeps a page of twenty
    reservations light."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"list": MUNICIPALITY_LIST, "autocomplete": "off", "maxlength": "120"})
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Municipality):
            return f"{value.name} ({value.cbs_code})"
        return value

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        code = CBS_CODE.search(text)
        found = (
            Municipality.objects.filter(cbs_code=code.group(1).upper())
            if code
            else Municipality.objects.filter(name__iexact=text)
        )
        matches = list(found[:2])
        if len(matches) != 1:
            raise forms.ValidationError(
                _("Kies een gemeente uit de lijst, bijvoorbeeld Amsterdam (GM0363); '%(typed)s' is er geen."),
                params={"typed": text},
                code="unknown",
            )
        return matches[0]


class ReservationForm(forms.Form):
    municipality = MunicipalityField(label=_("Gemeente"))
    area_name = forms.CharField(label=_("Gebied"), max_length=150, required=False)
    amount = MoneyField(label=_("Gereserveerd bedrag"))

    def to_input(self) -> ReservationInput:
        data = self.cleaned_data
        return ReservationInput(data["municipality"], data["amount"], data.get("area_name") or "")


PotFormSet = forms.formset_factory(PotForm, extra=1, can_delete=True)
PotFormSet.row_label = _("Pot %(n)s")  # how the error summary names a row
ReservationFormSet = forms.formset_factory(ReservationForm, extra=1, can_delete=True)
ReservationFormSet.row_label = _("Reservering %(n)s")


def kept(formset) -> list:
    """The filled-in forms of a valid formset that were not marked for deletion, in order."""
    return [
        form.to_input()
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def initial_policy(policy, default_min) -> tuple[dict, list[dict], list[dict]]:
    values = {
        "method": policy.method,
        "reserve": policy.reserve,
        "cap_amount": policy.cap_amount,
        "cap_pct": policy.cap_pct,
        "min_points": policy.min_points,
        "partial_last": policy.partial_last,
        "unit": policy.unit,
        "tiebreak": policy.tiebreak,
        "seed": policy.seed,
        "formula_weight": policy.formula_weight,
    }
    pots, reservations = [], []
    if policy.pk:
        pots = [
            {
                "name": p.name,
                "budget": p.budget,
                "network": p.network.code if p.network_id else None,
                "spill_to": p.spill_to.name if p.spill_to_id else "",
            }
            for p in policy.pots.all()
        ]
        reservations = [
            {"municipality": r.municipality, "area_name": r.area_name, "amount": r.amount}
            for r in policy.reservations.all()
        ]
    return values, pots, reservations


def reservation_sum(*, budget: Decimal, reserve: Decimal | None, amounts: list[Decimal]) -> dict | None:
    """The reservations added up against the amount to divide (the ceiling minus the reserve). With
    reservations an application is capped at its area's and one without is not eligible, so what is not
    reserved can never be spent: ``unspendable`` says how much. None without reservations."""
    if not amounts:
        return None
    ceiling = max(budget - (reserve or Decimal("0")), Decimal("0"))
    total = sum(amounts, Decimal("0"))
    return {
        "count": len(amounts),
        "total": total,
        "ceiling": ceiling,
        "unspendable": max(ceiling - total, Decimal("0")),
        "over": max(total - ceiling, Decimal("0")),
    }
