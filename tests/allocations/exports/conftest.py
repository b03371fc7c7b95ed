"""The exports' final run: ``final_runs.export_run`` (odd cents, networks, a reserve, a hostile title, letters)."""

import pytest

from tests.allocations.final_runs import export_run


@pytest.fixture
def final_run(db):
    return export_run()
