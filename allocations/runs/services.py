"""Allocation runs: start, compute (in a Celery task), retry, approve with four eyes, and verify.

Every state change is here, as keyword-only functions that check the rules, write and audit. The task is
idempotent: a run is claimed with a lease (``attempts`` is the token of the attempt that holds it), lines
are only written by the holder of the lease in one transaction, and the unique constraints make a second
set of lines impossible. A beat sweeper re-queues runs whose message got lost or whose worker died.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.runs import plan, snapshot
from allocations.runs.models import (
    AllocationLine,
    AllocationRun,
    Decision,
    LineSplit,
    Outcome,
    RunSnapshot,
    RunStatus,
)
from allocations.runs.permissions import can_approve_run, can_manage_allocation
from allocations.runs.policies import PotInput, ReservationInput, check_policy, save_policy  # noqa: F401
from allocations.runs.selectors import assessment_minimum, policy_of
from applications.models import Application, Call, Status

BATCH = 2000
PHASES = {
    "queued": gettext_lazy("in de wachtrij"),
    "snapshot": gettext_lazy("invoer vastleggen"),
    "engine": gettext_lazy("verdelen"),
    "writing": gettext_lazy("regels opslaan"),
    "done": gettext_lazy("klaar"),
    "failed": gettext_lazy("mislukt"),
}
DECISION_ACTIONS = {
    Outcome.AWARDED: "award",
    Outcome.PARTIALLY_AWARDED: "partially_award",
    Outcome.REJECTED: "reject",
}

# Called after a run is approved (on commit), each with ``run=``: the letters add their jobs here.
AFTER_APPROVAL: list[Callable[..., None]] = []


def after_approval(run: AllocationRun) -> None:
    """The hook for what follows an approval. A no-op for now: the award letters (allocations/letters)
    register ``create_letter_jobs(run=...)`` in AFTER_APPROVAL."""
    for hook in AFTER_APPROVAL:
        hook(run=run)


class OwnRunApproval(PermissionDenied):
    """The four-eyes rule: whoever started a run may not approve it (HTTP 403 with this message)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "U hebt deze verdeling zelf gestart. Volgens het vier-ogenprincipe moet een andere beheerder "
                "haar goedkeuren."
            )
        )


class ApprovalRefused(TransitionNotAllowed):
    """The run cannot be approved in its state (HTTP 409); ``changes`` and ``missing`` say why."""

    def __init__(self, message: str, *, changes: list[dict] | None = None, missing: list[str] | None = None):
        super().__init__(message)
        self.changes = changes or []
        self.missing = missing or []


def lease_seconds() -> int:
    return int(getattr(settings, "ALLOCATION_RUN_LEASE_SECONDS", 300))


def _enqueue(run_id: int) -> None:
    from allocations.runs.tasks import execute_run

    execute_run.delay(run_id)


