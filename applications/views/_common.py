"""Helpers shared by the pages of calls and applications: steps, problems, timeline, file responses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit_verbs import describe
from accounts.forms import add_service_errors
from accounts.permissions import is_officer, require
from accounts.workflow import TransitionNotAllowed
from applications import selectors, validation
from applications.models import CONTENT_FIELDS, Application, Status
from applications.permissions import can_view_application, is_officer_of


@dataclass(frozen=True)
class Step:
    slug: str
    label: str
    fields: tuple[str, ...]  # the keys of validation.submission_errors that this step resolves


STEPS = (
    Step("gebied", gettext_lazy("Gemeente en gebied"), ("title", "area_name")),
    Step("plan", gettext_lazy("Plan"), ("goals", "approach", "partners", "residents_involvement")),
    Step("begroting", gettext_lazy("Begroting"), ("requested_amount", "budget_lines")),
    Step("cofinanciering", gettext_lazy("Cofinanciering"), ("cofinancing_amount", "cofinancing_sources")),
    Step("bijlagen", gettext_lazy("Bijlagen"), ("attachments",)),
)


STEP_BY_SLUG = {step.slug: step for step in STEPS}


STEP_OF_FIELD = {field: step for step in STEPS for field in step.fields}


FIELD_ANCHORS = {"budget_lines": "begroting-tabel", "attachments": "verplichte-bijlagen"}


LINE_ERROR = re.compile(r"^lines\.(\d+)\.\w+$")


_DECIDED = gettext_lazy("Besluit genomen; de beschikking volgt")
# The municipality learns the outcome, and that there is one, from the letter (applications.visibility).
_AWAITING_LETTER = gettext_lazy("Wacht op de beschikking")


NEXT_STEP_OFFICER = {
    Status.DRAFT: gettext_lazy("Aanvullen en indienen"),
    Status.INFO_REQUESTED: gettext_lazy("Aanvullen en opnieuw indienen"),
    Status.SUBMITTED: gettext_lazy("Wacht op beoordeling"),
    Status.IN_REVIEW: gettext_lazy("Wordt beoordeeld"),
    Status.REVIEWED: gettext_lazy("Wacht op besluit"),
    Status.AWARDED: _AWAITING_LETTER,
    Status.PARTIALLY_AWARDED: _AWAITING_LETTER,
    Status.REJECTED: _AWAITING_LETTER,
    Status.LETTER_SENT: gettext_lazy("Beschikking verzonden"),
    Status.WITHDRAWN: gettext_lazy("Geen: de aanvraag is ingetrokken"),
}


NEXT_STEP_MINISTRY = {
    **NEXT_STEP_OFFICER,
    Status.SUBMITTED: gettext_lazy("In beoordeling nemen of om aanvulling vragen"),
    Status.INFO_REQUESTED: gettext_lazy("Wacht op aanvulling door de gemeente"),
    Status.IN_REVIEW: gettext_lazy("Beoordelen"),
    Status.REVIEWED: gettext_lazy("Verdelen en besluiten"),
    Status.AWARDED: _DECIDED,
    Status.PARTIALLY_AWARDED: _DECIDED,
    Status.REJECTED: _DECIDED,
}


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def _apply_errors(form, exc: ValidationError) -> None:
    """A service's field errors beside the fields of the form; the rest, and the hidden revision, at the top."""
    add_service_errors(form, exc, top=("revision",))


def _attempt(form, action, apply=_apply_errors) -> tuple[object, int | None]:
    """Call a service: (its result, None) when it worked; else (None, the status to render the form with),
    the refusal shown in the form, which keeps the person's input."""
    try:
        return action(), None
    except ValidationError as exc:
        apply(form, exc)
        return None, 200
    except TransitionNotAllowed as exc:  # includes ConcurrentEdit
        form.add_error(None, str(exc))
        return None, 409


def _visible_application(request, pk: int, *, parts: bool = True) -> Application:
    queryset = selectors.applications_for(request.user)
    if parts:
        queryset = selectors.application_with_parts(queryset)
    application = get_object_or_404(queryset, pk=pk)
    require(can_view_application(request.user, application), not_found=True)
    return application


def _person(user, viewer) -> str:
    """Officers see the ministry as an organisation, never the names of its staff."""
    if user is None:
        return _("systeem")
    if is_officer(viewer) and user.is_ministry:
        return settings.MINISTRY_NAME
    return user.display_name


def _may_edit(user, application: Application) -> bool:
    return is_officer_of(user, application) and application.is_editable


def _problems(application: Application) -> list[dict]:
    """What still blocks submission, each with the step (and field) where it is fixed, in step order."""
    problems = []
    for field, messages_ in validation.submission_errors(application, now=timezone.now()).items():
        step = STEP_OF_FIELD.get(field)
        url = None
        if step is not None:
            url = reverse("application_step", args=[application.pk, step.slug])
            url += "#" + FIELD_ANCHORS.get(field, f"id_{field}")
        order = STEPS.index(step) if step else -1
        problems += [{"message": message, "step": step, "url": url, "order": order} for message in messages_]
    return sorted(problems, key=lambda problem: problem["order"])


def _step_navigation(application: Application, current: str, problems: list[dict]) -> list[dict]:
    open_steps = {problem["step"].slug for problem in problems if problem["step"] is not None}
    items = [
        {
            "number": index,
            "label": step.label,
            "current": step.slug == current,
            "done": step.slug not in open_steps,
            "url": reverse("application_step", args=[application.pk, step.slug]),
        }
        for index, step in enumerate(STEPS, start=1)
    ]
    items.append(
        {
            "number": len(STEPS) + 1,
            "label": _("Controleren en indienen"),
            "done": False,
            "current": current == "check",
            "url": reverse("application_check", args=[application.pk]),
        }
    )
    return items


def _application_context(request, application: Application) -> dict:
    viewer = request.user
    open_request = None
    if application.status == Status.INFO_REQUESTED:
        unanswered = (r for r in application.information_requests.all() if r.answered_at is None)
        open_request = next(unanswered, None)
    return {
        "application": application,
        "last_editor": _person(application.updated_by, viewer),
        "open_request": open_request,
        "open_request_by": _person(open_request.requested_by, viewer) if open_request else "",
        "may_edit": _may_edit(viewer, application),
    }


def _budget_table(application: Application) -> dict:
    return selectors.budget_table(application)


def _cofinancing_facts(application: Application) -> dict:
    minimum_pct, requested = application.call.min_cofinancing_pct, application.requested_amount
    pct = application.cofinancing_pct
    minimum = (requested * minimum_pct / 100).quantize(Decimal("0.01")) if requested else None
    return {
        "minimum_pct": minimum_pct,
        "pct": pct,
        "meets_minimum": pct is not None and pct >= minimum_pct,
        "minimum_amount": minimum,
    }


def _timeline(application: Application, viewer) -> list[dict]:
    entries = []
    for entry in selectors.timeline(application, viewer=viewer):
        data, verb = entry.data or {}, entry.verb
        previous = (data.get("before") or {}).get("status")
        if (verb == "application.submitted" and previous == Status.INFO_REQUESTED) or (
            verb == "application.information_answered"
        ):
            verb = "application.resubmitted"
        changed = data.get("after") or {}
        fields = ", ".join(
            str(Application._meta.get_field(name).verbose_name) for name in CONTENT_FIELDS if name in changed
        )
        text = describe(verb, who=entry.who, data=data, target=application.reference, fields=fields)
        entries.append(
            {
                "when": entry.when,
                "text": text,
                "detail": data.get("message") or data.get("reason") or "",
            }
        )
    return entries
