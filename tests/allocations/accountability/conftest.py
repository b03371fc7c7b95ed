"""Sent awards to account for: a final run of three municipalities (2027–2028), the first one the officer's."""

import datetime

import pytest

from allocations.runs.models import Decision
from applications.models import Scheme
from tests.allocations.final_runs import letter_run
from tests.factories import MunicipalityFactory

SENT_AT = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)


def sent_run(*, municipality, administrator, prefix="V", kind=Scheme.Kind.SPECIFIC_GRANT):
    others = [MunicipalityFactory(), MunicipalityFactory()]
    run = letter_run(by=administrator, prefix=prefix, municipalities=[municipality, *others])
    Scheme.objects.filter(pk=run.call.scheme_id).update(kind=kind)
    Decision.objects.filter(run=run).update(sent_at=SENT_AT)
    return run


@pytest.fixture
def awards(municipality, administrator):
    """The SPUK run's decisions by rank: 1 the officer's full award (€ 120.001,00, a quarter per theme and year),
    2 another municipality's partial award (€ 50.000,01), 3 a refusal."""
    run = sent_run(municipality=municipality, administrator=administrator)
    decisions = Decision.objects.filter(run=run).select_related("line", "application__municipality")
    return {d.line.rank: d for d in decisions}


@pytest.fixture
def subsidy(municipality, administrator):
    """The officer's award under an Awb subsidy (no carry-over, a report with the final account)."""
    run = sent_run(municipality=municipality, administrator=administrator, prefix="W", kind=Scheme.Kind.SUBSIDY)
    return Decision.objects.get(run=run, line__rank=1)
