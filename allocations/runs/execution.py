"""The work of an allocation run's task: claim the run with a lease, snapshot, engine, lines and splits.

Idempotent: the run is claimed with a lease (``attempts`` is the token of the attempt that holds it), the
lines are written only by the holder of the lease, in one transaction, and the unique constraints make a
second set of lines impossible. A beat sweeper re-queues runs whose message got lost or whose worker died.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.money import euros
from allocations.runs import plan, snapshot
from allocations.runs.models import AllocationLine, AllocationRun, LineSplit, RunSnapshot, RunStatus
from allocations.runs.selectors import policy_of

BATCH = 2000


def lease_seconds() -> int:
    return int(getattr(settings, "ALLOCATION_RUN_LEASE_SECONDS", 300))


def enqueue(run_id: int) -> None:
    """Send the run's task (tests patch this one name to hold runs back). Imported here, not at the top: the
    task module imports this one."""
    from allocations.runs.tasks import execute_run

    execute_run.delay(run_id)


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
        built_at = timezone.now()
        data = snapshot.build(run.call, policy)
        digest = snapshot.sha256(data)
        _pause()
        _progress(run_id, token, "engine", 30)
        computed = plan.compute(data)
        _progress(run_id, token, "writing", 60)
        _pause()
    except Exception as exc:
        # The database may have dropped the connection (a restart): a new one, so the failure is recorded.
        if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
            connection.close()
        _fail(run_id, token, exc)
        return False
    if not _write(run_id, token, data, digest, computed):
        return False
    # The run page's approval check may take this as its first finding of unchanged inputs.
    transaction.on_commit(lambda: snapshot.remember_unchanged(run_id, digest, built_at))
    return True


def _fail(run_id: int, token: int, exc: Exception) -> None:
    message = _("De verdeling is mislukt: %(error)s") % {"error": exc}
    AllocationRun.objects.filter(pk=run_id, attempts=token).update(
        status=RunStatus.FAILED, phase="failed", error=message[:2000], lease_until=None, finished_at=timezone.now()
    )


def totals(computed: plan.Plan) -> dict:
    """The run's totals as stored on it; verification compares a run's stored totals with these."""
    included = [p for p in computed.lines if p.included]
    return {
        "total_budget": euros(computed.total_budget),
        "total_requested": euros(sum(p.requested for p in included)),
        "total_awarded": euros(computed.total_awarded),
        "total_unspent": euros(computed.total_budget - computed.total_awarded),
        "funded_count": sum(1 for p in included if p.awarded > 0),
        "pot_totals": computed.pots,
    }


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
        run.input_hash = digest
        run.rules_hash = data["policy"]["rules_sha256"]
        run.engine_version = snapshot.ENGINE_VERSION
        run.parameters = {
            **run.parameters,
            "policy": {k: v for k, v in data["policy"].items() if k != "reservations"},
            "reservations": len(data["policy"]["reservations"]),
        }
        run.method = data["policy"]["method"]
        for name, value in totals(computed).items():
            setattr(run, name, value)
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
    "ground",
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
        euros(p.requested),
        euros(p.ceiling),
        euros(p.awarded),
        p.reason,
        p.eligible,
        Decimal(points.get("reviewer_score") or 0),
        Decimal(points.get("need_score") or 0),
        Decimal(points.get("bonus_score") or 0),
        Decimal(points.get("total") or 0),
        points.get("components", []),
        p.is_cutoff,
        p.ground,
    )


def _write_lines(run: AllocationRun, planned: list[plan.PlannedLine]) -> int:
    """All lines and splits in a fixed number of statements: COPY on PostgreSQL, batched inserts elsewhere."""
    rows = [_line_row(run.pk, p) for p in planned]
    if connection.vendor == "postgresql":
        _copy(AllocationLine._meta.db_table, LINE_COLUMNS, rows, json_columns={5, 15, 17})
    else:
        AllocationLine.objects.bulk_create(
            (AllocationLine(**dict(zip(LINE_COLUMNS, row, strict=True))) for row in rows), batch_size=BATCH
        )
    ids = dict(AllocationLine.objects.filter(run=run).values_list("application_id", "pk"))
    splits = [
        (ids[p.application], theme, year, euros(req), euros(got)) for p in planned for theme, year, req, got in p.splits
    ]
    if connection.vendor == "postgresql":
        _copy(LineSplit._meta.db_table, SPLIT_COLUMNS, splits)
    else:
        LineSplit.objects.bulk_create(
            (LineSplit(**dict(zip(SPLIT_COLUMNS, row, strict=True))) for row in splits), batch_size=BATCH
        )
    return len(rows)


def _copy(
    table: str, columns: tuple[str, ...], rows: list[tuple], *, json_columns: frozenset[int] | set[int] = frozenset()
) -> None:
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
        enqueue(pk)
    return stale
