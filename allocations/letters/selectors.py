"""Queries for letters, jobs and progress, each a fixed number of queries however many rows there are."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from allocations.letters.models import JobStatus, Letter, LetterJob, LetterText
from allocations.runs.models import AllocationLine, AllocationRun, Decision, LineSplit
from applications.models import RulesVersion


def decisions_for_letters(ids) -> QuerySet[Decision]:
    """Everything a letter reads, in five queries for any number of decisions."""
    return (
        Decision.objects.filter(pk__in=ids)
        .select_related(
            "application__municipality",
            "application__call__scheme",
            "application__call__assessment",
            "line",
            "run",
        )
        .prefetch_related(
            Prefetch("line__splits", queryset=LineSplit.objects.select_related("theme")),
            Prefetch("run__lines", queryset=AllocationLine.objects.only("id", "run_id", "rank", "awarded", "included")),
            Prefetch("application__call__rules_versions", queryset=RulesVersion.objects.defer("document")),
        )
    )


def with_revocation(letters: QuerySet[Letter]) -> QuerySet[Letter]:
    """Each letter with ``revoked_by``: the number of the decision on an objection that revoked its decision (Awb
    7:11), or None. The old letter stays, marked so on every page and in the API; one subquery, no extra query."""
    from allocations.objections.models import FOUNDED, CaseStatus, ObjectionCase

    rulings = ObjectionCase.objects.filter(
        decision=OuterRef("decision"), status=CaseStatus.CLOSED, outcome__in=FOUNDED
    ).order_by("decided_at", "pk")
    return letters.annotate(revoked_by=Subquery(rulings.values("ruling_number")[:1]))


def latest_texts(call) -> LetterText | None:
    return LetterText.objects.filter(call=call).order_by("-version").first()


def current_letters(*, run: AllocationRun | None = None, application=None) -> QuerySet[Letter]:
    letters = with_revocation(
        Letter.objects.filter(superseded_at__isnull=True).select_related(
            "decision__application__municipality", "decision__run"
        )
    )
    if run is not None:
        letters = letters.filter(decision__run=run)
    if application is not None:
        letters = letters.filter(decision__application=application)
    return letters.order_by("decision__number")


def letters_of_application(application, *, viewer) -> QuerySet[Letter]:
    """Every version ``viewer`` may see (``Letter.objects.visible_to``), newest first, so a superseded letter
    stays findable."""
    return with_revocation(
        Letter.objects.visible_to(viewer)
        .filter(decision__application=application)
        .select_related("decision__application__municipality", "decision__run")
        .order_by("-version")
    )


def visible_letter(pk: int, *, viewer) -> Letter:
    """One letter ``viewer`` may see, for its page, its API and its download; a 404 for any other."""
    letters = Letter.objects.visible_to(viewer).select_related("decision__application__municipality", "decision__run")
    return get_object_or_404(with_revocation(letters), pk=pk)


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    failed: int
    pending: int
    claimed: int
    sent: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * self.done) // self.total

    @property
    def open(self) -> int:
        """Jobs still waiting or being made."""
        return self.pending + self.claimed

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done + self.failed == self.total

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "pending": self.pending,
            "claimed": self.claimed,
            "sent": self.sent,
            "percent": self.percent,
            "finished": self.finished,
        }


def batch_progress(run: AllocationRun) -> Progress:
    """Counted from the database, so every worker and page agree. A decision has at most one open or
    failed job (a retry reopens the failed one), so the decisions without one are done."""
    counts = LetterJob.objects.filter(run=run).aggregate(
        total=Count("decision", distinct=True),
        failed=Count("pk", filter=Q(status=JobStatus.FAILED)),
        pending=Count("pk", filter=Q(status=JobStatus.PENDING)),
        claimed=Count("pk", filter=Q(status=JobStatus.CLAIMED)),
    )
    open_or_failed = counts["pending"] + counts["claimed"] + counts["failed"]
    sent = Decision.objects.filter(run=run, sent_at__isnull=False).count()
    return Progress(
        total=counts["total"],
        done=max(0, counts["total"] - open_or_failed),
        failed=counts["failed"],
        pending=counts["pending"],
        claimed=counts["claimed"],
        sent=sent,
    )


def failed_jobs(run: AllocationRun) -> QuerySet[LetterJob]:
    return (
        LetterJob.objects.filter(run=run, status=JobStatus.FAILED)
        .select_related("decision__application__municipality")
        .order_by("decision__number")
    )
