"""Queries for the assessment, scoped to the caller: a reviewer's queue, the reviews a person may see
(never another reviewer's scores before one's own are in), and the overview per call."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts.models import User
from accounts.permissions import is_administrator, is_reviewer
from applications.models import (
    ASSIGNABLE_STATES,
    Application,
    Call,
    Criterion,
    PointsBreakdown,
    PointsComponent,
    Review,
    ReviewAssignment,
    ReviewScore,
    Status,
)


def reviewer_queue(reviewer: User) -> QuerySet[ReviewAssignment]:
    """The reviewer's active assignments, open reviews first."""
    if not is_reviewer(reviewer):
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=reviewer, active=True)
        .select_related("application__call__assessment", "application__municipality", "review")
        .order_by(
            F("review__status").asc(nulls_first=True),  # not started (no review yet), then drafts, then done
            F("application__call__assessment__review_deadline").asc(nulls_last=True),
            "assigned_at",
        )
    )


def reviewer_queue_rows(reviewer: User) -> QuerySet[ReviewAssignment]:
    """The queue as the pages show it: only the columns of the table, not the applications' texts."""
    return reviewer_queue(reviewer).only(
        "pk",
        "assigned_at",
        "application__reference",
        "application__title",
        "application__area_name",
        "application__municipality__name",
        "application__call__title",
        "application__call__assessment__review_deadline",
        "review__status",
        "review__reopened_at",
    )


def assignment_for(user: User, pk: int) -> ReviewAssignment | None:
    """An assignment its own reviewer may open (active or not); None for everybody else."""
    return (
        ReviewAssignment.objects.filter(pk=pk, reviewer=user)
        .select_related("application__call__scheme", "application__municipality", "review")
        .first()
    )


def reviews_visible_to(user: User, application: Application) -> QuerySet[Review]:
    """Administrators see every review; a reviewer sees their own, and the others' submitted reviews
    only once their own is submitted."""
    base = (
        Review.objects.filter(assignment__application=application)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
    )
    if is_administrator(user):
        return base.order_by("assignment__assigned_at")
    if not is_reviewer(user):
        return base.none()
    own_submitted = (
        Review.objects.submitted().filter(assignment__application=application, assignment__reviewer=user).exists()
    )
    if own_submitted:
        return base.filter(Q(assignment__reviewer=user) | Q(pk__in=Review.objects.counting().values("pk"))).order_by(
            "assignment__assigned_at"
        )
    return base.filter(assignment__reviewer=user)


def criteria_of(call: Call) -> QuerySet[Criterion]:
    return call.criteria.order_by("order", "pk")


def in_assessment(call: Call) -> QuerySet[Application]:
    """The applications of the call that are in the assessment: submitted or further, not withdrawn."""
    return Application.objects.filter(call=call).exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])


def short_of_reviewers(call: Call, wanted: int) -> QuerySet[Application]:
    """The applications of the call that can still get reviewers and have fewer active ones than wanted."""
    return (
        in_assessment(call)
        .filter(status__in=ASSIGNABLE_STATES)
        .annotate(active_count=Count("assignments", filter=Q(assignments__active=True)))
        .filter(active_count__lt=wanted)
    )


def call_overview(call: Call) -> QuerySet[Application]:
    """Every application of the call that is in the assessment, with assignment and review counts and
    its points (a fixed number of queries whatever the number of applications)."""
    return (
        in_assessment(call)
        .select_related("municipality", "points")
        .annotate(
            active_reviewers=Count("assignments", filter=Q(assignments__active=True), distinct=True),
            submitted_reviews=Count(
                "assignments",
                filter=Q(assignments__review__in=Review.objects.counting().values("pk")),
                distinct=True,
            ),
            conflicts=Count("assignments", filter=Q(assignments__conflict_declared_at__isnull=False), distinct=True),
        )
        .prefetch_related(
            Prefetch("assignments", queryset=ReviewAssignment.objects.select_related("reviewer", "review"))
        )
        .order_by("reference")
    )


def breakdown_of(application: Application) -> PointsBreakdown | None:
    return (
        PointsBreakdown.objects.filter(application=application)
        .prefetch_related(Prefetch("components", queryset=PointsComponent.objects.order_by("order")))
        .first()
    )


def conflicts(call: Call) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(application__call=call, conflict_declared_at__isnull=False)
        .select_related("application", "reviewer")
        .order_by("-conflict_declared_at")
    )


def assignments_with_context() -> QuerySet[ReviewAssignment]:
    """Assignments with everything their representation reads, so a list costs a fixed number of queries."""
    return ReviewAssignment.objects.select_related(
        "application__call__assessment", "application__municipality", "reviewer", "review"
    )


def reviewer_pool() -> list[User]:
    """Active reviewers with their number of active assignments (``load``) and linked municipalities."""
    return list(
        User.objects.filter(role="reviewer", is_active=True)
        .annotate(load=Count("assignments", filter=Q(assignments__active=True)))
        .prefetch_related("linked_municipalities")
        .order_by("full_name", "email")
    )


def reviewer_pool_size() -> int:
    return User.objects.filter(role="reviewer", is_active=True).count()


def assignable(application: Application, pool: list[User]) -> list[User]:
    """The reviewers of the pool who may still be assigned: not assigned now, no conflict declared on this
    application, and never linked to its municipality. Reads the application's (prefetched) assignments."""
    excluded = {a.reviewer_id for a in application.assignments.all() if a.active or a.conflict_declared_at}
    return [
        reviewer
        for reviewer in pool
        if reviewer.pk not in excluded
        and application.municipality_id not in {m.pk for m in reviewer.linked_municipalities.all()}
    ]


def available_reviewers(application: Application) -> list[User]:
    return assignable(application, reviewer_pool())


def scored_by(application: Application) -> set[int]:
    """The reviewers who ever scored ``application``: a review submitted once (also one reopened since, or of a
    reviewer unassigned afterwards). A reopened scoring (an objection) is for other eyes than theirs."""
    return set(
        Review.objects.filter(assignment__application=application, submitted_at__isnull=False).values_list(
            "assignment__reviewer_id", flat=True
        )
    )
