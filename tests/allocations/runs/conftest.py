"""Fixtures for the allocation-run tests."""

import pytest

from allocations.runs import services


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start a run and let its task (eager) run as it would after the commit."""

    def go(call, by):
        with django_capture_on_commit_callbacks(execute=True):
            run = services.start_run(call=call, by=by)
        run.refresh_from_db()
        return run

    return go
