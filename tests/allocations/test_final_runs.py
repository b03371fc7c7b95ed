"""The money tests' one run builder writes only what an approval could: reasons the portal knows, agreeing
with their grounds, outcomes that follow from the awards, splits and totals that add up to the cent."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from allocations.runs import reasons
from allocations.runs.models import AllocationLine, Decision, LineSplit, RunStatus, outcome_for
from tests.allocations.final_runs import Planned, export_run, letter_run, write_run
from tests.factories import AdministratorFactory, ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("build", [lambda: letter_run(count=6, prefix="Q"), lambda: export_run(lines=4)])
def test_a_built_run_adds_up_as_an_approved_run_does(build):
    run = build()
    lines = list(AllocationLine.objects.filter(run=run))
    assert run.status == RunStatus.FINAL
    assert run.total_awarded == sum(line.awarded for line in lines)
    assert run.total_requested == sum(line.requested for line in lines)
    assert run.total_unspent == run.total_budget - run.total_awarded
    assert run.funded_count == sum(1 for line in lines if line.awarded)
    for line in lines:
        assert line.reason in reasons.REASONS
        assert line.ground.get("code", line.reason) == line.reason
        splits = LineSplit.objects.filter(line=line).aggregate(total=Sum("awarded"))["total"]
        assert (splits or Decimal(0)) in (line.awarded, Decimal(0))
    for decision in Decision.objects.filter(run=run).select_related("line"):
        assert decision.amount == decision.line.awarded
        assert decision.outcome == outcome_for(awarded=decision.line.awarded, requested=decision.line.requested)


def test_a_reason_no_run_gives_is_refused():
    call = CallFactory(budget=Decimal("1000.00"))
    admin = AdministratorFactory()
    application = ApplicationFactory(call=call, created_by=admin)
    funded = Planned(
        application=application, requested=Decimal(10), awarded=Decimal(10), ground={}, reason="funded", rank=1
    )
    with pytest.raises(AssertionError, match="funded"):
        write_run(call=call, planned=[funded], started_by=admin, approved_by=admin, decided_at=call.closes_at)
    disagreeing = Planned(
        application=application,
        requested=Decimal(10),
        awarded=Decimal(10),
        ground={"code": "full"},
        reason="capped",
        rank=1,
    )
    with pytest.raises(AssertionError, match="ground's code"):
        write_run(call=call, planned=[disagreeing], started_by=admin, approved_by=admin, decided_at=call.closes_at)
