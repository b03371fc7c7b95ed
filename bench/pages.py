"""Page speed at a real volume: the p95 of the slow pages at 1,000 applications, served by gunicorn with two
workers on PostgreSQL, beside a trivial view on the same server as the floor.

The floor is ``/health/`` (one ``SELECT 1``) with the same signed-in session as the pages: what every
request costs on this server, this machine, this run. The target is a page within 5x that floor.

It runs in three steps, each its own process, so nothing here needs Django and nothing is left behind:
``prepare`` (a subprocess: migrate a fresh database, load reference data, generate the data set with
bench/pagedata.py, sign in the roles, and write the URLs and session cookies to a JSON file), gunicorn, and
the sequential requests from this process. The database is dropped and the server stopped even on error.
Only 127.0.0.1 is contacted; every loop is bounded by a count and a time budget.

To measure one more page, add one line to ``PAGES``: its name, the role that opens it and its URL.

The SPUK policy page (issue 18: 433 KB and 1,8 s before its reservations became a table) has two figures of
its own: its size in KB (target under 100 KB; the application list's size as the floor) and its p95 as a
multiple of the application list's (target within 3x).
"""

from __future__ import annotations

import http.client
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.common import emit

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get("BENCH_PAGES_DATABASE", "nplv_bench_pages")  # one per engineer on a shared server
APPLICATIONS = 1_000
WORKERS = 2
FLOOR_TARGET = 5.0
WARMUP = 5  # requests before measuring, so both workers have loaded templates and opened files
COUNT = 40  # measured requests per page ...
BUDGET_SECONDS = 12.0  # ... unless the page is so slow that this much time runs out first ...
MINIMUM = 5  # ... and never fewer than this many
REQUEST_TIMEOUT = 120.0
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # "administrator", "reviewer" or "officer": whose session opens it
    url: Callable  # PageData -> path; called in the prepare step, where Django is set up


def _reverse(name: str, *args: int) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


PAGES = [
    Page("call_assessment", "administrator", lambda d: _reverse("call_assessment", d.biggest_call)),
    Page("api_applications", "administrator", lambda d: _reverse("application-list")),
    Page("review", "reviewer", lambda d: _reverse("review_detail", d.open_assignment)),
    Page("provisional_points", "administrator", lambda d: _reverse("application_points", d.provisional_application)),
    Page("reviewer_queue", "reviewer", lambda d: _reverse("review_queue")),
    Page("application_list", "administrator", lambda d: _reverse("application_list")),
    Page("spuk_policy", "administrator", lambda d: _reverse("allocation_policy", d.spuk_call)),
]
# The SPUK policy page beside the application list: its size and its p95 as a multiple of the list's.
SPUK_PAGE, SPUK_BASE = "spuk_policy", "application_list"
SPUK_KB_TARGET = 100.0
SPUK_VS_LIST_TARGET = 3.0
FLOOR = Page("floor", "administrator", lambda d: _reverse("health"))


