"""What the settlement pages and the API read: per call the decisions ready to settle, each decision's
figures (awarded, paid, still due, settled, reclaimed) adding up, and the settlements, each list in a fixed
number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Prefetch, Q, QuerySet

from allocations.accountability.models import Statement
from allocations.objections import awards as objection_awards
from allocations.payments.models import OPEN_STATES, Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements.models import (
    OPEN_SETTLEMENT_STATES,
    SetOff,
    Settlement,
    SettlementBatch,
    SettlementDocument,
    SettlementJob,
    SettlementJobStatus,
    SettlementStatus,
)
from applications.models import Call

ZERO = Decimal("0.00")


def settlements() -> QuerySet[Settlement]:
    return Settlement.objects.select_related(
        "decision__application__municipality",
        "decision__run__call__scheme",
        "proposed_by",
        "checked_by",
        "approved_by",
        "withdrawn_by",
        "final_instalment",
    ).prefetch_related(
        Prefetch(
            "set_offs",
            queryset=SetOff.objects.select_related("instalment__decision", "remainder").order_by(
                "instalment__due_on", "instalment__sequence"
            ),
        ),
        Prefetch("documents", queryset=SettlementDocument.objects.order_by("-version")),
    )


def settlement_for(pk: int) -> Settlement | None:
    return settlements().filter(pk=pk).first()


def awards() -> QuerySet[Decision]:
    """Every sent award (also one a founded objection turned into an award) with what objections added, its
    call, instalments, final account and settlements (four queries)."""
    return (
        objection_awards.with_extra(Decision.objects.filter(objection_awards.awarded_or_extra(), sent_at__isnull=False))
        .select_related("application__municipality", "application__call", "run__call__scheme")
        .prefetch_related(
            instalments_with_set_offs(),
            Prefetch("statements", queryset=Statement.objects.filter(final=True), to_attr="final_statements"),
            Prefetch("settlements", queryset=Settlement.objects.order_by("sequence")),
        )
        .order_by("number")
    )


@dataclass
class Figures:
    """One decision's money, adding up: awarded = paid + still due + lapsed + set off; once settled, settled =
    paid + set off − reclaimed + still due (the final payment). ``set_off``: what another settlement's reclaim
    took from this decision's instalments (it counts as paid); ``reclaimed`` includes what this decision's own
    reclaims set off elsewhere."""

    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    still_due: Decimal = ZERO
    lapsed: Decimal = ZERO
    spent: Decimal | None = None
    settled: Decimal | None = None
    reclaimed: Decimal = ZERO
    set_off: Decimal = ZERO

    def add(self, other: Figures) -> None:
        for name in ("awarded", "paid", "still_due", "lapsed", "reclaimed", "set_off"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("spent", "settled"):
            if getattr(other, name) is not None:
                setattr(self, name, (getattr(self, name) or ZERO) + getattr(other, name))


@dataclass
class Row:
    decision: Decision
    figures: Figures
    ready: bool
    why_not: str
    current: Settlement | None  # the last approved settlement
    open: Settlement | None  # the proposal in progress


@dataclass
class CallOverview:
    call: Call
    rows: list[Row] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)

    @property
    def ready(self) -> list[Row]:
        return [row for row in self.rows if row.ready and row.open is None]


def instalments_with_set_offs() -> Prefetch:
    """A decision's instalments with the set-offs applied to them (one query more, however many)."""
    return Prefetch(
        "instalments",
        queryset=Instalment.objects.order_by("sequence").prefetch_related(
            Prefetch("set_offs", queryset=SetOff.objects.filter(applied_at__isnull=False))
        ),
    )


def set_off_parts(instalments: list[Instalment]) -> tuple[Decimal, Decimal]:
    """From instalments read with ``instalments_with_set_offs``: what another settlement's reclaim set off
    against them (it counts as paid), and the whole amount of the instalments that lapsed for it (their rest is
    a new instalment, so none of it counts as lapsed)."""
    set_off = sum((row.amount for i in instalments for row in i.set_offs.all()), ZERO)
    away = sum((i.amount for i in instalments if i.set_offs.all()), ZERO)
    return set_off, away


def figures_of(decision: Decision) -> tuple[Figures, Settlement | None, Settlement | None]:
    """From the prefetched rows of ``awards_of``."""
    instalments = list(decision.instalments.all())
    every = list(decision.settlements.all())
    approved = [s for s in every if s.status == SettlementStatus.APPROVED]
    in_progress = next((s for s in every if s.status in OPEN_SETTLEMENT_STATES), None)
    final_statements = getattr(decision, "final_statements", None)  # prefetched by awards_of
    final = final_statements[0] if final_statements else None
    set_off, set_off_away = set_off_parts(instalments)
    figures = Figures(
        awarded=objection_awards.annotated_award(decision),  # with what a founded objection added
        paid=sum((i.amount for i in instalments if i.status == InstalmentStatus.PAID), ZERO),
        still_due=sum((i.amount for i in instalments if i.status in OPEN_STATES), ZERO),
        lapsed=sum((i.amount for i in instalments if i.status == InstalmentStatus.CANCELLED), ZERO) - set_off_away,
        set_off=set_off,
        spent=final.spent_to_date if final else None,
        settled=approved[-1].settled if approved else None,
        reclaimed=sum((s.reclaim for s in approved), ZERO),
    )
    return figures, (approved[-1] if approved else None), in_progress


