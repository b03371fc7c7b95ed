"""The points breakdown of an application, for administrators, and recomputing it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import selectors
from applications.assessment import points
from applications.assessment import services as assessment
from applications.assessment.selectors import (
    reviews_visible_to,
)
from applications.assessment.views._common import review_state
from applications.models import (
    Application,
    Review,
    Status,
)
from applications.permissions import (
    can_assign_reviewers,
    can_view_application,
    can_view_points,
)


def _points_application(request, pk: int) -> Application:
    application = get_object_or_404(selectors.applications_for(request.user), pk=pk)
    require(can_view_application(request.user, application), not_found=True)
    require(can_view_points(request.user))
    return application


def _render_points(request, application: Application):
    settings = points.assessment_settings(application.call)
    shown = points.current(application)
    parts = {
        "reviewer": shown.reviewer_score,
        "need": shown.need_score,
        "bonus": shown.bonus_score,
        "total": shown.total,
    }
    reviews = list(reviews_visible_to(request.user, application))
    active = [r for r in reviews if r.assignment.active]
    return render(
        request,
        "applications/review/application_points.html",
        {
            "submitted_count": sum(1 for r in active if r.status == Review.Status.SUBMITTED),
            "wanted": settings.reviewers_per_application,
            "application": application,
            "settings": settings,
            "stored": None if shown.provisional else shown,
            "provisional": shown.provisional,
            "rows": shown.by_kind(),
            "parts": parts,
            "meets_minimum": shown.meets_minimum,
            "minimum_reason": shown.minimum_reason,
            "has_minimum": settings.min_reviewer_score is not None or settings.min_total_points is not None,
            "spread": shown.spread_flagged,
            "reviews": [
                {
                    "review": r,
                    "state": review_state(r),
                    "scores": sorted(r.scores.all(), key=lambda s: (s.criterion.order, s.criterion.pk)),
                }
                for r in reviews
            ],
            "may_recompute": application.status == Status.REVIEWED,
        },
    )


@login_required
@require_GET
def application_points(request, pk: int):
    return _render_points(request, _points_application(request, pk))


@login_required
@require_POST
def points_recompute(request, pk: int):
    application = _points_application(request, pk)
    require(can_assign_reviewers(request.user))
    try:
        stored = assessment.recompute_points(application=application, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("De punten zijn opnieuw berekend. Het totaal is nu %(total)s punten.")
            % {"total": points.format_points(stored.total)},
        )
    return redirect("application_points", pk=application.pk)
