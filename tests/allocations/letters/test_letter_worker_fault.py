"""A real worker is killed in the middle of a letter batch; after a restart and a sweep, every decision has
exactly one current letter, with the same hash as an undisturbed rendering (PostgreSQL and Redis)."""

import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from django.db.models import Count

from allocations.letters import selectors, services
from allocations.letters.models import JobStatus, Letter, LetterJob
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, SEND_ON, prepare
from tests.worker import WorkerProcess, wait_for, worker_unavailable_reason

pytestmark = pytest.mark.worker
LETTERS = 30


def _children(pid: int) -> list[int]:
    """The pool processes of the worker we started (from /proc, so only our own worker's children)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


@pytest.fixture
def worker_queue(transactional_db, monkeypatch):
    reason = worker_unavailable_reason()
    if reason:
        if os.environ.get("REQUIRE_WORKER") == "1":
            pytest.fail(f"A real worker is required here but {reason}")
        pytest.skip(reason)
    from nplvportal.celery import app

    # A short lease, so a dead worker's jobs come free within the test; the workers read it at start.
    monkeypatch.setenv("LETTER_LEASE_SECONDS", "3")
    queue = f"test-{uuid.uuid4().hex[:12]}"
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    yield queue
    app.conf.task_default_queue, app.conf.task_always_eager = previous


def test_killing_a_worker_mid_batch_leaves_exactly_one_identical_letter_per_decision(
    worker_queue, administrator, tmp_path, settings
):
    run = letter_run(count=LETTERS, by=administrator, prefix="F")
    texts = services.texts_for(run.call)
    expected = {}
    import hashlib

    for decision in selectors.decisions_for_letters(run.decisions.values("pk")):
        expected[decision.number] = hashlib.sha256(services.render_letter_pdf(decision, texts, SEND_ON)).hexdigest()

    first = WorkerProcess(worker_queue, tmp_path / "first.log")
    first.start()
    prepare(run, now=SEND_DAY)  # autocommit here: the tasks are queued at once
    wait_for(
        lambda: Letter.objects.filter(decision__run=run).count() >= 4,
        timeout=60,
        worker=first,
        what="the first letters",
    )
    for child in _children(first.process.pid):
        os.kill(child, signal.SIGKILL)
    first.kill()
    done_at_kill = Letter.objects.filter(decision__run=run).count()
    assert done_at_kill < LETTERS, "the batch finished before the worker was killed; the test proves nothing"
    assert LetterJob.objects.filter(run=run).exclude(status=JobStatus.DONE).exists()

    second = WorkerProcess(worker_queue, tmp_path / "second.log")
    second.start()
    try:
        time.sleep(3.5)  # let the dead worker's leases run out
        deadline = time.monotonic() + 120
        while not selectors.batch_progress(run).finished and time.monotonic() < deadline:
            services.sweep_jobs()  # what beat does every minute
            time.sleep(2)
        progress = selectors.batch_progress(run)
        assert progress.finished and progress.failed == 0, (progress, second.output()[-3000:])
    finally:
        second.stop()

    current = Letter.objects.filter(decision__run=run, superseded_at__isnull=True)
    assert current.count() == LETTERS
    assert not Letter.objects.filter(decision__run=run).values("decision").annotate(n=Count("pk")).filter(n__gt=1)
    assert {letter.decision.number: letter.sha256 for letter in current.select_related("decision")} == expected
    for letter in current:
        with letter.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == letter.sha256
