"""Load: 50 signed-in users for 60 seconds against gunicorn with two workers on PostgreSQL, 1,000
applications with reviews and points (bench/pagedata.py), officer, reviewer and administrator pages and API
calls mixed (bench/locustfile.py). ``make load`` runs it; it is not part of ``make test``.

The pieces are those of bench/pages.py: a fresh database, a ``prepare`` subprocess that fills it and signs the
roles in, gunicorn on 127.0.0.1, and the database dropped and the server stopped even on error. Locust runs
headless with a fixed user count and duration, and is itself stopped if it overruns. The table gives p50, p95
and errors per page beside ``/health/`` (one ``SELECT 1``), the floor; the figures go to bench/load.json.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import pages

ROOT = pages.ROOT
DATABASE = "nplv_bench_load"
USERS = 50
SPAWN_RATE = 10  # users started per second: all 50 run after 5 s
SECONDS = 60
TARGET_MS = 150.0
TARGET_PAGES = ("reviewer_queue", "application_list", "run_page")
FLOOR_TARGET = 5.0
RESULTS_PATH = Path(__file__).with_name("load.json")


def prepare(plan_path: Path) -> None:
    """The page benchmark's data and sessions, plus a finished allocation run on the biggest call and one
    application of the officer's municipality: the URLs the simulated users open."""
    pages.prepare(plan_path)  # sets Django up
    from accounts.models import Role, User
    from allocations.runs import services
    from allocations.runs.execution import execute_run
    from applications.models import Application, ReviewAssignment

    plan = json.loads(plan_path.read_text())
    administrator = User.objects.filter(role=Role.ADMINISTRATOR).order_by("pk").first()
    by_name = {p["name"]: p["url"] for p in plan["pages"]}
    call_id = int(by_name["call_assessment"].rstrip("/").split("/")[-2])
    from applications.models import Call

    run = services.start_run(call=Call.objects.get(pk=call_id), by=administrator)
    execute_run(run.pk)  # in this process (no broker here), to the end
    officer_session = plan["cookies"]["officer"].split("=", 1)[1]
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=officer_session)
    officer = User.objects.get(pk=store["_auth_user_id"])
    reviewer_session = plan["cookies"]["reviewer"].split("=", 1)[1]
    reviewer = User.objects.get(
        pk=import_module(settings.SESSION_ENGINE).SessionStore(session_key=reviewer_session)["_auth_user_id"]
    )
    own = Application.objects.filter(municipality_id=officer.municipality_id).order_by("pk").first()
    assignments = list(
        ReviewAssignment.objects.filter(reviewer=reviewer, active=True).order_by("pk").values_list("pk", flat=True)[:20]
    )
    plan["urls"] = {
        **by_name,
        "floor": plan["floor"]["url"],
        "run_page": f"/verdelingen/{run.pk}/",
        "api_run": f"/api/v1/allocation-runs/{run.pk}/",
        "officer_application": f"/aanvragen/{own.pk}/",
        "reviews": [f"/beoordelingen/{pk}/" for pk in assignments],
    }
    plan_path.write_text(json.dumps(plan, indent=2))


def _percentile(row: dict, key: str) -> float:
    value = row.get(key, "")
    return float(value) if value not in ("", "N/A") else float("nan")


def read_stats(path: Path) -> dict[str, dict]:
    """Locust's stats CSV: per page name, requests, errors, p50 and p95 in milliseconds."""
    figures = {}
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "p50_ms": _percentile(row, "50%"),
                "p95_ms": _percentile(row, "95%"),
            }
    return figures


def table(figures: dict[str, dict]) -> tuple[str, list[str]]:
    """The printed table, and the targets missed (0 errors anywhere; the three pages under 150 ms and within
    5x the floor's p95)."""
    floor = figures["floor"]["p95_ms"]
    lines = [f"{'page':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'x floor':>9}"]
    missed = []
    for name in sorted(figures, key=lambda n: (n == "floor", n)):
        f = figures[name]
        ratio = f["p95_ms"] / floor if floor else float("nan")
        lines.append(f"{name:<24}{f['requests']:>9}{f['errors']:>8}{f['p50_ms']:>9.0f}{f['p95_ms']:>9.0f}{ratio:>9.1f}")
        if f["errors"]:
            missed.append(f"{name}: {f['errors']} errors")
        if name in TARGET_PAGES and (f["p95_ms"] > TARGET_MS or ratio > FLOOR_TARGET):
            missed.append(f"{name}: p95 {f['p95_ms']:.0f} ms ({ratio:.1f}x the floor)")
    return "\n".join(lines), missed


