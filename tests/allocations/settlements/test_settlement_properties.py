"""Property, through the services and the database: whatever was spent and paid, and whatever lower amount a
ground gives, after the three steps no money appeared or disappeared: settled = paid − reclaimed + still due,
every earlier open instalment lapsed, and the instalments add up to the award plus the final payment (each
example in a transaction that is rolled back)."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.money import cents, euros
from allocations.accountability.models import Statement
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.settlements import services
from allocations.settlements.models import SettlementGround
from tests.allocations.settlements.conftest import SETTLE_DAY

AWARD = 120_001_00  # the fixtures' award, in two instalments of 60.000,50


def total(decision, *states) -> int:
    rows = Instalment.objects.filter(decision=decision, status__in=states)
    return cents(rows.aggregate(total=Sum("amount"))["total"] or Decimal(0))


@pytest.mark.django_db
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    which=st.sampled_from(["spuk", "subsidy"]),
    spent=st.integers(0, AWARD),
    second_paid=st.booleans(),
    lower=st.one_of(st.none(), st.integers(0, AWARD - 1)),
)
def test_after_settlement_no_money_appeared_or_disappeared(
    spuk, subsidy, reviewer, administrator, coordinator, which, spent, second_paid, lower
):
    decision = spuk if which == "spuk" else subsidy
    with transaction.atomic():
        first_year = min(spent, 60_000_50)
        Statement.objects.filter(decision=decision, year=2027).update(
            spent=euros(first_year), spent_to_date=euros(first_year)
        )
        Statement.objects.filter(decision=decision, year=2028).update(
            spent=euros(spent - first_year), spent_to_date=euros(spent)
        )
        if second_paid:
            Instalment.objects.filter(decision=decision, sequence=2).update(
                status=InstalmentStatus.PAID, paid_on=datetime.date(2028, 2, 15)
            )
        proposal = {}
        if which == "subsidy" and lower is not None:
            proposal = {"ground": SettlementGround.NOT_PERFORMED, "proposed": euros(lower), "motivation": "Gebleken."}
        settlement = services.propose_settlement(decision=decision, by=reviewer, now=SETTLE_DAY, **proposal)
        services.check_settlement(
            settlement=settlement,
            by=administrator,
            reclaim_number=f"V-{settlement.pk}" if settlement.reclaim else "",
            now=SETTLE_DAY,
        )
        settlement = services.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)
        settled, reclaim, final = cents(settlement.settled), cents(settlement.reclaim), cents(settlement.final_payment)
        paid = total(decision, InstalmentStatus.PAID)
        still_due = total(decision, InstalmentStatus.DUE, InstalmentStatus.ORDERED)
        lapsed = total(decision, InstalmentStatus.CANCELLED)
        assert settled == paid - reclaim + still_due
        assert still_due == final  # only the final payment is still open
        assert paid + lapsed + still_due == AWARD + final
        assert not (reclaim and final)
        assert 0 <= settled <= AWARD
        if which == "spuk":
            assert settled == spent
        else:
            assert settled == (lower if lower is not None else AWARD)
        transaction.set_rollback(True)
