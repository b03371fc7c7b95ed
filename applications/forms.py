"""Forms for the call and application pages. They parse what a person typed (Dutch amounts, the budget
grid, a chosen or typed area); whether a value is acceptable is for the services to say."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.amounts import MoneyField, read_amount
from applications.models import Status
from applications.services import default_reply_by

GRID_FIELD = re.compile(r"^regel_(\d+)_(\d+)$")
OTHER_AREA = "__anders__"


class AmountField(MoneyField):
    pass


class NeededToSubmitMixin:
    """Needed before submitting, not for saving a draft: the label does not say "(niet verplicht)",
    but an empty value is accepted (a draft may be incomplete)."""

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class NeededCharField(NeededToSubmitMixin, forms.CharField):
    pass


class NeededAmountField(NeededToSubmitMixin, AmountField):
    pass


class StepForm(forms.Form):
    """Every step carries the revision it was loaded at, so a concurrent edit is noticed."""

    use_required_attribute = False
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": _("De versie van de aanvraag ontbreekt; open de pagina opnieuw.")},
    )


def _area_fields(form: forms.Form, areas: list[str], current: str = "") -> None:
    """A select of the municipality's focus areas plus a box for another area; only a box if it has none."""
    if areas:
        choices = [("", _("— kies een gebied —"))] + [(a, a) for a in areas]
        choices.append((OTHER_AREA, _("Een ander gebied (vul hieronder in)")))
        form.fields["area_name"] = forms.ChoiceField(
            label=_("Gebied"),
            choices=choices,
            help_text=_(
                "In deze ronde vraagt u per gebied aan. Kies een NPLV-focusgebied van uw gemeente of een ander gebied."
            ),
        )
        form.fields["area_other"] = forms.CharField(
            label=_("Ander gebied"),
            max_length=150,
            required=False,
            help_text=_("Alleen invullen als u hierboven 'Een ander gebied' kiest."),
        )
        if current in areas:
            form.initial["area_name"] = current
        elif current:
            form.initial["area_name"] = OTHER_AREA
            form.initial["area_other"] = current
    else:
        form.initial["area_name"] = current
        form.fields["area_name"] = forms.CharField(
            label=_("Gebied"),
            max_length=150,
            help_text=_("In deze ronde vraagt u per gebied aan: de wijk of buurt waarvoor deze aanvraag is."),
        )
    form.fields["area_name"].error_messages["required"] = _("In deze ronde vraagt u per gebied aan; kies het gebied.")


def chosen_area(cleaned_data: dict) -> str:
    area = cleaned_data.get("area_name") or ""
    if area == OTHER_AREA:
        return (cleaned_data.get("area_other") or "").strip()
    return area


