"""An application's own assessment page for the administrator: its reviewers, ended assignments, and the forms
that act on them (assign by hand, unassign with a reason, reopen a submitted review with a reason). Each action
returns here; a form with errors is shown in its place on this page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import selectors
from applications.assessment import points
from applications.assessment import selectors as assessment_selectors
from applications.assessment import services as assessment
from applications.assessment.forms import AssignReviewerForm, ReasonForm
from applications.assessment.views._common import REOPENABLE_STATES, _review_of, review_state
from applications.assessment.views.call_assessment import spread_flags
from applications.models import ASSIGNABLE_STATES, Application, Review, ReviewAssignment
from applications.permissions import can_assign_reviewers, can_reopen_review, can_view_application


def _unassign_form(assignment: ReviewAssignment, data=None) -> ReasonForm:
    return ReasonForm(data, prefix=f"intrek{assignment.pk}", label=_("Reden van intrekken"))


def _reopen_form(assignment: ReviewAssignment, data=None) -> ReasonForm:
    return ReasonForm(data, prefix=f"heropen{assignment.pk}", label=_("Reden van heropenen"))


def _admin_application(request, pk: int) -> Application:
    """An application the administrator acts on: invisible is a 404, another role a 403."""
    application = get_object_or_404(
        selectors.applications_for(request.user)
        .select_related("call", "municipality", "points")
        .prefetch_related(
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer", "review"))
        ),
        pk=pk,
    )
    require(can_view_application(request.user, application), not_found=True)
    require(can_assign_reviewers(request.user))
    return application


def _admin_assignment(request, pk: int) -> ReviewAssignment:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related("application__call", "reviewer", "review"), pk=pk
    )
    require(can_view_application(request.user, assignment.application), not_found=True)
    require(can_assign_reviewers(request.user))
    return assignment


def _back(application: Application):
    return redirect(reverse("application_assessment", args=[application.pk]))


def _assign_form(application: Application, pool, data=None) -> AssignReviewerForm:
    return AssignReviewerForm(
        data,
        prefix=f"toewijzen{application.pk}",
        available=assessment_selectors.assignable(application, pool),
        loads={r.pk: r.load for r in pool},
    )


def _render(request, application: Application, *, bound: tuple[str, int, object] | None = None, status=200):
    """``bound`` is (kind, object id, form) of a form that came back with errors, shown in its place."""

    def form_for(kind: str, pk: int, factory):
        if bound and bound[0] == kind and bound[1] == pk:
            return bound[2]
        return factory()

    active, ended = [], []
    for assignment in application.assignments.all():
        review = _review_of(assignment)
        item = {"assignment": assignment, "review": review, "state": review_state(review, assignment)}
        if assignment.active:
            submitted = review is not None and review.status == Review.Status.SUBMITTED
            if submitted and application.status in REOPENABLE_STATES:
                item["reopen_form"] = form_for("reopen", assignment.pk, lambda a=assignment: _reopen_form(a))
            if not submitted:
                item["unassign_form"] = form_for("unassign", assignment.pk, lambda a=assignment: _unassign_form(a))
            active.append(item)
        else:
            ended.append(item)
    assign_form, available = None, 0
    if application.status in ASSIGNABLE_STATES:
        pool = assessment_selectors.reviewer_pool()
        assign_form = form_for("assign", application.pk, lambda: _assign_form(application, pool))
        available = len(assessment_selectors.assignable(application, pool))
    settings = points.assessment_settings(application.call)
    wanted = settings.reviewers_per_application
    flagged = spread_flags(application.call, settings.spread_threshold, application_ids=[application.pk])
    active_count = len(active)
    context = {
        "application": application,
        "call": application.call,
        "active": active,
        "ended": ended,
        "assign_form": assign_form,
        "available_count": available,
        "missing": max(0, wanted - active_count) if assign_form is not None else 0,
        "stored": getattr(application, "points", None),
        "spread": application.pk in flagged,
        "error_forms": [bound[2]] if bound else [],  # the form that came back, in the page's one summary
    }
    return render(request, "applications/review/application_assessment.html", context, status=status)


@login_required
@require_GET
def application_assessment(request, pk: int):
    return _render(request, _admin_application(request, pk))


@login_required
@require_POST
def assign_reviewer(request, pk: int):
    application = _admin_application(request, pk)
    form = _assign_form(application, assessment_selectors.reviewer_pool(), request.POST)
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            assessment.assign_reviewer(application=application, reviewer=reviewer, by=request.user)
        except ValidationError as exc:
            form.add_error("reviewer", exc.messages)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _back(application)
        else:
            messages.success(
                request,
                _("%(name)s is toegewezen aan %(reference)s.")
                % {"name": reviewer.display_name, "reference": application.reference},
            )
            return _back(application)
    return _render(request, application, bound=("assign", application.pk, form))


@login_required
@require_POST
def review_unassign(request, pk: int):
    assignment = _admin_assignment(request, pk)
    application = assignment.application
    form = _unassign_form(assignment, request.POST)
    if form.is_valid():
        try:
            assessment.unassign(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"])
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("De toewijzing van %(name)s aan %(reference)s is ingetrokken.")
                % {"name": assignment.reviewer.display_name, "reference": application.reference},
            )
        return _back(application)
    return _render(request, _admin_application(request, application.pk), bound=("unassign", assignment.pk, form))


@login_required
@require_POST
def review_reopen(request, pk: int):
    assignment = _admin_assignment(request, pk)
    require(can_reopen_review(request.user))
    application = assignment.application
    review = _review_of(assignment)
    form = _reopen_form(assignment, request.POST)
    if review is None:
        messages.error(request, _("Alleen een ingediende beoordeling kan worden heropend."))
        return _back(application)
    if form.is_valid():
        try:
            assessment.reopen_review(review=review, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _back(application)
        else:
            messages.success(
                request,
                _(
                    "De beoordeling van %(name)s voor %(reference)s is heropend; de "
                    "beoordelaar kan haar weer aanpassen en opnieuw indienen."
                )
                % {"name": assignment.reviewer.display_name, "reference": application.reference},
            )
            return _back(application)
    return _render(request, _admin_application(request, application.pk), bound=("reopen", assignment.pk, form))