def start_run(*, call: Call, by: User, now: datetime.datetime | None = None) -> AllocationRun:
    """Create a queued run of the call's current policy and enqueue its task once committed."""
    require(can_manage_allocation(by))
    now = now or timezone.now()
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)  # one number per run, also when two start at once
        policy = policy_of(call)
        number = (AllocationRun.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        run = AllocationRun.objects.create(
            call=call,
            number=number,
            method=policy.method,
            parameters={
                "policy_revision": policy.revision if policy.pk else 0,
                "seed": policy.seed,
                "tiebreak": policy.tiebreak,
            },
            phase="queued",
            started_by=by,
            created_at=now,
        )
        audit.record(actor=by, verb="allocation_run.started", target=run, data={"call": call.code, "number": number})
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def retry_run(*, run: AllocationRun, by: User) -> AllocationRun:
    """A failed run is queued again (same number: it is the same run, tried once more)."""
    require(can_manage_allocation(by))
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.FAILED:
            raise TransitionNotAllowed(_("Alleen een mislukte verdeling kan opnieuw worden gestart."))
        run.status, run.phase, run.progress, run.error, run.lease_until = RunStatus.QUEUED, "queued", 0, "", None
        run.save(update_fields=["status", "phase", "progress", "error", "lease_until"])
        audit.record(actor=by, verb="allocation_run.retried", target=run)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _claim(run_id: int, now: datetime.datetime) -> int | None:
    """Take the run's lease; the attempt number is the token. None when there is nothing to do."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return None
        if run.status == RunStatus.RUNNING and run.lease_until and run.lease_until > now:
            return None  # another worker holds it
        run.status = RunStatus.RUNNING
        run.attempts += 1
        run.lease_until = now + datetime.timedelta(seconds=lease_seconds())
        run.phase, run.progress, run.error = "snapshot", 5, ""
        run.save(update_fields=["status", "attempts", "lease_until", "phase", "progress", "error"])
        return run.attempts


def _progress(run_id: int, token: int, phase: str, progress: int) -> None:
    """Report progress and renew the lease, as long as this attempt still holds it."""
    AllocationRun.objects.filter(pk=run_id, attempts=token, status=RunStatus.RUNNING).update(
        phase=phase,
        progress=progress,
        lease_until=timezone.now() + datetime.timedelta(seconds=lease_seconds()),
    )


def _pause() -> None:
    """Fault-injection for the crash tests (ALLOCATION_RUN_PAUSE seconds between phases; 0 in production)."""
    pause = float(getattr(settings, "ALLOCATION_RUN_PAUSE", 0) or 0)
    if pause:
        import time

        time.sleep(pause)


def execute_run(run_id: int) -> bool:
    """The task's work: snapshot, engine, lines, splits. True when this call finished the run."""
    token = _claim(run_id, timezone.now())
    if token is None:
        return False
    run = AllocationRun.objects.select_related("call").get(pk=run_id)
    try:
        policy = policy_of(run.call)
        data = snapshot.build(run.call, policy, min_points_default=assessment_minimum(run.call))
        digest = snapshot.sha256(data)
        _pause()
        _progress(run_id, token, "engine", 30)
        computed = plan.compute(data)
        _progress(run_id, token, "writing", 60)
        _pause()
    except Exception as exc:
        _fail(run_id, token, exc)
        return False
    return _write(run_id, token, data, digest, computed)


def _fail(run_id: int, token: int, exc: Exception) -> None:
    message = _("De verdeling is mislukt: %(error)s") % {"error": exc}
    AllocationRun.objects.filter(pk=run_id, attempts=token).update(
        status=RunStatus.FAILED, phase="failed", error=message[:2000], lease_until=None, finished_at=timezone.now()
    )


def _money(value: int) -> Decimal:
    return Decimal(value) / 100


def _write(run_id: int, token: int, data: dict, digest: str, computed: plan.Plan) -> bool:
    """Write the snapshot, the lines and their splits in one transaction, only while holding the lease."""
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run_id)
        if run.status != RunStatus.RUNNING or run.attempts != token:
            return False  # another attempt took over, or it is already done
        RunSnapshot.objects.filter(run=run).delete()
        LineSplit.objects.filter(line__run=run).delete()
        AllocationLine.objects.filter(run=run).delete()
        RunSnapshot.objects.create(run=run, data=data, sha256=digest)
        count = _write_lines(run, computed.lines)
        included = [p for p in computed.lines if p.included]
        run.input_hash = digest
        run.engine_version = snapshot.ENGINE_VERSION
        run.parameters = {
            **run.parameters,
            "policy": {k: v for k, v in data["policy"].items() if k != "reservations"},
            "reservations": len(data["policy"]["reservations"]),
        }
        run.method = data["policy"]["method"]
        run.total_budget = _money(computed.total_budget)
        run.total_requested = _money(sum(p.requested for p in included))
        run.total_awarded = _money(computed.total_awarded)
        run.total_unspent = _money(computed.total_budget - computed.total_awarded)
        run.funded_count = sum(1 for p in included if p.awarded > 0)
        run.pot_totals = computed.pots
        run.status, run.phase, run.progress, run.lease_until = RunStatus.DRAFT, "done", 100, None
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            actor=None,
            verb="allocation_run.computed",
            target=run,
            data={"input_hash": digest, "lines": count, "attempt": token},
        )
    return True


LINE_COLUMNS = (
    "run_id",
    "application_id",
    "included",
    "rank",
    "pot",
    "funded_from",
    "requested",
    "ceiling",
    "awarded",
    "reason",
    "eligible",
    "reviewer_score",
    "need_score",
    "bonus_score",
    "total_points",
    "breakdown",
    "is_cutoff",
)
SPLIT_COLUMNS = ("line_id", "theme_id", "year", "requested", "awarded")


def _line_row(run_id: int, p: plan.PlannedLine) -> tuple:
    points = p.points or {}
    return (
        run_id,
        p.application,
        p.included,
        p.rank,
        p.pot,
        p.funded_from,
        _money(p.requested),
        _money(p.ceiling),
        _money(p.awarded),
        p.reason,
        p.eligible,
        Decimal(points.get("reviewer_score") or 0),
        Decimal(points.get("need_score") or 0),
        Decimal(points.get("bonus_score") or 0),
        Decimal(points.get("total") or 0),
        points.get("components", []),
        p.is_cutoff,
    )