class StartApplicationForm(forms.Form):
    use_required_attribute = False
    title = forms.CharField(
        label=_("Titel van uw aanvraag"),
        max_length=200,
        help_text=_("Een korte naam voor het plan, bijvoorbeeld 'Samen sterk in Batau-Noord'."),
        error_messages={"required": _("Geef de aanvraag een titel.")},
    )

    def __init__(self, *args, areas: list[str] | None = None, per_area: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if per_area:
            _area_fields(self, areas or [])

    def clean(self):
        cleaned = super().clean()
        if "area_name" in self.fields and cleaned.get("area_name") == OTHER_AREA and not chosen_area(cleaned):
            self.add_error("area_other", _("Vul de naam van het gebied in."))
        return cleaned


class AreaStepForm(StepForm):
    title = forms.CharField(
        label=_("Titel van uw aanvraag"),
        max_length=200,
        error_messages={"required": _("Geef de aanvraag een titel.")},
    )

    def __init__(self, *args, areas: list[str] | None = None, per_area: bool = False, current_area: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if per_area:
            _area_fields(self, areas or [], current_area)

    def clean(self):
        cleaned = super().clean()
        if "area_name" in self.fields and cleaned.get("area_name") == OTHER_AREA and not chosen_area(cleaned):
            self.add_error("area_other", _("Vul de naam van het gebied in."))
        return cleaned


class PlanStepForm(StepForm):
    goals = NeededCharField(
        max_length=textlimits.CONTENT,
        label=_("Doelen"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat wilt u met dit plan in de wijk bereiken, en hoe merken bewoners dat?"),
    )
    approach = NeededCharField(
        max_length=textlimits.CONTENT,
        label=_("Aanpak"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Wat gaat u doen, in welke volgorde, en waarom werkt dat?"),
    )
    partners = NeededCharField(
        max_length=textlimits.CONTENT,
        label=_("Partners in de lokale alliantie"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Welke organisaties werken mee, bijvoorbeeld corporaties, scholen, zorg en politie?"),
    )
    residents_involvement = NeededCharField(
        max_length=textlimits.CONTENT,
        label=_("Betrokkenheid van bewoners"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Hoe denken en beslissen bewoners mee?"),
    )


def grid_field_name(theme_id: int, year: int) -> str:
    return f"regel_{theme_id}_{year}"


class BudgetStepForm(StepForm):
    """The requested amount and one amount box per theme per year of the call; an empty box is no line."""

    requested_amount = NeededAmountField(
        label=_("Aangevraagd bedrag"),
        help_text=_("In euro, bijvoorbeeld 250000 of 250.000,50. De begroting hieronder telt op tot dit bedrag."),
    )

    def __init__(self, *args, themes, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes, self.years = list(themes), list(years)
        for theme in self.themes:
            for year in self.years:
                self.fields[grid_field_name(theme.pk, year)] = AmountField(
                    label=_("%(theme)s, %(year)s") % {"theme": theme.name, "year": year}, required=False
                )

    def grid(self) -> list[tuple]:
        """Rows of (theme, [bound field per year]) for the template's table."""
        return [(theme, [self[grid_field_name(theme.pk, year)] for year in self.years]) for theme in self.themes]

    def grid_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.fields if GRID_FIELD.match(name))


def posted_budget_lines(data, grid_names: list[str]) -> tuple[list[dict], list[str]]:
    """Every filled ``regel_<theme>_<year>`` box as a budget line, grid order first, and the box each line
    came from, so the service's errors (``lines.3.amount``) find their way back to the right box.

    Boxes outside the grid (a tampered form) are passed on too: the service refuses them with its message."""
    names = [n for n in grid_names if n in data] + sorted(
        n for n in data if GRID_FIELD.match(n) and n not in grid_names
    )
    lines, sources = [], []
    for name in names:
        value = (data.get(name) or "").strip()
        if not value:
            continue
        theme_id, year = GRID_FIELD.match(name).groups()
        try:
            amount = read_amount(value)
        except ValidationError:  # the box's own field has said why; a box outside the grid: the service
            amount = value
        lines.append({"theme": int(theme_id), "year": int(year), "amount": amount})
        sources.append(name)
    return lines, sources


class CofinancingStepForm(StepForm):
    cofinancing_amount = NeededAmountField(
        label=_("Cofinanciering"),
        help_text=_("De eigen bijdrage van de gemeente en partners, in euro. Vul 0 in als er geen is."),
    )
    cofinancing_sources = forms.CharField(
        max_length=textlimits.MESSAGE,
        label=_("Bronnen van de cofinanciering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wie draagt wat bij? Bijvoorbeeld: gemeentebegroting 2027, woningcorporatie."),
    )


class ConfirmForm(forms.Form):
    """A destructive step asks for a tick instead of a JavaScript dialog."""

    use_required_attribute = False
    confirm = forms.BooleanField(
        label=_("Ik weet het zeker"), error_messages={"required": _("Vink aan dat u het zeker weet.")}
    )


class WithdrawForm(ConfirmForm):
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        max_length=textlimits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Waarom trekt u de aanvraag in? Dit komt in de geschiedenis."),
    )


class InformationRequestForm(forms.Form):
    use_required_attribute = False
    message = forms.CharField(
        label=_("Welke informatie moet de gemeente aanvullen?"),
        max_length=textlimits.MESSAGE,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "De gemeente krijgt dit bericht per e-mail en kan de aanvraag daarna aanvullen en opnieuw indienen."
        ),
        error_messages={"required": _("Beschrijf welke informatie de gemeente moet aanvullen.")},
    )
    reply_by = forms.DateField(
        label=_("Aanvullen vóór"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("De termijn voor de gemeente (Awb 4:5); standaard twee weken. Staat in de e-mail."),
        error_messages={
            "invalid": _("Vul een datum in als jjjj-mm-dd."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reply_by"].initial = default_reply_by()


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle statussen"))] + [
            (value, label) for value, label in Status.choices if value != Status.DRAFT
        ]

    def chosen_status(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_bound and self.is_valid() else ""
