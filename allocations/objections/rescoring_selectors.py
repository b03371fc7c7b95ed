"""The queries the reopened scoring's pages and API read: a case's scorings with their reviewers, the reviewers
who may still be given one, a reviewer's own new reviews (their queue), and the old breakdown beside the new."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import is_reviewer
from allocations.objections.models import ObjectionCase
from allocations.objections.rescoring_models import ReopenedScoring, Rescore
from applications.assessment import points
from applications.assessment.queue import QueueRow
from applications.assessment.selectors import assignable, reviewer_pool, scored_by
from applications.models import Application


def scorings_of(case: ObjectionCase) -> QuerySet[ReopenedScoring]:
    """The case's reopened scorings, newest first, with their reviewers: a fixed number of queries."""
    return (
        ReopenedScoring.objects.filter(case=case)
        .select_related("opened_by", "application")
        .prefetch_related("rescores__reviewer")
        .order_by("-opened_at", "-pk")
    )


def scoring_for(pk: int, *, cases: QuerySet[ObjectionCase]) -> ReopenedScoring:
    """One scoring of a case in ``cases`` (those the viewer may see); a 404 for any other."""
    return get_object_or_404(
        ReopenedScoring.objects.filter(case__in=cases).select_related(
            "case__decision__application", "application__municipality", "application__call", "opened_by"
        ),
        pk=pk,
    )


def candidates(scoring: ReopenedScoring) -> list[User]:
    """The reviewers who may be given the scoring: those the assessment would assign (not linked, no conflict),
    who never scored the application and are not in this scoring yet."""
    application = Application.objects.prefetch_related("assignments").get(pk=scoring.application_id)
    excluded = scored_by(application) | set(
        Rescore.objects.filter(scoring__application=application).values_list("reviewer_id", flat=True)
    )
    pool = [reviewer for reviewer in reviewer_pool() if reviewer.pk not in excluded]
    return assignable(application, pool)


def rescores_for(reviewer: User) -> QuerySet[Rescore]:
    """A reviewer's own new reviews, open scorings first: their part of the review queue."""
    if not is_reviewer(reviewer):
        return Rescore.objects.none()
    return (
        Rescore.objects.filter(reviewer=reviewer)
        .select_related("scoring__application__municipality", "scoring__application__call")
        .order_by("status", "-assigned_at", "-pk")
    )


def rescore_for(user: User, pk: int) -> Rescore:
    """A new review its own reviewer may open; a 404 for everybody else."""
    return get_object_or_404(
        Rescore.objects.filter(reviewer=user).select_related(
            "scoring__application__municipality", "scoring__application__call", "scoring__case"
        ),
        pk=pk,
    )


def queue_rows(reviewer: User) -> list[QueueRow]:
    """The queue source registered with the assessment (``applications.assessment.queue``)."""
    return [
        QueueRow(
            reference=rescore.scoring.application.reference,
            title=rescore.scoring.application.title,
            municipality=rescore.scoring.application.municipality.name,
            call=rescore.scoring.application.call.title,
            url=reverse("rescore_detail", args=[rescore.pk]),
            status=str(rescore.get_status_display()),
            kind="rescore",
        )
        for rescore in rescores_for(reviewer)
    ]


@dataclass(frozen=True)
class ComparedRow:
    """One line of the breakdown: its points before (the decision's) and after the reopened scoring."""

    kind: str
    label: str
    old: Decimal | None
    new: Decimal | None

    @property
    def changed(self) -> bool:
        return self.old != self.new


def compared(scoring: ReopenedScoring) -> list[ComparedRow]:
    """The application's stored breakdown beside the recomputed one, component by component, then the parts and
    the total. Before the recomputation the new column is empty."""
    old = points.current(scoring.application)
    new = {c["key"]: c for c in scoring.breakdown.get("components", [])}
    rows: list[ComparedRow] = []
    seen = set()
    for component in old.components:
        seen.add(component.key)
        after = new.get(component.key)
        rows.append(
            ComparedRow(component.kind, component.label, component.points, Decimal(after["points"]) if after else None)
        )
    for key, after in new.items():
        if key not in seen:
            rows.append(ComparedRow(after["kind"], after["label"], None, Decimal(after["points"])))
    for name, label in (
        ("reviewer_score", _("Beoordelingsscore")),
        ("need_score", _("Behoeftescore")),
        ("bonus_score", _("Voorrangspunten")),
        ("total", _("Totaal")),
    ):
        rows.append(ComparedRow("sum", label, getattr(old, name), getattr(scoring, name)))
    return rows