def _write_lines(run: AllocationRun, planned: list[plan.PlannedLine]) -> int:
    """All lines and splits in a fixed number of statements: COPY on PostgreSQL, batched inserts elsewhere."""
    rows = [_line_row(run.pk, p) for p in planned]
    if connection.vendor == "postgresql":
        _copy(AllocationLine._meta.db_table, LINE_COLUMNS, rows, json_columns={5, 15})
    else:
        AllocationLine.objects.bulk_create(
            (AllocationLine(**dict(zip(LINE_COLUMNS, row, strict=True))) for row in rows), batch_size=BATCH
        )
    ids = dict(AllocationLine.objects.filter(run=run).values_list("application_id", "pk"))
    splits = [
        (ids[p.application], theme, year, _money(req), _money(got))
        for p in planned
        for theme, year, req, got in p.splits
    ]
    if connection.vendor == "postgresql":
        _copy(LineSplit._meta.db_table, SPLIT_COLUMNS, splits)
    else:
        LineSplit.objects.bulk_create(
            (LineSplit(**dict(zip(SPLIT_COLUMNS, row, strict=True))) for row in splits), batch_size=BATCH
        )
    return len(rows)


def _copy(table: str, columns: tuple[str, ...], rows: list[tuple], *, json_columns: set[int] = frozenset()) -> None:
    import json

    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            if json_columns:
                row = tuple(json.dumps(v) if i in json_columns else v for i, v in enumerate(row))
            copy.write_row(row)


def sweep_runs(*, now: datetime.datetime | None = None) -> list[int]:
    """Re-queue runs whose message was lost (queued too long) or whose worker died (lease expired)."""
    now = now or timezone.now()
    grace = now - datetime.timedelta(seconds=lease_seconds())
    stale = list(
        AllocationRun.objects.filter(
            status=RunStatus.QUEUED, created_at__lt=grace, lease_until__isnull=True
        ).values_list("pk", flat=True)
    ) + list(
        AllocationRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING), lease_until__lt=now).values_list(
            "pk", flat=True
        )
    )
    for pk in stale:
        _enqueue(pk)
    return stale


@dataclass
class ApprovalCheck:
    """Why a run may not be approved now (empty when it may)."""

    own_run: bool = False
    state_message: str = ""
    changes: list[dict] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.own_run or self.state_message or self.changes or self.missing)


def approval_check(run: AllocationRun, user: User) -> ApprovalCheck:
    check = ApprovalCheck(own_run=run.started_by_id == user.pk)
    if run.status != RunStatus.DRAFT:
        check.state_message = _("Alleen een concept-verdeling kan worden goedgekeurd; deze is: %(status)s.") % {
            "status": run.get_status_display()
        }
        return check
    if AllocationRun.objects.filter(call_id=run.call_id, status=RunStatus.FINAL).exclude(pk=run.pk).exists():
        check.state_message = _(
            "Deze ronde heeft al een definitieve verdeling. Een besluit herzien hoort bij de behandeling van "
            "bezwaren en kan hier niet."
        )
        return check
    stored = RunSnapshot.objects.get(run=run)
    fresh = snapshot.build(run.call, policy_of(run.call), min_points_default=assessment_minimum(run.call))
    if snapshot.sha256(fresh) != run.input_hash:
        check.changes = snapshot.differences(stored.data, fresh)
    in_run = set(AllocationLine.objects.filter(run=run, included=True).values_list("application_id", flat=True))
    check.missing = list(
        Application.objects.filter(call_id=run.call_id)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .exclude(pk__in=in_run)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    return check


def _outcome(line: AllocationLine) -> str:
    if line.awarded <= 0:
        return Outcome.REJECTED
    if line.awarded < line.requested:
        return Outcome.PARTIALLY_AWARDED
    return Outcome.AWARDED


def approve_run(*, run: AllocationRun, by: User, now: datetime.datetime | None = None) -> AllocationRun:
    """Make a draft final: a decision per application, each through the lifecycle's one road, audited."""
    from applications.workflow import move

    require(can_manage_allocation(by))
    if not can_approve_run(by, run):
        raise OwnRunApproval
    now = now or timezone.now()
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=run.call_id)
        run = AllocationRun.objects.select_for_update().select_related("call").get(pk=run.pk)
        check = approval_check(run, by)
        if check.state_message:
            raise ApprovalRefused(check.state_message)
        if check.changes:
            raise ApprovalRefused(
                _("De invoer is gewijzigd sinds deze verdeling is berekend. Bereken een nieuwe verdeling."),
                changes=check.changes,
            )
        if check.missing:
            raise ApprovalRefused(
                _("Niet alle aanvragen van de ronde zijn in deze verdeling meegenomen: %(refs)s.")
                % {"refs": ", ".join(check.missing[:20])},
                missing=check.missing,
            )
        run.status, run.approved_by, run.approved_at = RunStatus.FINAL, by, now
        run.save(update_fields=["status", "approved_by", "approved_at"])
        lines = list(
            AllocationLine.objects.filter(run=run)
            .select_related("application")
            .order_by(F("rank").asc(nulls_last=True), "pk")
        )
        prefix = run.call.reference_prefix
        decisions = []
        with translation.override("nl"):  # the record's language, whoever approves
            reasons = {line.pk: line.reason_label for line in lines}
        for seq, line in enumerate(lines, start=1):
            outcome = _outcome(line)
            decisions.append(
                Decision(
                    application=line.application,
                    run=run,
                    line=line,
                    number=f"{prefix}-B{run.number}-{seq:04d}",
                    outcome=outcome,
                    amount=line.awarded,
                    reason=reasons[line.pk],
                    decided_at=now,
                    decided_by=by,
                )
            )
        Decision.objects.bulk_create(decisions)
        for decision in decisions:
            move(
                decision.application,
                DECISION_ACTIONS[decision.outcome],
                by=by,
                now=now,
                data={
                    "decision": decision.number,
                    "amount": decision.amount,
                    "outcome": decision.outcome,
                    "run": run.pk,
                    "reason": decision.reason,
                },
            )
        audit.record(
            actor=by,
            verb="allocation_run.approved",
            target=run,
            data={"decisions": len(decisions), "total_awarded": run.total_awarded, "input_hash": run.input_hash},
        )
        transaction.on_commit(lambda: after_approval(run))
    return run