def p95(samples: list[float]) -> float:
    """The nearest-rank 95th percentile: the smallest sample that at least 95% of the samples do not exceed
    (with 40 samples, the 38th fastest). Always a measured value, never an interpolation."""
    if not samples:
        raise ValueError("p95 of no samples")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def sample(
    fetch: Callable[[], float],
    *,
    warmup: int = WARMUP,
    count: int = COUNT,
    budget: float = BUDGET_SECONDS,
    minimum: int = MINIMUM,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Seconds of ``count`` sequential calls after ``warmup`` unmeasured ones; a slow page stops at the time
    budget (warm-up after two calls, measuring after ``minimum`` calls), so the run always ends."""
    start = clock()
    for done in range(warmup):
        if done >= 2 and clock() - start > budget / 4:
            break
        fetch()
    times: list[float] = []
    start = clock()
    while len(times) < count and (len(times) < minimum or clock() - start < budget):
        times.append(fetch())
    return times


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin(url: str, *statements: str) -> None:
    """Run statements on the server's maintenance database, as the DATABASE_URL user."""
    import psycopg

    parts = urlsplit(url)
    conninfo = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as connection:
        for statement in statements:
            connection.execute(statement)


def _environment(database_url: str, secret_key: str) -> dict[str, str]:
    """Production settings (DEBUG off) on the bench database; plain HTTP on 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secret_key,  # the same in prepare and in gunicorn: sessions are signed with it
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATICFILES_MANIFEST="0",  # no collectstatic here
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="nplvportal.settings",
    )
    env.pop("SECRET_KEY_FILE", None)
    return env


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, cookie: str, *, timeout: float = REQUEST_TIMEOUT) -> tuple[int, float]:
    """One GET on 127.0.0.1 (a new connection, as gunicorn's sync workers close each one): status, seconds."""
    status, seconds, _size = fetch_sized(port, path, cookie, timeout=timeout)
    return status, seconds


def fetch_sized(port: int, path: str, cookie: str, *, timeout: float = REQUEST_TIMEOUT) -> tuple[int, float, int]:
    """``fetch``, with the size of the body in bytes (as served: gunicorn here does not compress)."""
    accept = "application/json" if path.startswith("/api/") else "text/html"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        start = time.perf_counter()
        connection.request("GET", path, headers={"Cookie": cookie, "Accept": accept})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - start, len(body)
    finally:
        connection.close()


def _checked(port: int, page: dict, log: Path) -> Callable[[], float]:
    def once() -> float:
        status, seconds = fetch(port, page["url"], page["cookie"])
        if status != 200:  # never time an error page or a redirect to the login
            raise RuntimeError(
                f"{page['name']}: GET {page['url']} answered {status}, not 200; server log:\n{log.read_text()[-3000:]}"
            )
        return seconds

    return once


def _report(name: str, url: str, times: list[float]) -> float:
    milliseconds = p95(times) * 1000
    median = sorted(times)[len(times) // 2] * 1000
    print(f"pages: {name} {url}: p95 {milliseconds:.1f} ms over {len(times)} requests (median {median:.1f} ms)")
    return milliseconds


def _size_kb(port: int, page: dict) -> float:
    status, _seconds, size = fetch_sized(port, page["url"], page["cookie"])
    if status != 200:
        raise RuntimeError(f"{page['name']}: GET {page['url']} answered {status}, not 200")
    print(f"pages: {page['name']} {page['url']}: {size} bytes", flush=True)
    return size / 1024


def _measure(port: int, plan: dict, log: Path) -> dict[str, float]:
    """The p95 in milliseconds per page, and of the floor under "floor". The floor is measured before and
    after the pages and its p95 taken over both, so a slower or busier stretch of a shared machine weighs
    on the floor too. (Not right after each page request: the floor then pays for the page before it.)"""
    floor = _checked(port, plan["floor"], log)
    floor_times = sample(floor)
    results = {
        page["name"]: _report(page["name"], page["url"], sample(_checked(port, page, log))) for page in plan["pages"]
    }
    floor_times += sample(floor, warmup=0)
    results["floor"] = _report("floor", plan["floor"]["url"], floor_times)
    return results


def _start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "nplvportal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--timeout=180",
        "--log-level=warning",
    ]
    with log.open("wb") as out:
        # Our own interpreter and module with fixed arguments: nothing from outside reaches the command.
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def _wait_until_ready(server: subprocess.Popen, port: int, cookie: str, log: Path, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            if fetch(port, "/health/", cookie, timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{log.read_text()[-2000:]}")


def _stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def run(*, applications: int = APPLICATIONS) -> None:
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in POSTGRES_SCHEMES:
        print("SKIP bench.pages: needs PostgreSQL; set DATABASE_URL=postgres://user@host:port/db", flush=True)
        return
    env = _environment(_database_url(url, DATABASE), secrets.token_urlsafe(50))
    drop = f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'
    server = None
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        plan_path, log = Path(tmp) / "plan.json", Path(tmp) / "gunicorn.log"
        try:
            _admin(url, drop, f'CREATE DATABASE "{DATABASE}"')
            started = time.perf_counter()
            subprocess.run(  # noqa: S603 - our own interpreter and module, fixed arguments
                [sys.executable, "-m", "bench.pages", "prepare", str(plan_path), str(applications)],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=600,
            )
            plan = json.loads(plan_path.read_text())
            print(f"pages: data ready in {time.perf_counter() - started:.1f} s: {plan['counts']}", flush=True)
            port = _free_port()
            server = _start_server(env, port, log)
            _wait_until_ready(server, port, plan["floor"]["cookie"], log)
            results = _measure(port, plan, log)
            sizes = {
                page["name"]: _size_kb(port, page) for page in plan["pages"] if page["name"] in (SPUK_PAGE, SPUK_BASE)
            }
        finally:
            if server is not None:
                _stop_server(server)
            try:
                _admin(url, drop)
            except Exception as exc:  # say so, without hiding the error that brought us here
                print(f"pages: could not drop the database {DATABASE}: {exc}", flush=True)
    floor = results.pop("floor")
    for name, milliseconds in results.items():
        emit(f"page_{name}_p95", milliseconds, "ms", target=FLOOR_TARGET * floor, floor=floor)
        emit(f"page_{name}_vs_floor", milliseconds / floor, "x", target=FLOOR_TARGET, floor=1)
    emit_spuk(results, sizes)


def emit_spuk(results: dict[str, float], sizes: dict[str, float]) -> None:
    """The SPUK policy page's own figures: its size (the application list's as the floor) and its p95 as a
    multiple of the application list's, measured in the same run on the same server."""
    emit(f"page_{SPUK_PAGE}_kb", sizes[SPUK_PAGE], "KB", target=SPUK_KB_TARGET, floor=sizes[SPUK_BASE])
    emit(
        f"page_{SPUK_PAGE}_vs_{SPUK_BASE}",
        results[SPUK_PAGE] / results[SPUK_BASE],
        "x",
        target=SPUK_VS_LIST_TARGET,
        floor=1,
    )


def prepare(plan_path: Path, applications: int = APPLICATIONS) -> dict:
    """In a process of its own, on the fresh bench database: migrate, load, generate, sign in; write the plan."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nplvportal.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from bench import pagedata

    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"pages: {message}", flush=True)

    call_command("migrate", verbosity=0)
    log(f"migrated ({time.perf_counter() - started:.1f} s)")
    pagedata.load_reference()
    data = pagedata.generate(applications=applications, log=log)
    cookies = {
        role: f"{settings.SESSION_COOKIE_NAME}={pagedata.session_for(getattr(data, role))}"
        for role in ("administrator", "reviewer", "officer")
    }
    plan = {
        "floor": {"name": FLOOR.name, "url": FLOOR.url(data), "cookie": cookies[FLOOR.role]},
        "pages": [{"name": p.name, "url": p.url(data), "cookie": cookies[p.role]} for p in PAGES],
        "cookies": cookies,
        "counts": data.counts,
    }
    plan_path.write_text(json.dumps(plan, indent=2))
    return plan


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "prepare":
        prepare(Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else APPLICATIONS)
    else:
        run()
