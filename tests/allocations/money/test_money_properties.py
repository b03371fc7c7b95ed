"""Properties of the money overview: whatever was paid, spent, settled and reclaimed, no money appears or
disappears between a decision's figures and the overview's totals, and every decision's identity holds."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.money import euros
from allocations.accountability.models import Statement
from allocations.money.selectors import DecisionMoney, Figures, money_overview, overview_of
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.settlements import services
from allocations.settlements.models import SettlementGround
from tests.allocations.settlements.conftest import SETTLE_DAY

CALLS = [SimpleNamespace(pk=i, title=f"Ronde {i}", code=f"r{i}") for i in range(3)]
PLACES = [SimpleNamespace(pk=i, name=f"Gemeente {i}", cbs_code=f"GM90{i:02d}") for i in range(4)]


@st.composite
def rows(draw) -> DecisionMoney:
    """A decision's figures that obey the identity: unsettled, or settled with its reclaim or final payment."""
    awarded = draw(st.integers(1, 10_000_000))
    paid = draw(st.integers(0, awarded))
    lapsed = draw(st.integers(0, awarded - paid))
    figures = Figures(awarded=euros(awarded), paid=euros(paid), still_due=euros(awarded - paid - lapsed))
    figures.lapsed = euros(lapsed)
    if draw(st.booleans()):
        figures.spent = euros(draw(st.integers(0, awarded)))
    if draw(st.booleans()):  # settled: the open instalments lapsed, a reclaim or a final payment follows
        settled = draw(st.integers(0, awarded))
        figures.lapsed += figures.still_due
        figures.still_due = euros(max(settled - paid, 0))
        figures.reclaimed = euros(max(paid - settled, 0))
        figures.settled = euros(settled)
    decision = SimpleNamespace(
        application=SimpleNamespace(call=draw(st.sampled_from(CALLS)), municipality=draw(st.sampled_from(PLACES)))
    )
    return DecisionMoney(decision, figures)  # type: ignore[arg-type]


OPTIONAL = ("spent", "settled")  # None until a figure is in


def _added(values: list, name: str):
    present = [value for value in values if value is not None]
    return None if name in OPTIONAL and not present else sum(present, Decimal(0))


def _sum(groups, name: str):
    return _added([getattr(group.total, name) for group in groups], name)


@settings(max_examples=200, deadline=None)
@given(st.lists(rows(), max_size=25))
def test_the_totals_are_the_rows_added_up_per_call_and_per_municipality(decisions):
    overview = overview_of(decisions)
    assert all(row.adds_up for row in overview.rows)
    assert sum(group.count for group in overview.per_call) == len(decisions)
    assert sum(group.count for group in overview.per_municipality) == len(decisions)
    for name in ("awarded", "paid", "still_due", "lapsed", "spent", "settled", "reclaimed"):
        expected = _added([getattr(row.figures, name) for row in decisions], name)
        assert getattr(overview.total, name) == expected
        assert _sum(overview.per_call, name) == expected
        assert _sum(overview.per_municipality, name) == expected
    unsettled = [row.figures for row in decisions if row.figures.settled is None]
    assert sum((f.awarded for f in unsettled), Decimal(0)) == sum(
        (f.paid + f.still_due + f.lapsed for f in unsettled), Decimal(0)
    )


@pytest.mark.django_db
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    which=st.sampled_from(["spuk", "subsidy"]),
    spent=st.integers(0, 120_001_00),
    second_paid=st.booleans(),
    settle=st.booleans(),
    lower=st.one_of(st.none(), st.integers(0, 120_001_00 - 1)),
)
def test_through_the_services_every_decision_adds_up(
    spuk,
    subsidy,
    reviewer,
    administrator,
    which,
    spent,
    second_paid,
    settle,
    lower,
):
    from tests.factories import AdministratorFactory

    decision = spuk if which == "spuk" else subsidy
    with transaction.atomic():
        first = min(spent, 60_000_50)
        Statement.objects.filter(decision=decision, year=2027).update(spent=euros(first), spent_to_date=euros(first))
        Statement.objects.filter(decision=decision, year=2028).update(
            spent=euros(spent - first), spent_to_date=euros(spent)
        )
        if second_paid:
            Instalment.objects.filter(decision=decision, sequence=2).update(
                status=InstalmentStatus.PAID, paid_on=datetime.date(2028, 2, 15)
            )
        if settle:
            proposal = {}
            if which == "subsidy" and lower is not None:
                proposal = {"ground": SettlementGround.NOT_PERFORMED, "proposed": euros(lower), "motivation": "Zo."}
            settlement = services.propose_settlement(decision=decision, by=reviewer, now=SETTLE_DAY, **proposal)
            services.check_settlement(
                settlement=settlement,
                by=administrator,
                reclaim_number=f"P-{settlement.pk}" if settlement.reclaim else "",
                now=SETTLE_DAY,
            )
            services.approve_settlement(settlement=settlement, by=AdministratorFactory(), now=SETTLE_DAY)
        overview = money_overview(reviewer)
        assert all(row.adds_up for row in overview.rows)
        row = next(row for row in overview.rows if row.decision == decision)
        assert row.figures.spent == euros(spent)
        if settle:
            assert row.figures.settled is not None
            assert row.figures.settled + row.figures.reclaimed == row.figures.paid + row.figures.still_due
        transaction.set_rollback(True)
