"""Decisions to settle: ``payments.sent.sent_run``'s awards (2027–2028, sent on 15 March 2027, with their
instalments), the first instalment paid, and a final account in; the clock after the spending period."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.models import User
from allocations.accountability.models import Source, Statement
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision
from applications.models import Scheme
from tests.allocations.payments.sent import sent_run
from tests.factories import AdministratorFactory

# After the spending period (2027–2028) and the final accounts.
SETTLE_DAY = datetime.datetime(2029, 9, 3, 9, 0, tzinfo=datetime.UTC)


def account(decision: Decision, *, spent_2027: Decimal, spent_2028: Decimal, by: User) -> None:
    """The decision's two statements, the second the final account."""
    Statement.objects.create(
        decision=decision, year=2027, spent=spent_2027, spent_to_date=spent_2027, source=Source.PORTAL, entered_by=by
    )
    Statement.objects.create(
        decision=decision,
        year=2028,
        spent=spent_2028,
        spent_to_date=spent_2027 + spent_2028,
        final=True,
        finished=True,
        source=Source.PORTAL,
        entered_by=by,
    )


def pay_first(decision: Decision) -> None:
    Instalment.objects.filter(decision=decision, sequence=1).update(
        status=InstalmentStatus.PAID, paid_on=datetime.date(2027, 4, 1)
    )


@pytest.fixture
def coordinator(db):
    """A third administrator, the coordinator who approves."""
    return AdministratorFactory(email="coordinator@minvro.nl")


@pytest.fixture
def settle_day():
    with time_machine.travel(SETTLE_DAY, tick=False):
        yield SETTLE_DAY


@pytest.fixture
def spuk(administrator):
    """The SPUK run's full award (rank 1, € 120.001,00 in two instalments of € 60.000,50), the first paid; the
    municipality spent € 50.000,00 of it."""
    run = sent_run(by=administrator, prefix="S")
    decision = Decision.objects.select_related("run__call__scheme").get(run=run, line__rank=1)
    pay_first(decision)
    account(decision, spent_2027=Decimal("30000.00"), spent_2028=Decimal("20000.00"), by=administrator)
    return decision


@pytest.fixture
def subsidy(administrator):
    """The same award under an Awb subsidy, fully spent, the first instalment paid."""
    run = sent_run(by=administrator, prefix="A")
    Scheme.objects.filter(pk=run.call.scheme_id).update(kind=Scheme.Kind.SUBSIDY)
    decision = Decision.objects.select_related("run__call__scheme").get(run=run, line__rank=1)
    pay_first(decision)
    account(decision, spent_2027=Decimal("60000.50"), spent_2028=Decimal("60000.50"), by=administrator)
    return decision
