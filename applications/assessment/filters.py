"""The filters of a call's assessment overview: status, signal and municipality, read from the query string.

Parsed with a form for validation, but the page writes the selects itself (a loop over a short list), so that
the overview never goes through the form renderer."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from applications.models import ASSIGNABLE_STATES, Application, Status

SIGNALS = [
    ("conflict", _("belangenconflict")),
    ("spread", _("grote spreiding")),
    ("missing", _("te weinig beoordelaars")),
    ("below_minimum", _("onder het minimum")),
]
ASSESSMENT_STATUSES = [
    (value, label) for value, label in Status.choices if value not in (Status.DRAFT, Status.WITHDRAWN)
]


class AssessmentFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", ""), *ASSESSMENT_STATUSES], required=False)
    signaal = forms.ChoiceField(choices=[("", ""), *SIGNALS], required=False)
    gemeente = forms.IntegerField(required=False, min_value=1)


@dataclass(frozen=True)
class AssessmentFilter:
    status: str = ""
    signal: str = ""
    municipality: int | None = None

    @classmethod
    def from_query(cls, query) -> AssessmentFilter:
        """Unknown or malformed values are ignored (the whole list is shown), never an error."""
        form = AssessmentFilterForm(query)
        if not form.is_valid():
            cleaned = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
        else:
            cleaned = form.cleaned_data
        return cls(
            status=cleaned.get("status") or "",
            signal=cleaned.get("signaal") or "",
            municipality=cleaned.get("gemeente"),
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.signal or self.municipality)

    def query(self) -> str:
        """The filter as a query string for the pagination links (empty values left out)."""
        from urllib.parse import urlencode

        pairs = [("status", self.status), ("signaal", self.signal), ("gemeente", self.municipality or "")]
        return urlencode([(key, value) for key, value in pairs if value])

    def apply(self, applications: QuerySet[Application], *, wanted: int, spread: set[int]) -> QuerySet[Application]:
        """``applications`` comes from ``call_overview`` (annotated with the reviewer and conflict counts)."""
        if self.status:
            applications = applications.filter(status=self.status)
        if self.municipality:
            applications = applications.filter(municipality_id=self.municipality)
        if self.signal == "conflict":
            applications = applications.filter(conflicts__gt=0)
        elif self.signal == "spread":
            applications = applications.filter(pk__in=spread)
        elif self.signal == "missing":
            applications = applications.filter(missing_filter(wanted))
        elif self.signal == "below_minimum":
            applications = applications.filter(points__meets_minimum=False)
        return applications


def missing_filter(wanted: int) -> Q:
    """Applications that can still get reviewers and have fewer active ones than the call wants."""
    return Q(status__in=ASSIGNABLE_STATES, active_reviewers__lt=wanted)
