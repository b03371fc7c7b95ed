"""A final run of three decisions, the first addressed to the ``officer`` fixture's municipality, sent on Monday
15 March 2027: the objection term ends on Monday 26 April 2027, the decision term on Monday 7 June 2027."""

import datetime

import pytest
import time_machine

from allocations.objections import services
from allocations.runs.models import Decision
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.factories import MunicipalityFactory, OfficerFactory

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


# --- The letters' tests (test_objection_letter*.py): a case on the demo's tie, registered by e-mail in time.
LETTERS_RECEIVED = datetime.date(2027, 4, 1)
LETTERS_GROUNDS = "De punten van een criterium zijn verkeerd opgeteld."


@pytest.fixture
def tie(final_run_of):
    """The demo's tie, final and sent: C lost the tie at the cut-off and got nothing (for the letters' tests)."""
    call, a, b, c = tie_call()
    run = final_run_of(call)
    return run, a, b, c


@pytest.fixture
def objector_officer(tie):
    return OfficerFactory(municipality=tie[3].municipality, email="bezwaar@gemeente.example")


@pytest.fixture
def case(tie, administrator, objector_officer, django_capture_on_commit_callbacks):
    run, _a, _b, c = tie
    decision = Decision.objects.get(run=run, application=c)
    with time_machine.travel(at(LETTERS_RECEIVED), tick=False), django_capture_on_commit_callbacks(execute=True):
        return services.register_objection(
            decision=decision,
            by=administrator,
            objector=c.municipality,
            channel="email",
            received_on=LETTERS_RECEIVED,
            grounds=LETTERS_GROUNDS,
            now=at(LETTERS_RECEIVED),
        )
