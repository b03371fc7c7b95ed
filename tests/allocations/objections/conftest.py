"""A final run of three decisions, the first addressed to the ``officer`` fixture's municipality, sent on Monday
15 March 2027: the objection term ends on Monday 26 April 2027, the decision term on Monday 7 June 2027."""

import datetime

import pytest

from allocations.runs.models import Decision
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY
from tests.factories import MunicipalityFactory

SENT_ON = datetime.date(2027, 3, 15)
LAST_DAY = datetime.date(2027, 4, 26)
DECISION_TERM_END = datetime.date(2027, 6, 7)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """A moment on ``day`` in Amsterdam (UTC+1 or +2: 10:00 UTC is the same day there)."""
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


@pytest.fixture
def run(administrator, municipality):
    others = [MunicipalityFactory(name=f"Concurrent {i}") for i in range(2)]
    return letter_run(count=3, by=administrator, municipalities=[municipality, *others])


@pytest.fixture
def unsent(run, municipality):
    return Decision.objects.get(run=run, application__municipality=municipality)


@pytest.fixture
def decision(run, unsent):
    """The officer's decision, sent with the rest of the run (as ``letters.batches.mark_batch_sent`` does)."""
    Decision.objects.filter(run=run).update(sent_at=SEND_DAY)
    unsent.refresh_from_db()
    return unsent


@pytest.fixture
def foreign_decision(run, decision, municipality):
    return Decision.objects.filter(run=run).exclude(application__municipality=municipality).first()
