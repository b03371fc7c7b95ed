"""The work of an allocation run's task: claim the run with a lease, snapshot, engine, lines and splits.

Idempotent: the run is a leased job (``allocations.jobs``, the kind ``transitions.RUN_JOBS``); the lines are
written only while the attempt holds the lease, in one transaction, and the unique constraints make a second
set of lines impossible. A beat sweeper re-queues runs whose message got lost or whose worker died.
"""

from __future__ import annotations

import datetime
import json
import time
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.money import euros
from allocations import jobs
from allocations.runs import plan, snapshot
from allocations.runs.models import AllocationLine, AllocationRun, LineSplit, RunSnapshot
from allocations.runs.selectors import policy_of
from allocations.runs.transitions import RUN_JOBS

BATCH = 2000


def enqueue(run_id: int) -> None:
    """Send the run's task (tests patch this one name to hold runs back). Imported here, not at the top: the
    task module imports this one."""
    from allocations.runs.tasks import execute_run

    execute_run.delay(run_id)


def _pause() -> None:
    """Fault-injection for the crash tests (ALLOCATION_RUN_PAUSE seconds between phases; 0 in production)."""
    pause = float(getattr(settings, "ALLOCATION_RUN_PAUSE", 0) or 0)
    if pause:
        time.sleep(pause)


def execute_run(run_id: int) -> bool:
    """The task's work: snapshot, engine, lines, splits. True when this call finished the run.

    An error fails the run at once, with the error, rather than trying again: the computation reads only
    the database, so an error would come back; the administrator sees it and retries (``retry_run``). The
    attempt limit counts the attempts whose worker died."""
    lease = jobs.claim(RUN_JOBS, run_id, fields={"phase": "snapshot", "progress": 5, "error": ""})
    if lease is None:
        return False
    run = AllocationRun.objects.select_related("call").get(pk=run_id)
    try:
        policy = policy_of(run.call)
        built_at = timezone.now()
        data = snapshot.build(run.call, policy)
        digest = snapshot.sha256(data)
        _pause()
        jobs.renew(lease, phase="engine", progress=30)
        computed = plan.compute(data)
        jobs.renew(lease, phase="writing", progress=60)
        _pause()
    except Exception as exc:
        # The database may have dropped the connection (a restart): a new one, so the failure is recorded.
        if connection.connection is not None and not connection.in_atomic_block and not connection.is_usable():
            connection.close()
        jobs.finish(lease, "failed", error=_("De verdeling is mislukt: %(error)s") % {"error": exc})
        return False
    if not _write(lease, data, digest, computed):
        return False
    # The run page's approval check may take this as its first finding of unchanged inputs.
    transaction.on_commit(lambda: snapshot.remember_unchanged(run_id, digest, built_at))
    return True


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


def _write(lease: jobs.Lease, data: dict, digest: str, computed: plan.Plan) -> bool:
    """Write the snapshot, the lines and their splits in one transaction, only while holding the lease."""
    with transaction.atomic():
        run = jobs.hold(lease)
        if run is None:
            return False  # another attempt took over, or it is already done
        RunSnapshot.objects.filter(run=run).delete()
        LineSplit.objects.filter(line__run=run).delete()
        AllocationLine.objects.filter(run=run).delete()
        RunSnapshot.objects.create(run=run, data=data, sha256=digest)
        count = _write_lines(run, computed.lines)
        fields = {
            "input_hash": digest,
            "rules_hash": data["policy"]["rules_sha256"],
            "engine_version": snapshot.ENGINE_VERSION,
            "parameters": {
                **run.parameters,
                "policy": {k: v for k, v in data["policy"].items() if k != "reservations"},
                "reservations": len(data["policy"]["reservations"]),
            },
            "method": data["policy"]["method"],
            **totals(computed),
            "phase": "done",
            "progress": 100,
        }
        jobs.finish(
            lease, "done", job=run, fields=fields, data={"input_hash": digest, "lines": count, "attempt": lease.attempt}
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
    """Re-queue runs whose message was lost or whose worker died (``jobs.stale``); those out of attempts fail."""
    stale = jobs.stale(RUN_JOBS, now=now)
    for pk in stale:
        enqueue(pk)
    return stale