def call_overview(call: Call, *, today: datetime.date) -> CallOverview:
    """Every sent award of the call with its figures and whether it can be settled today."""
    overviews = _overviews(awards().filter(application__call=call), today=today)
    return overviews[0] if overviews else CallOverview(call=call)


def call_overviews(*, today: datetime.date) -> list[CallOverview]:
    """Per call with sent awards its overview, in the order of the calls' codes (in four queries in all)."""
    return sorted(_overviews(awards(), today=today), key=lambda overview: overview.call.code)


def _overviews(decisions, *, today: datetime.date) -> list[CallOverview]:
    from allocations.settlements.services import readiness_of

    by_call: dict[int, CallOverview] = {}
    for decision in decisions:
        call = decision.application.call
        overview = by_call.setdefault(call.pk, CallOverview(call=call))
        figures, current, in_progress = figures_of(decision)
        state = readiness_of(decision, today=today, has_final=figures.spent is not None)
        overview.rows.append(
            Row(
                decision=decision,
                figures=figures,
                ready=state.ready and current is None,
                why_not=state.reason,
                current=current,
                open=in_progress,
            )
        )
        overview.total.add(figures)
    return list(by_call.values())


@dataclass(frozen=True)
class Step:
    when: datetime.datetime
    sentence: str
    changes: list[tuple[str, str, str]]  # (what, before, after)


def steps_of(settlement: Settlement) -> list[Step]:
    """What each step did, from the audit trail, as sentences with what changed (for ministry staff)."""
    from accounts.audit_verbs import describe
    from accounts.models import AuditEvent

    steps = []
    events = AuditEvent.objects.for_target(settlement).select_related("actor").order_by("created_at", "id")
    for event in events:
        who = event.actor.display_name if event.actor else "systeem"
        before, after = event.data.get("before") or {}, event.data.get("after") or {}
        changes = [(_label(key), _value(key, before.get(key)), _value(key, after.get(key))) for key in after]
        steps.append(
            Step(
                when=event.created_at,
                sentence=describe(event.verb, who=who, data=event.data, target=event.target_repr),
                changes=changes,
            )
        )
    return steps


def _label(name: str) -> str:
    try:
        return str(getattr(Settlement._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:  # a key of the event that is no field reads as itself
        return name


def _value(name: str, value) -> str:
    if value is None:
        return "–"
    if name == "status":
        return str(SettlementStatus(value).label) if value in SettlementStatus.values else str(value)
    return str(value)


def settlement_letters_of(decision: Decision, *, viewer) -> list[SettlementDocument]:
    """The settlement letters of a decision that ``viewer`` may see (the municipality: the sent ones; staff:
    every version), newest settlement first: a correction's letter above the one it corrects, both kept."""
    return list(
        SettlementDocument.objects.visible_to(viewer)
        .filter(settlement__decision=decision)
        .select_related("settlement")
        .order_by("-settlement__sequence", "-version")
    )


# --- Settlement batches ---------------------------------------------------------------------------------------
def batches_of(call: Call) -> QuerySet[SettlementBatch]:
    return SettlementBatch.objects.filter(call=call).select_related("started_by").order_by("-number")


def batch_for(pk: int) -> SettlementBatch | None:
    return SettlementBatch.objects.select_related("call", "started_by").filter(pk=pk).first()


def batch_jobs(batch: SettlementBatch) -> QuerySet[SettlementJob]:
    return (
        SettlementJob.objects.filter(batch=batch)
        .select_related("decision__application__municipality", "settlement__decision")
        .order_by("decision__number")
    )


@dataclass(frozen=True)
class BatchProgress:
    """Counted from the database, so every worker and page agree."""

    status: str
    total: int
    done: int
    failed: int
    pending: int
    claimed: int
    sample: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else (100 * (self.done + self.failed)) // self.total

    @property
    def open(self) -> int:
        return self.pending + self.claimed

    @property
    def finished(self) -> bool:
        return self.open == 0

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "total": self.total,
            "done": self.done,
            "failed": self.failed,
            "pending": self.pending,
            "claimed": self.claimed,
            "sample": self.sample,
            "percent": self.percent,
            "finished": self.finished,
        }


def batch_progress(batch: SettlementBatch) -> BatchProgress:
    return batch_progresses([batch])[batch.pk]


def batch_progresses(batches: list[SettlementBatch]) -> dict[int, BatchProgress]:
    """Each batch's progress, in one query for them all."""
    rows = (
        SettlementJob.objects.filter(batch__in=batches)
        .values("batch")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=SettlementJobStatus.DONE)),
            failed=Count("pk", filter=Q(status=SettlementJobStatus.FAILED)),
            pending=Count("pk", filter=Q(status=SettlementJobStatus.PENDING)),
            claimed=Count("pk", filter=Q(status=SettlementJobStatus.CLAIMED)),
            sample=Count("pk", filter=Q(sample=True)),
        )
        .order_by()
    )
    counts: dict[int, tuple[int, int, int, int, int, int]] = {
        row["batch"]: (row["total"], row["done"], row["failed"], row["pending"], row["claimed"], row["sample"])
        for row in rows
    }
    return {batch.pk: BatchProgress(batch.status, *counts.get(batch.pk, (0, 0, 0, 0, 0, 0))) for batch in batches}
