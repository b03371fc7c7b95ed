"""Forms for the assessment pages. They parse what a reviewer or administrator posted; whether a score,
a reviewer or a reason is acceptable is for the services in applications/assessment.py to say, and
their errors ("scores.<criterion id>.score") find their way back to the right field here."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import textlimits
from accounts.models import Role, User
from applications.forms import NeededCharField

SERVICE_KEY = re.compile(r"^scores\.(\d+)(?:\.(score|motivation))?$")
# A scale up to this many points is shown as radio buttons; a longer one as a select.
MAX_RADIOS = 11


def score_field_name(criterion_id: int) -> str:
    return f"score_{criterion_id}"


def motivation_field_name(criterion_id: int) -> str:
    return f"motivering_{criterion_id}"


class ScoringForm(forms.Form):
    """A score and a motivation per criterion of the call, an overall comment, and the tick that confirms
    a submission. Every field may stay empty in a draft; submit_review says what is still missing."""

    use_required_attribute = False

    overall_comment = forms.CharField(
        max_length=textlimits.CONTENT,
        label=_("Algemene toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Uw samenvattende oordeel over de aanvraag."),
    )
    confirm = forms.BooleanField(
        label=_("Ik heb alles ingevuld; na indienen kan ik niet meer wijzigen"),
        required=False,
    )

    def __init__(self, *args, criteria, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.submitting = submitting
        for criterion in self.criteria:
            values = range(criterion.scale_min, criterion.scale_max + 1)
            choices = [(str(value), str(value)) for value in values]
            radios = len(choices) <= MAX_RADIOS
            if radios and not criterion.required:
                choices.append(("", _("Geen score")))  # a chosen radio button cannot be cleared otherwise
            elif not radios:
                choices.insert(0, ("", _("— kies een score —") if criterion.required else _("Geen score")))
            widget = forms.RadioSelect(attrs={"class": "nplv-scale"}) if radios else forms.Select()
            # A required criterion's score is needed to submit, not to save a draft (NeededCharField).
            score_class = NeededCharField if criterion.required else forms.CharField
            self.fields[score_field_name(criterion.pk)] = score_class(
                label=_("Score"),
                required=criterion.required,
                widget=widget,
                help_text=_("Van %(min)s (laagst) tot en met %(max)s (hoogst).")
                % {"min": criterion.scale_min, "max": criterion.scale_max},
            )
            self.fields[score_field_name(criterion.pk)].widget.choices = choices
            self.fields[motivation_field_name(criterion.pk)] = NeededCharField(
                max_length=textlimits.MESSAGE,
                label=_("Motivering"),
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Waarop baseert u deze score? Nodig voor elke score die u geeft."),
            )
        # The overall comment and the tick come after the criteria.
        self.order_fields(
            [name for name in self.fields if name not in ("overall_comment", "confirm")]
            + ["overall_comment", "confirm"]
        )

    def clean(self):
        cleaned = super().clean()
        if self.submitting and not cleaned.get("confirm"):
            self.add_error("confirm", _("Vink aan dat u alles heeft ingevuld voordat u de beoordeling indient."))
        return cleaned

    def scores(self) -> dict[int, dict]:
        """What save_review takes: {criterion id: {"score", "motivation"}}."""
        return {
            criterion.pk: {
                "score": self.cleaned_data.get(score_field_name(criterion.pk)) or None,
                "motivation": self.cleaned_data.get(motivation_field_name(criterion.pk), ""),
            }
            for criterion in self.criteria
        }

    def blocks(self) -> list[dict]:
        """Per criterion its bound fields, for the template."""
        return [
            {
                "criterion": criterion,
                "score": self[score_field_name(criterion.pk)],
                "motivation": self[motivation_field_name(criterion.pk)],
            }
            for criterion in self.criteria
        ]

    def apply_service_errors(self, exc: ValidationError) -> None:
        """``scores.<id>.score`` beside the score of that criterion, ``scores.<id>.motivation`` beside its
        motivation, anything else at the top."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            match = SERVICE_KEY.match(key)
            name = None
            if match:
                criterion_id, part = int(match.group(1)), match.group(2)
                name = motivation_field_name(criterion_id) if part == "motivation" else score_field_name(criterion_id)
            elif key == "overall_comment":
                name = key
            self.add_error(name if name in self.fields else None, messages)

    @staticmethod
    def initial_from(review) -> dict:
        """The saved draft (or submitted review) as the form's initial values."""
        if review is None:
            return {}
        initial = {"overall_comment": review.overall_comment}
        for score in review.scores.all():
            initial[score_field_name(score.criterion_id)] = "" if score.score is None else str(score.score)
            initial[motivation_field_name(score.criterion_id)] = score.motivation
        return initial


class ConflictForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(
        label=_("Reden van het belangenconflict"),
        max_length=textlimits.REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bijvoorbeeld: ik heb gewerkt bij deze gemeente, of een naaste is er betrokken. Een "
            "beheerder ziet deze reden en wijst de aanvraag aan iemand anders toe."
        ),
        error_messages={"required": _("Beschrijf het belangenconflict.")},
    )


class ReasonForm(forms.Form):
    """Unassigning a reviewer or reopening a review: the reason goes into the audit trail."""

    use_required_attribute = False
    reason = forms.CharField(
        label=_("Reden"), max_length=textlimits.REASON, error_messages={"required": _("Geef een reden op.")}
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class AssignReviewerForm(forms.Form):
    """The select shows the reviewers who may still be assigned; any active reviewer is accepted here, so
    that the service explains why a particular one may not (linked to the municipality, a conflict)."""

    use_required_attribute = False
    reviewer = forms.ModelChoiceField(
        label=_("Beoordelaar"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Kies een beoordelaar."),
            "invalid_choice": _("Kies een actieve beoordelaar uit de lijst."),
        },
    )

    def __init__(self, *args, available=(), loads: dict[int, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reviewer"]
        field.queryset = User.objects.filter(role=Role.REVIEWER, is_active=True)
        loads = loads or {}
        field.widget.choices = [("", _("— kies een beoordelaar —"))] + [
            (
                reviewer.pk,
                ngettext(
                    "%(name)s (%(count)s actieve toewijzing)",
                    "%(name)s (%(count)s actieve toewijzingen)",
                    loads.get(reviewer.pk, 0),
                )
                % {"name": reviewer.display_name, "count": loads.get(reviewer.pk, 0)},
            )
            for reviewer in available
        ]


class AutoAssignForm(forms.Form):
    use_required_attribute = False
    per_application = forms.IntegerField(
        label=_("Beoordelaars per aanvraag"),
        min_value=1,
        max_value=20,
        help_text=_("Aanvragen die al beoordelaars hebben, krijgen er alleen bij tot dit aantal."),
        error_messages={
            "required": _("Geef het aantal beoordelaars per aanvraag."),
            "min_value": _("Kies minstens één beoordelaar per aanvraag."),
            "invalid": _("Vul een heel getal in."),
        },
    )
