"""Fixtures for the allocation-run tests."""

import pytest

from allocations.letters import batches
from allocations.runs import services
from tests.allocations.letters.batch import SEND_DAY, prepare


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its task (eager) run as it would after the commit."""

    def go(call, by):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.start_run(call=call, by=by)
        run.refresh_from_db()
        return run

    return go


@pytest.fixture
def final_run_of(administrator, second_administrator, start, django_capture_on_commit_callbacks):
    """A final run of ``call`` whose letters are made and, with ``send``, sent (as in test_runs_verify_final)."""

    def go(call, *, send: bool = True):
        run = start(call, administrator)
        run = services.approve_run(run=run, by=second_administrator)
        with django_capture_on_commit_callbacks(execute=True):
            prepare(run, by=administrator)
        if send:
            with django_capture_on_commit_callbacks(execute=True):
                batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
        return run

    return go
