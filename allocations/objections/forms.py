"""Forms of the objection pages. They parse what a person typed (Dutch dates); whether it holds is for the
services to say, beside the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import textlimits
from accounts.models import Municipality
from allocations.objections import deadlines
from allocations.objections.models import CaseOutcome, Channel, WaiverGround

DATE_HELP = _("Schrijf de datum als dd-mm-jjjj.")


def _date(label, *, required: bool = True, help_text=DATE_HELP) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"autocomplete": "off", "inputmode": "numeric", "size": 10}),
    )


def _text(label, limit: int, *, required: bool = True, rows: int = 4, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class LodgeForm(forms.Form):
    """The officer's objection in the portal (Awb 6:5: the portal adds name, address, date and decision)."""

    grounds = _text(
        _("Gronden van het bezwaar"),
        textlimits.CONTENT,
        required=False,
        rows=10,
        help_text=_("Waarom is de gemeente het niet eens met de beschikking? Maximaal 10.000 tekens."),
    )
    pro_forma = forms.BooleanField(
        label=_("Pro forma: de gronden volgen later"),
        required=False,
        help_text=_("U krijgt dan een termijn om de gronden aan te vullen (Awb 6:6)."),
    )


class RegisterForm(forms.Form):
    """An objection that came by post or e-mail, registered by the ministry."""

    decision = forms.CharField(label=_("Beschikkingsnummer"), max_length=40)
    objector = forms.ModelChoiceField(
        label=_("Indiener"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("— de gemeente van de beschikking —"),
    )
    channel = forms.ChoiceField(label=_("Ontvangen via"), choices=Channel.choices)
    received_on = _date(_("Ontvangen op"))
    posted_on = _date(
        _("Datum poststempel"), required=False, help_text=_("Alleen bij post (Awb 6:9 lid 2). Schrijf dd-mm-jjjj.")
    )
    grounds = _text(_("Gronden van het bezwaar"), textlimits.CONTENT, required=False, rows=8)
    pro_forma = forms.BooleanField(label=_("Pro forma: de gronden volgen later"), required=False)
    advisory_committee = forms.BooleanField(
        label=_("Een adviescommissie hoort het bezwaar (Awb 7:13)"),
        required=False,
        help_text=_("De beslistermijn is dan twaalf weken in plaats van zes."),
    )


class RepairForm(forms.Form):
    missing = _text(_("Wat ontbreekt"), textlimits.REASON, help_text=_("Wat Awb 6:5 vraagt en er niet is."))
    deadline = _date(_("Laatste dag van de hersteltermijn"))


class EndRepairForm(forms.Form):
    repaired = forms.TypedChoiceField(
        label=_("Afloop"),
        choices=[("yes", _("Het verzuim is hersteld")), ("no", _("De termijn is ongebruikt verstreken"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    on = _date(_("Hersteld op"), required=False)
    grounds = _text(
        _("Aangevulde gronden"),
        textlimits.CONTENT,
        required=False,
        help_text=_("Bij een pro-formabezwaar: de gronden die binnenkwamen."),
    )


class HearingForm(forms.Form):
    on = _date(_("Datum hoorzitting"))
    invited = forms.ModelMultipleChoiceField(
        label=_("Belanghebbenden uitnodigen"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Gemeenten uit dezelfde verdeling van wie de toekenning kan veranderen. De indiener wordt altijd "
            "uitgenodigd."
        ),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited"].queryset = Municipality.objects.filter(pk__in=[m.pk for m in candidates]).order_by(
            "name"
        )


class HeldForm(forms.Form):
    held_on = _date(_("Gehoord op"))
    notes = _text(_("Verslag (samenvatting)"), textlimits.MESSAGE, required=False)


class WaiverForm(forms.Form):
    ground = forms.ChoiceField(label=_("Grond (Awb 7:3)"), choices=WaiverGround.choices, widget=forms.RadioSelect)
    reason = _text(_("Toelichting"), textlimits.REASON)


class PostponeForm(forms.Form):
    weeks = forms.IntegerField(label=_("Verdagen met (weken)"), min_value=1, max_value=deadlines.MAX_POSTPONEMENT_WEEKS)
    reason = _text(_("Reden van verdaging"), textlimits.REASON)


class CommitteeForm(forms.Form):
    committee = forms.BooleanField(label=_("Een adviescommissie hoort het bezwaar (Awb 7:13)"), required=False)


class TimelinessForm(forms.Form):
    timely = forms.TypedChoiceField(
        label=_("Vaststelling"),
        choices=[("yes", _("Tijdig (of verschoonbaar te laat, Awb 6:11)")), ("no", _("Te laat"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = _text(_("Reden"), textlimits.REASON)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[(value, label) for value, label in CaseOutcome.choices if value != CaseOutcome.WITHDRAWN],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Motivering"), textlimits.MESSAGE)
