"""An allocation run end to end on PostgreSQL: 10,000 reviewed applications with points, from the start of
the run to its last line written (the task's work in-process: snapshot, engine, lines, splits). Beside it the
engine alone on the same claims, its floor.

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


def _seed() -> tuple:
    from django.utils import timezone

    from accounts.models import Municipality, Role, User
    from applications.models import Application, BudgetLine, Call, PointsBreakdown, PointsComponent, Scheme, Status

    scheme = Scheme.objects.create(code="bench", name="Bench")
    themes = [scheme.themes.create(name=f"Thema {i}", order=i) for i in range(2)]
    now = timezone.now()
    call = Call.objects.create(
        scheme=scheme,
        code="bench-call",
        title="Bench",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        budget=Decimal("1000000000.00"),
        year_from=2026,
        year_to=2027,
        multiple_per_municipality=True,
        prefix="BENCH",
    )
    municipalities = Municipality.objects.bulk_create(
        Municipality(
            cbs_code=f"GM{i:04d}",
            name=f"Gemeente {i}",
            province="Utrecht",
            inhabitants=10_000 + i * 37,
            inhabitants_year=2024,
        )
        for i in range(100)
    )
    user = User.objects.create_user(email="bench@example.nl", password=None, role=Role.ADMINISTRATOR)
    applications = Application.objects.bulk_create(
        (
            Application(
                call=call,
                municipality=municipalities[i % 100],
                area_name=f"Wijk {i // 100}",
                reference=f"B-{i:05d}",
                title="Plan",
                status=Status.REVIEWED,
                requested_amount=Decimal(100_000 + (i * 7919) % 400_000) + Decimal("0.55"),
                cofinancing_amount=Decimal("0"),
                created_by=user,
                updated_by=user,
                submitted_at=now,
            )
            for i in range(APPLICATIONS)
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

    from allocations.runs import plan, services, snapshot
    from allocations.runs.models import AllocationLine
    from allocations.runs.selectors import policy_of

    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call, user = _seed()
        services._enqueue = lambda run_id: None  # the task runs here, in-process, and is timed on its own
        times = []
        for _ in range(3):
            start = time.perf_counter()
            run = services.start_run(call=call, by=user)
            assert services.execute_run(run.pk)
            times.append(time.perf_counter() - start)
        assert AllocationLine.objects.filter(run=run).count() == APPLICATIONS
        data = snapshot.build(call, policy_of(call))
        claims = []
        reservations = {}
        for app in data["applications"]:
            claim, _reason = plan._claim(app, data["policy"], reservations)
            claims.append(claim)
        pots, policy = plan.engine_pots(data["policy"]), plan.engine_policy(data["policy"])
        from allocations import engine

        floor = median_time(lambda: engine.allocate(claims, pots, policy), repeat=5)
        emit("run_engine_10k", floor, "s", target=SECONDS_TARGET, floor=floor)
        emit("run_e2e_10k", sorted(times)[1], "s", target=SECONDS_TARGET, floor=floor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
