"""A run end to end in-process: snapshot, engine, lines, splits; idempotent; failures shown and retried."""

from decimal import Decimal

import pytest
from django.db.models import F

from allocations.runs import execution, services, snapshot
from allocations.runs.models import AllocationLine, AllocationRun, LineSplit, RunStatus
from allocations.runs.policies import PotInput
from applications.models import Status
from tests.allocations.runs.builders import allocation_call, network, reviewed, set_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("500000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("250000.00"), total=Decimal("70"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("60"))
    reviewed(call, requested=Decimal("100000.00"), total=Decimal("50"), status=Status.IN_REVIEW)
    return call


def test_a_run_ranks_awards_splits_and_marks_the_cutoff(call, administrator, start):
    run = start(call, administrator)
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.progress == 100
    lines = list(AllocationLine.objects.filter(run=run).order_by(F("rank").asc(nulls_last=True), "pk"))
    assert [(line.rank, line.awarded, line.reason) for line in lines] == [
        (1, Decimal("200000.00"), "full"),
        (2, Decimal("250000.00"), "full"),
        (3, Decimal("50000.00"), "partial"),
        (None, Decimal("0.00"), "in_review"),
    ]
    assert [line.is_cutoff for line in lines] == [False, False, True, False]
    assert not lines[3].included and lines[3].reason_label == "niet meegenomen: nog in beoordeling"
    for line in lines:
        assert sum(s.awarded for s in line.splits.all()) == line.awarded
    assert run.total_awarded == Decimal("500000.00") and run.funded_count == 3
    assert run.input_hash == snapshot.sha256(run.snapshot.data) and run.engine_version == snapshot.ENGINE_VERSION


def test_a_message_delivered_twice_gives_one_set_of_lines(call, administrator, start):
    run = start(call, administrator)
    assert execution.execute_run(run.pk) is False  # already done: nothing happens
    from allocations.runs.tasks import execute_run

    execute_run.delay(run.pk)
    assert AllocationLine.objects.filter(run=run).count() == 4
    assert AllocationRun.objects.get(pk=run.pk).attempts == 1


def test_a_crashed_attempt_is_taken_over_once_its_lease_expired(
    call, administrator, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        run = services.start_run(call=call, by=administrator)
    # An attempt claimed the run and died before writing.
    AllocationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert execution.sweep_runs() == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.DRAFT and run.attempts == 2
    assert AllocationLine.objects.filter(run=run).count() == 4


def test_a_running_attempt_with_a_live_lease_is_left_alone(call, administrator, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=False):
        run = services.start_run(call=call, by=administrator)
    AllocationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=1, lease_until=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert execution.execute_run(run.pk) is False
    assert not AllocationLine.objects.filter(run=run).exists()


def test_a_failed_run_shows_its_error_and_can_be_retried(
    call, administrator, start, django_capture_on_commit_callbacks
):
    from allocations.runs.models import AllocationPolicy

    # A formula whose every claim has a weight, then broken in the database behind the service's back.
    AllocationPolicy.objects.create(call=call, method="formula", formula_weight="need")
    AllocationPolicy.objects.filter(call=call).update(unit=0)
    run = start(call, administrator)
    assert run.status == RunStatus.FAILED and "mislukt" in run.error
    AllocationPolicy.objects.filter(call=call).update(unit=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.retry_run(run=run, by=administrator)
    run.refresh_from_db()
    # A person's retry counts the attempts afresh, as reopening a letter job does (one policy, allocations.jobs).
    assert run.status == RunStatus.DRAFT and run.error == "" and run.attempts == 1


def test_pots_take_their_network_first_and_spill_into_the_general_pot(administrator, start):
    call = allocation_call(budget=Decimal("300000.00"))
    m50 = reviewed(call, requested=Decimal("150000.00"), total=Decimal("40"), networks=("M50",))
    both = reviewed(call, requested=Decimal("100000.00"), total=Decimal("30"), networks=("NEW_TOWN", "M50"))
    other = reviewed(call, requested=Decimal("120000.00"), total=Decimal("90"))
    set_policy(
        call,
        by=administrator,
        method="ranked",
        pots=[
            PotInput("M50", Decimal("100000.00"), network("M50"), "algemeen"),
            PotInput("New Town", Decimal("50000.00"), network("NEW_TOWN"), "algemeen"),
            PotInput("algemeen", Decimal("150000.00")),
        ],
    )
    run = start(call, administrator)
    lines = {line.application_id: line for line in AllocationLine.objects.filter(run=run)}
    assert lines[m50.pk].pot == "M50" and lines[both.pk].pot == "M50"  # the first pot in order that takes it
    assert lines[other.pk].pot == "algemeen"
    assert lines[m50.pk].awarded == Decimal("150000.00")
    assert lines[m50.pk].funded_from == {"M50": 10000000, "algemeen": 5000000}
    assert sum(line.awarded for line in lines.values()) == Decimal("300000.00")
    assert LineSplit.objects.filter(line__run=run).count() == 6


def test_reservation_lowers_the_request_and_is_the_reason(administrator, start):
    from allocations.runs.policies import ReservationInput

    call = allocation_call(budget=Decimal("300000.00"))
    low = reviewed(call, requested=Decimal("150000.00"), total=Decimal("40"))
    reviewed(call, requested=Decimal("100000.00"), total=Decimal("30"))
    set_policy(
        call, by=administrator, method="ranked", reservations=[ReservationInput(low.municipality, Decimal("90000.00"))]
    )
    run = start(call, administrator)
    lines = {line.application_id: line for line in AllocationLine.objects.filter(run=run)}
    assert (lines[low.pk].awarded, lines[low.pk].reason) == (Decimal("90000.00"), "reserved")
    assert [line.reason for line in lines.values() if line.application_id != low.pk] == ["no_reservation"]


@pytest.mark.django_db
def test_demo_calls_are_ready_to_divide(settings, start):
    import io

    from django.core.management import call_command

    from accounts.models import User
    from applications.models import Call

    settings.DEMO = True
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    by = User.objects.get(email="beheerder1@demo.nplv.example")
    fund = Call.objects.get(code="leefbaarheidsfonds-2026-tranche-2")
    spuk = Call.objects.get(code="spuk-kansrijke-wijk-2026-2028")
    vhf = Call.objects.get(code="volkshuisvestingsfonds-tender-2026")
    assert fund.applications.count() >= 25 and spuk.applications.count() == 20
    assert spuk.allocation_policy.reservations.count() == 20
    assert [p.name for p in fund.allocation_policy.pots.all()] == ["M50", "New Town", "Algemeen"]
    for call in (fund, spuk, vhf):
        run = start(call, by)
        assert run.status == RunStatus.DRAFT and run.total_awarded > 0
    assert AllocationLine.objects.filter(run__call=vhf, reason="below_minimum").exists()
    assert AllocationLine.objects.filter(run__call=vhf, reason="capped").exists()
    assert set(AllocationLine.objects.filter(run__call=spuk).values_list("reason", flat=True)) == {"reserved"}
