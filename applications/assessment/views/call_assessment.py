"""The administrator's assessment page per call: assigning (by hand or balanced), unassigning, reopening."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import selectors
from applications.assessment import points, scoring
from applications.assessment import selectors as assessment_selectors
from applications.assessment import services as assessment
from applications.assessment.forms import (
    AssignReviewerForm,
    AutoAssignForm,
    ReasonForm,
)
from applications.assessment.selectors import (
    call_overview,
    conflicts,
    criteria_of,
)
from applications.assessment.views._common import (
    REOPENABLE_STATES,
    _review_of,
    review_state,
)
from applications.models import (
    Application,
    BonusRule,
    NeedBand,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from applications.permissions import (
    can_assign_reviewers,
    can_reopen_review,
    can_view_application,
)


def _spread_flags(call, threshold: Decimal | None) -> set[int]:
    """Applications whose submitted reviews so far differ by more than the threshold on a criterion."""
    scores: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for application_id, criterion_id, score in ReviewScore.objects.filter(
        review__in=Review.objects.counting().filter(assignment__application__call=call),
        score__isnull=False,
    ).values_list("review__assignment__application_id", "criterion_id", "score"):
        scores[application_id][criterion_id].append(Decimal(score))
    flagged = set()
    for application_id, by_criterion in scores.items():
        criteria = [
            scoring.CriterionScores(key=str(cid), name="", weight=Decimal(1), scores=tuple(values))
            for cid, values in by_criterion.items()
        ]
        if scoring.spread_flags(criteria, threshold):
            flagged.add(application_id)
    return flagged


def _assessment_call(request, pk: int):
    call = get_object_or_404(selectors.calls_for(request.user), pk=pk)
    require(can_assign_reviewers(request.user))
    return call


def _unassign_form(assignment: ReviewAssignment, data=None) -> ReasonForm:
    return ReasonForm(data, prefix=f"intrek{assignment.pk}", label=_("Reden van intrekken"))


def _reopen_form(assignment: ReviewAssignment, data=None) -> ReasonForm:
    return ReasonForm(data, prefix=f"heropen{assignment.pk}", label=_("Reden van heropenen"))


def _render_call_assessment(
    request,
    call,
    *,
    bound: tuple[str, int, object] | None = None,
    auto_form: AutoAssignForm | None = None,
    auto_result=None,
    status: int = 200,
):
    """``bound`` is (kind, object id, form) of a form that came back with errors, shown in its place."""
    settings = points.assessment_settings(call)
    applications = list(call_overview(call))
    pool = assessment_selectors.reviewer_pool()
    loads = {r.pk: r.load for r in pool}
    flagged = _spread_flags(call, settings.spread_threshold)
    wanted = settings.reviewers_per_application

    def form_for(kind: str, pk: int, factory):
        if bound and bound[0] == kind and bound[1] == pk:
            return bound[2]
        return factory()

    rows = []
    for application in applications:
        assignments = list(application.assignments.all())
        active, ended = [], []
        for assignment in assignments:
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
        assignable = application.status in assessment.ASSIGNABLE_STATES
        assign_form, available = None, []
        if assignable:
            available = assessment_selectors.assignable(application, pool)
            assign_form = form_for(
                "assign",
                application.pk,
                lambda a=application, av=available: AssignReviewerForm(
                    prefix=f"toewijzen{a.pk}", available=av, loads=loads
                ),
            )
        rows.append(
            {
                "application": application,
                "active": active,
                "ended": ended,
                "assignable": assignable,
                "missing": max(0, wanted - application.active_reviewers) if assignable else 0,
                "spread": application.pk in flagged,
                "assign_form": assign_form,
                "available_count": len(available),
                "stored": getattr(application, "points", None),
            }
        )
    context = {
        "call": call,
        "settings": settings,
        "criteria": list(criteria_of(call)),
        "need_bands": list(NeedBand.objects.filter(call=call).select_related("indicator")),
        "bonus_rules": list(BonusRule.objects.filter(call=call).select_related("network")),
        "rows": rows,
        "conflicts": list(conflicts(call)),
        "pool_size": len(pool),
        "auto_form": auto_form or AutoAssignForm(prefix="automatisch", initial={"per_application": wanted}),
        "auto_result": auto_result,
        "shortfall_count": sum(1 for row in rows if row["missing"]),
    }
    return render(request, "applications/review/call_assessment.html", context, status=status)


@login_required
@require_GET
def call_assessment(request, pk: int):
    return _render_call_assessment(request, _assessment_call(request, pk))


@login_required
@require_POST
def call_auto_assign(request, pk: int):
    call = _assessment_call(request, pk)
    form = AutoAssignForm(request.POST, prefix="automatisch")
    result = None
    if form.is_valid():
        try:
            result = assessment.auto_assign(
                call=call, by=request.user, per_application=form.cleaned_data["per_application"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if result is not None:
        # Shown on the page itself (not after a redirect), so the shortfalls stay in view; running it again
        # assigns nothing more, so a reload does no harm.
        references = {a.application_id: a.application.reference for a in result.assignments}
        result = {
            "count": len(result.assignments),
            "applications": len(references),
            "shortfalls": sorted(result.shortfalls.items()),
            "per_application": form.cleaned_data["per_application"],
        }
        form = None
    return _render_call_assessment(request, call, auto_form=form, auto_result=result)


def _admin_application(request, pk: int) -> Application:
    """An application the administrator acts on: invisible is a 404, another role a 403."""
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
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


def _back_to_call(application: Application):
    return redirect(reverse("call_assessment", args=[application.call_id]) + f"#aanvraag-{application.pk}")


@login_required
@require_POST
def assign_reviewer(request, pk: int):
    application = _admin_application(request, pk)
    pool = assessment_selectors.reviewer_pool()
    form = AssignReviewerForm(
        request.POST,
        prefix=f"toewijzen{application.pk}",
        available=assessment_selectors.assignable(application, pool),
        loads={r.pk: r.load for r in pool},
    )
    if form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        try:
            assessment.assign_reviewer(application=application, reviewer=reviewer, by=request.user)
        except ValidationError as exc:
            form.add_error("reviewer", exc.messages)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _back_to_call(application)
        else:
            messages.success(
                request,
                _("%(name)s is toegewezen aan %(reference)s.")
                % {"name": reviewer.display_name, "reference": application.reference},
            )
            return _back_to_call(application)
    return _render_call_assessment(request, application.call, bound=("assign", application.pk, form))


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
        return _back_to_call(application)
    return _render_call_assessment(request, application.call, bound=("unassign", assignment.pk, form))


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
        return _back_to_call(application)
    if form.is_valid():
        try:
            assessment.reopen_review(review=review, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.messages)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _back_to_call(application)
        else:
            messages.success(
                request,
                _(
                    "De beoordeling van %(name)s voor %(reference)s is heropend; de "
                    "beoordelaar kan haar weer aanpassen en opnieuw indienen."
                )
                % {"name": assignment.reviewer.display_name, "reference": application.reference},
            )
            return _back_to_call(application)
    return _render_call_assessment(request, application.call, bound=("reopen", assignment.pk, form))