@dataclass
class Verification:
    hash_ok: bool
    stored_hash: str
    computed_hash: str
    engine_version: str
    differences: list[dict]

    @property
    def ok(self) -> bool:
        return self.hash_ok and not self.differences


def verify_run(*, run: AllocationRun, by: User) -> Verification:
    """Re-run the engine on the stored snapshot and compare every line; check the snapshot's hash."""
    require(can_manage_allocation(by))
    if run.status not in (RunStatus.DRAFT, RunStatus.FINAL):
        raise TransitionNotAllowed(_("Alleen een berekende verdeling kan worden gecontroleerd."))
    stored = RunSnapshot.objects.get(run=run)
    computed_hash = snapshot.sha256(stored.data)
    differences: list[dict] = []
    try:
        expected = {p.application: p.comparable() for p in plan.compute(stored.data).lines}
    except (ValueError, KeyError, TypeError) as exc:
        expected = {}
        differences.append({"reference": "", "field": "snapshot", "stored": "", "computed": str(exc)})
    lines = AllocationLine.objects.filter(run=run).select_related("application").prefetch_related("splits")
    for line in lines:
        actual = {
            "included": line.included,
            "rank": line.rank,
            "pot": line.pot,
            "funded_from": line.funded_from,
            "ceiling": snapshot.cents(line.ceiling),
            "awarded": snapshot.cents(line.awarded),
            "reason": line.reason,
            "eligible": line.eligible,
            "is_cutoff": line.is_cutoff,
            "splits": sorted(
                (s.theme_id, s.year, snapshot.cents(s.requested), snapshot.cents(s.awarded)) for s in line.splits.all()
            ),
        }
        wanted = expected.pop(line.application_id, None)
        if wanted is None:
            differences.append(
                {"reference": line.application.reference, "field": "line", "stored": "present", "computed": "absent"}
            )
            continue
        for key, value in wanted.items():
            if actual[key] != value:
                differences.append(
                    {
                        "reference": line.application.reference,
                        "field": key,
                        "stored": str(actual[key]),
                        "computed": str(value),
                    }
                )
    for pk in expected:
        differences.append({"reference": str(pk), "field": "line", "stored": "absent", "computed": "present"})
    result = Verification(
        hash_ok=computed_hash == stored.sha256 == run.input_hash,
        stored_hash=run.input_hash,
        computed_hash=computed_hash,
        engine_version=snapshot.ENGINE_VERSION,
        differences=differences,
    )
    audit.record(
        actor=by,
        verb="allocation_run.verified",
        target=run,
        data={"ok": result.ok, "hash_ok": result.hash_ok, "differences": len(differences)},
    )
    return result
