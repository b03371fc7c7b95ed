"""Fixtures of the schema conformance tests (the administrator's run has a file of its own)."""

import pytest

from allocations.runs import services as runs


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Start an allocation run and let its task (eager) run as it would after the commit."""

    def go(call, by):
        with django_capture_on_commit_callbacks(execute=True):
            run = runs.start_run(call=call, by=by)
        run.refresh_from_db()
        return run

    return go


@pytest.fixture
def _keep_the_test_connection():
    """Like Django's test client: the WSGI handler must not close the test database's connection."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
