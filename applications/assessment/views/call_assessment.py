"""The administrator's assessment page per call: one page of the applications (filtered by status, signal and
municipality) with their reviewers and signals, and balanced assignment. Assigning by hand, unassigning and
reopening live on the application's own assessment page (``application_assessment``), so that this overview
renders no form per row."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import add_service_errors
from accounts.models import Municipality
from accounts.permissions import require
from applications import selectors
from applications.assessment import points, scoring
from applications.assessment import selectors as assessment_selectors
from applications.assessment import services as assessment
from applications.assessment.filters import ASSESSMENT_STATUSES, SIGNALS, AssessmentFilter
from applications.assessment.forms import AutoAssignForm
from applications.assessment.selectors import call_overview, conflicts, criteria_of
from applications.assessment.views._common import _review_of, review_state
from applications.models import ASSIGNABLE_STATES, BonusRule, NeedBand, Review, ReviewScore
from applications.permissions import can_assign_reviewers

PAGE_SIZE = 50


def spread_flags(call, threshold: Decimal | None, *, application_ids=None) -> set[int]:
    """Applications (of the call, or only those of ``application_ids``) whose submitted reviews so far differ
    by more than the threshold on a criterion."""
    reviews = Review.objects.counting().filter(assignment__application__call=call)
    if application_ids is not None:
        reviews = reviews.filter(assignment__application_id__in=list(application_ids))
    scores: dict[int, dict[int, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for application_id, criterion_id, score in ReviewScore.objects.filter(
        review__in=reviews,
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


def _row(application, *, wanted: int, flagged: set[int]) -> dict:
    reviewers = []
    for assignment in application.assignments.all():
        if assignment.active:
            review = _review_of(assignment)
            reviewers.append(
                {"name": assignment.reviewer.display_name, "state": review_state(review, assignment), "review": review}
            )
    assignable = application.status in ASSIGNABLE_STATES
    return {
        "application": application,
        "reviewers": reviewers,
        "missing": max(0, wanted - application.active_reviewers) if assignable else 0,
        "spread": application.pk in flagged,
        "stored": getattr(application, "points", None),
    }


def _render_call_assessment(request, call, *, auto_form: AutoAssignForm | None = None, auto_result=None):
    settings = points.assessment_settings(call)
    wanted = settings.reviewers_per_application
    chosen = AssessmentFilter.from_query(request.GET)
    # The spread of the whole call only to filter on it; otherwise only of the applications on this page.
    flagged = spread_flags(call, settings.spread_threshold) if chosen.signal == "spread" else set()
    everything = call_overview(call)
    page = Paginator(chosen.apply(everything, wanted=wanted, spread=flagged), PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    if chosen.signal != "spread":
        flagged = spread_flags(call, settings.spread_threshold, application_ids=[a.pk for a in page])
    context = {
        "call": call,
        "settings": settings,
        "criteria": list(criteria_of(call)),
        "need_bands": list(NeedBand.objects.filter(call=call).select_related("indicator")),
        "bonus_rules": list(BonusRule.objects.filter(call=call).select_related("network")),
        "page": page,
        "rows": [_row(application, wanted=wanted, flagged=flagged) for application in page],
        "total": assessment_selectors.in_assessment(call).count(),
        "shortfall_count": assessment_selectors.short_of_reviewers(call, wanted).count(),
        "filter": chosen,
        "filter_query": chosen.query(),
        "statuses": ASSESSMENT_STATUSES,
        "signals": SIGNALS,
        "municipalities": list(
            Municipality.objects.filter(applications__in=assessment_selectors.in_assessment(call).values("pk"))
            .distinct()
            .order_by("name")
        ),
        "conflicts": list(conflicts(call)),
        "pool_size": assessment_selectors.reviewer_pool_size(),
        "auto_form": auto_form or AutoAssignForm(prefix="automatisch", initial={"per_application": wanted}),
        "auto_result": auto_result,
        "error_forms": [auto_form],
    }
    return render(request, "applications/review/call_assessment.html", context)


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
