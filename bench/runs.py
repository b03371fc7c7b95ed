"""An allocation run end to end on PostgreSQL: 10,000 reviewed applications with points, from the start of
the run to its last line written (the task's work in-process: snapshot, engine, lines, splits). Beside it the
engine alone on the same claims, its floor. Then the approval of a run of 342 applications (one per
municipality, as many as the Netherlands has): the inputs compared afresh, a decision per application, each
application moved through the lifecycle with its audit event; no letter is made (they are prepared later,
with their send date). Its floor: the same rows written in bulk (decisions, one status update, audit events).

Needs ``DATABASE_URL`` pointing at PostgreSQL; it creates (and afterwards drops) a ``test_`` database there,
so the data of that database is never touched. Without it the benchmark prints why and is skipped.
"""

from __future__ import annotations

import datetime
import os
import time
from decimal import Decimal

from bench.common import emit, median_time

APPLICATIONS = 10_000
SECONDS_TARGET = 10.0
APPROVE_APPLICATIONS = 342
APPROVE_TARGET = 2.0


def _setup_django() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "needs DATABASE_URL pointing at PostgreSQL"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-to-serve-0123456789")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    import django

    django.setup()
    return None


def _seed(*, applications_count: int = APPLICATIONS, code: str = "bench-call") -> tuple:
    from django.utils import timezone

    from accounts.models import Municipality, Role, User
    from applications.models import Application, BudgetLine, Call, PointsBreakdown, PointsComponent, Scheme, Status

    scheme = Scheme.objects.create(code=code, name="Bench")
    themes = [scheme.themes.create(name=f"Thema {i}", order=i) for i in range(2)]
    now = timezone.now()
    call = Call.objects.create(
        scheme=scheme,
        code=code,
        title="Bench",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        budget=Decimal("1000000000.00"),
        year_from=2026,
        year_to=2027,
        multiple_per_municipality=True,
        prefix=code.upper().replace("-", "")[:12],
    )
    # A hundred municipalities with many areas each for the large run; one application per municipality for
    # the approval of 342.
    count = min(applications_count, 100) if applications_count > 342 else applications_count
    municipalities = list(Municipality.objects.filter(cbs_code__startswith="GM").order_by("cbs_code")[:count])
    municipalities += Municipality.objects.bulk_create(
        Municipality(
            cbs_code=f"GM{i:04d}",
            name=f"Gemeente {i}",
            province="Utrecht",
            inhabitants=10_000 + i * 37,
            inhabitants_year=2024,
        )
        for i in range(len(municipalities), count)
    )
    user, _ = User.objects.get_or_create(email="bench@example.nl", defaults={"role": Role.ADMINISTRATOR})
    applications = Application.objects.bulk_create(
        (
            Application(
                call=call,
                municipality=municipalities[i % count],
                area_name=f"Wijk {i // 100}",
                reference=f"{call.prefix}-{i:05d}",
                title="Plan",
                status=Status.REVIEWED,
                requested_amount=Decimal(100_000 + (i * 7919) % 400_000) + Decimal("0.55"),
                cofinancing_amount=Decimal("0"),
                created_by=user,
                updated_by=user,
                submitted_at=now,
            )
            for i in range(applications_count)
        ),
        batch_size=2000,
    )
    lines, breakdowns = [], []
    for i, application in enumerate(applications):
        first = (application.requested_amount * Decimal("0.4")).quantize(Decimal("0.01"))
        lines.append(BudgetLine(application=application, theme=themes[0], year=2026, amount=first))
        lines.append(
            BudgetLine(application=application, theme=themes[1], year=2027, amount=application.requested_amount - first)
        )
        reviewer, need = Decimal(30 + (i * 31) % 60), Decimal((i * 13) % 20)
        breakdowns.append(
            PointsBreakdown(
                application=application,
                reviewer_score=reviewer,
                need_score=need,
                bonus_score=Decimal(0),
                total=reviewer + need,
                review_count=2,
            )
        )
    BudgetLine.objects.bulk_create(lines, batch_size=5000)
    breakdowns = PointsBreakdown.objects.bulk_create(breakdowns, batch_size=5000)
    PointsComponent.objects.bulk_create(
        (
            PointsComponent(breakdown=b, kind=kind, key=kind, label=kind, points=points, order=order)
            for b in breakdowns
            for order, (kind, points) in enumerate((("criterion", b.reviewer_score), ("indicator", b.need_score)))
        ),
        batch_size=5000,
    )
    return call, user


def run() -> None:
    reason = _setup_django()
    if reason:
        print(f"SKIP bench.runs: {reason}", flush=True)
        return
    from django.db import connection

    from allocations.runs import execution, plan, services, snapshot
    from allocations.runs.models import AllocationLine
    from allocations.runs.selectors import policy_of

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call, user = _seed()
        execution.enqueue = lambda run_id: None  # the task runs here, in-process, and is timed on its own
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run = services.start_run(call=call, by=user)
            assert execution.execute_run(run.pk)
            times.append(time.perf_counter() - start)
        assert AllocationLine.objects.filter(run=run).count() == APPLICATIONS
        data = snapshot.build(call, policy_of(call))
        claims = []
        reservations = {}
        for app in data["applications"]:
            claim, _ground, _lowered = plan._claim(app, data["policy"], reservations)
            claims.append(claim)
        pots, policy = plan.engine_pots(data["policy"]), plan.engine_policy(data["policy"])
        from allocations import engine

        floor = median_time(lambda: engine.allocate(claims, pots, policy), repeat=5)
        emit("run_engine_10k", floor, "s", target=SECONDS_TARGET, floor=floor)
        emit("run_e2e_10k", sorted(times)[1], "s", target=SECONDS_TARGET, floor=floor)
        _approve_342(services)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _approve_342(services) -> None:
    """The approval of a computed run of 342 applications by a second administrator, against its floor."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import AuditEvent, Role, User
    from allocations.runs import execution
    from allocations.runs.models import AllocationLine, Decision
    from applications.models import Application
    from applications.published_rules.services import record_version

    call, starter = _seed(applications_count=APPROVE_APPLICATIONS, code="bench-approve")
    record_version(call=call, by=None, now=call.opens_at - dt.timedelta(days=1))  # published before opening
    approver = User.objects.create_user(email="bench2@example.nl", password=None, role=Role.ADMINISTRATOR)
    run = services.start_run(call=call, by=starter)
    assert execution.execute_run(run.pk)
    lines = list(AllocationLine.objects.filter(run=run).select_related("application"))
    now = timezone.now()

    def floor_work() -> None:
        """The same rows the approval writes, in bulk and rolled back: the least the database must do."""
        with transaction.atomic():
            Decision.objects.bulk_create(
                Decision(
                    application=line.application,
                    run=run,
                    line=line,
                    number=f"FLOOR-{i:04d}",
                    outcome="awarded",
                    amount=line.awarded,
                    reason="",
                    decided_at=now,
                    decided_by=approver,
                )
                for i, line in enumerate(lines)
            )
            # The same rows touched in one statement (a status is only ever set through the workflow).
            Application.objects.filter(call=call).update(updated_at=now)
            AuditEvent.objects.bulk_create(
                AuditEvent(actor=approver, verb="application.awarded", target_id=str(line.application_id))
                for line in lines
            )
            transaction.set_rollback(True)

    floor = median_time(floor_work, repeat=5)
    start = time.perf_counter()
    services.approve_run(run=run, by=approver)
    seconds = time.perf_counter() - start
    assert Decision.objects.filter(run=run).count() == APPROVE_APPLICATIONS
    emit("approve_342", seconds, "s", target=APPROVE_TARGET, floor=floor)
