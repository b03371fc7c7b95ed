"""Sent awards for the money overview: ``payments.sent.sent_run`` over the officer's municipality (rank 1, a
full award of € 120.001,00 in two instalments), another municipality (rank 2, a partial award of € 50.000,01)
and a third (refused)."""

from decimal import Decimal

import pytest

from allocations.runs.models import Decision
from tests.allocations.payments.sent import sent_run
from tests.allocations.settlements.conftest import (  # noqa: F401 - fixtures
    account,
    coordinator,
    pay_first,
    spuk,
    subsidy,
)
from tests.factories import MunicipalityFactory


@pytest.fixture
def money_run(municipality, other_municipality, administrator):
    run = sent_run(
        by=administrator, prefix="G", municipalities=[municipality, other_municipality, MunicipalityFactory()]
    )
    return run


@pytest.fixture
def own_award(money_run):
    return Decision.objects.select_related("application__municipality").get(run=money_run, line__rank=1)


@pytest.fixture
def their_award(money_run):
    return Decision.objects.select_related("application__municipality").get(run=money_run, line__rank=2)


@pytest.fixture
def accounted(own_award, their_award, administrator):
    """The officer's award: the first instalment paid and € 50.000,00 spent (final account in); the other's:
    figures for 2027 only."""
    pay_first(own_award)
    account(own_award, spent_2027=Decimal("30000.00"), spent_2028=Decimal("20000.00"), by=administrator)
    from allocations.accountability.models import Source, Statement

    Statement.objects.create(
        decision=their_award,
        year=2027,
        spent=Decimal("1000.00"),
        spent_to_date=Decimal("1000.00"),
        source=Source.PORTAL,
        entered_by=administrator,
    )
    return own_award
