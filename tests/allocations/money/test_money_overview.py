"""The money overview: per decision, call and municipality the figures add up at every step (award, payment,
figures, settlement with reclaim), the totals are the rows added up, and an officer sees only their own."""

from decimal import Decimal

import pytest

from allocations.money.selectors import Figures, adds_up, money_overview
from allocations.settlements import services as settlements
from tests.allocations.settlements.conftest import SETTLE_DAY

pytestmark = pytest.mark.django_db

FIELDS = ("awarded", "paid", "still_due", "lapsed", "reclaimed")


def added(groups) -> Figures:
    total = Figures()
    for group in groups:
        total.add(group.total)
    return total


def assert_adds_up(overview) -> None:
    assert all(row.adds_up for row in overview.rows), [(row.decision.number, row.figures) for row in overview.rows]
    for name in (*FIELDS, "spent", "settled"):
        by_rows = [getattr(row.figures, name) for row in overview.rows]
        expected = (
            sum((v for v in by_rows if v is not None), Decimal(0)) if any(v is not None for v in by_rows) else None
        )
        assert getattr(overview.total, name) == expected, name
        assert getattr(added(overview.per_call), name) == expected, name
        assert getattr(added(overview.per_municipality), name) == expected, name


def test_sent_awards_add_up_before_payment(money_run, administrator, own_award, their_award):
    overview = money_overview(administrator)
    assert {row.decision for row in overview.rows} == {own_award, their_award}
    assert overview.total.awarded == Decimal("170001.01")
    assert overview.total.still_due == overview.total.awarded
    assert overview.total.paid == 0 and overview.total.spent is None and overview.total.settled is None
    assert_adds_up(overview)


def test_figures_in_and_a_settlement_with_reclaim_add_up(accounted, their_award, reviewer, administrator, coordinator):
    overview = money_overview(administrator)
    assert_adds_up(overview)
    row = next(row for row in overview.rows if row.decision == accounted)
    assert (row.figures.paid, row.figures.still_due, row.figures.spent) == (
        Decimal("60000.50"),
        Decimal("60000.50"),
        Decimal("50000.00"),
    )

    settlement = settlements.propose_settlement(decision=accounted, by=reviewer, now=SETTLE_DAY)
    settlement = settlements.check_settlement(
        settlement=settlement, by=administrator, reclaim_number="VORD-1", now=SETTLE_DAY
    )
    settlements.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)

    overview = money_overview(administrator)
    assert_adds_up(overview)
    row = next(row for row in overview.rows if row.decision == accounted)
    # SPUK: settled at what was spent; paid 60.000,50, so 10.000,50 is reclaimed and the open instalment lapsed.
    assert row.figures.settled == Decimal("50000.00")
    assert row.figures.reclaimed == Decimal("10000.50")
    assert row.figures.lapsed == Decimal("60000.50")
    assert row.figures.still_due == 0
    assert row.figures.settled + row.figures.reclaimed == row.figures.paid


def test_the_identity_catches_money_that_disappeared():
    assert adds_up(Figures(awarded=Decimal(100), paid=Decimal(40), still_due=Decimal(60)))
    assert not adds_up(Figures(awarded=Decimal(100), paid=Decimal(40), still_due=Decimal("59.99")))
    assert adds_up(Figures(awarded=Decimal(100), paid=Decimal(100), settled=Decimal(80), reclaimed=Decimal(20)))
    assert not adds_up(Figures(awarded=Decimal(100), paid=Decimal(100), settled=Decimal(80), reclaimed=Decimal(10)))


def test_an_officer_sees_only_their_own_municipality(money_run, officer, own_award, reviewer):
    overview = money_overview(officer)
    assert [row.decision for row in overview.rows] == [own_award]
    assert [group.code for group in overview.per_municipality] == [officer.municipality.cbs_code]
    assert overview.total.awarded == own_award.amount
    assert len(money_overview(reviewer).rows) == 2


def test_the_overview_costs_the_same_queries_however_many_awards(administrator, django_assert_max_num_queries):
    from tests.allocations.payments.sent import sent_run

    sent_run(by=administrator, prefix="Q1")
    with django_assert_max_num_queries(8) as few:
        money_overview(administrator)
    sent_run(by=administrator, prefix="Q2", count=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(money_overview(administrator).rows) == 5  # two awards, then three more