def _environment(database_url: str) -> dict[str, str]:
    """Tasks in-process (no broker here). The cache is the shared one that production uses when CACHE_URL
    is given (in a namespace of this run's own), else each gunicorn worker's local memory."""
    env = pages._environment(database_url, secrets.token_urlsafe(50))
    env.pop("CELERY_BROKER_URL", None)
    if env.get("CACHE_URL"):
        env["CACHE_KEY_PREFIX"] = f"nplv-load-{secrets.token_hex(6)}"
    return env


def run(*, fail_on_errors: bool = False) -> int:
    """The load run; returns the exit status: 0, or 1 with ``fail_on_errors`` when a request failed (CI).
    A latency target missed is reported, never fatal: timings depend on the machine."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in pages.POSTGRES_SCHEMES:
        print("SKIP bench.load: needs PostgreSQL; set DATABASE_URL=postgres://user@host:port/db", flush=True)
        return 0
    env = _environment(pages._database_url(url, DATABASE))
    drop = f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'
    server = locust = None
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        plan_path, log = Path(tmp) / "plan.json", Path(tmp) / "gunicorn.log"
        try:
            pages._admin(url, drop, f'CREATE DATABASE "{DATABASE}"')
            started = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
                [sys.executable, "-m", "bench.load", "prepare", str(plan_path)],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=900,
            )
            plan = json.loads(plan_path.read_text())
            print(f"load: data ready in {time.perf_counter() - started:.1f} s: {plan['counts']}", flush=True)
            port = pages._free_port()
            server = pages._start_server(env, port, log)
            pages._wait_until_ready(server, port, plan["floor"]["cookie"], log)
            command = [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                f"--users={USERS}",
                f"--spawn-rate={SPAWN_RATE}",
                f"--run-time={SECONDS}s",
                "--stop-timeout=10",
                f"--host=http://127.0.0.1:{port}",
                f"--csv={Path(tmp) / 'locust'}",
                "--only-summary",
                "--loglevel=WARNING",
            ]
            print(f"load: {USERS} users for {SECONDS} s on 127.0.0.1:{port} (gunicorn, {pages.WORKERS} workers)")
            locust = subprocess.Popen(  # noqa: S603 - our own interpreter and module, fixed arguments
                command, cwd=ROOT, env={**os.environ, "LOAD_PLAN": str(plan_path)}, stdout=subprocess.DEVNULL
            )
            locust.wait(timeout=SECONDS + 60)  # locust exits 1 when a request failed: the table says which
            figures = read_stats(Path(tmp) / "locust_stats.csv")
        finally:
            if locust is not None and locust.poll() is None:
                locust.kill()
                locust.wait()
            if server is not None:
                pages._stop_server(server)
            try:
                pages._admin(url, drop)
            except Exception as exc:  # say so, without hiding the error that brought us here
                print(f"load: could not drop the database {DATABASE}: {exc}", flush=True)
    text, missed = table(figures)
    print(text)
    payload = {
        "users": USERS,
        "seconds": SECONDS,
        "gunicorn_workers": pages.WORKERS,
        "load_average": os.getloadavg(),
        "targets": {"p95_ms": TARGET_MS, "pages": list(TARGET_PAGES), "floor_multiple": FLOOR_TARGET, "errors": 0},
        "pages": figures,
        "missed": missed,
    }
    RESULTS_PATH.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    for miss in missed:
        print(f"WARNING: target missed: {miss}")
    print(f"load: figures written to {RESULTS_PATH}")
    errors = sum(f["errors"] for f in figures.values())
    if fail_on_errors and errors:
        print(f"FAIL: {errors} request(s) failed under load")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]))
    else:
        sys.exit(run(fail_on_errors="--fail-on-errors" in sys.argv[1:]))
