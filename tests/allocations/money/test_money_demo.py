"""The demo after the award (``allocations/money/demo.py``): one call in each phase, made through the services,
and the money adds up. The letters' PDFs are stubbed (the letter tests render the real ones), so this is fast."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.demo import seed_accounts, seed_demo_addresses, seed_indicator_values
from accounts.models import AuditEvent, User
from allocations.accountability.deadlines import overdue
from allocations.accountability.models import Source, Statement
from allocations.accountability.selectors import dues_of
from allocations.letters.models import Letter
from allocations.money import demo
from allocations.money.selectors import money_overview
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import AllocationRun
from allocations.settlements.models import Settlement, SettlementStatus
from applications.demo import seed_schemes_and_calls

pytestmark = pytest.mark.django_db


@pytest.fixture
def prerequisites(monkeypatch):
    """What ``seed_demo`` makes before: reference data, accounts, indicators, addresses and schemes."""
    monkeypatch.setattr(
        "allocations.letters.services.render_letter_pdf",
        lambda decision, texts, letter_date: f"%PDF-1.7 demo {decision.number} {letter_date}".encode(),
    )
    call_command("load_reference_data", stdout=io.StringIO())
    seed_accounts()
    seed_indicator_values()
    seed_demo_addresses()
    seed_schemes_and_calls()


def _calls(made) -> dict:
    return {call.code: call for call in made}


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (AllocationRun, Letter, Instalment, Statement, Settlement, AuditEvent)
    )


def test_one_call_in_each_phase_adding_up_and_made_once(prerequisites):
    calls = _calls(demo.seed_after_award())
    assert set(calls) == {"demo-betalingen", "demo-verantwoording", "demo-vaststelling", "demo-verslag-te-laat"}
    today = timezone.localdate()
    administrator = User.objects.get(email="beheerder1@demo.nplv.example")

    # Every call was divided and approved by two administrators, and its letters were sent.
    for call in calls.values():
        run = AllocationRun.objects.final_of(call)
        assert run is not None and run.started_by_id != run.approved_by_id
        assert not call.applications.exclude(status="letter_sent").exists()

    # Instalments due, some paid.
    paying = Instalment.objects.filter(decision__run__call=calls["demo-betalingen"])
    assert paying.filter(status=InstalmentStatus.PAID).exists() and paying.filter(status=InstalmentStatus.DUE).exists()

    # Figures in: an officer's own entry and a SiSa import.
    figures = Statement.objects.filter(decision__run__call=calls["demo-verantwoording"])
    assert {s.source for s in figures} == {Source.PORTAL, Source.IMPORT}
    assert figures.get(source=Source.PORTAL).entered_by.role == "officer"

    # A settlement with a reclaim, by three different people.
    settlement = Settlement.objects.get(decision__run__call=calls["demo-vaststelling"])
    assert settlement.status == SettlementStatus.APPROVED and settlement.reclaim > 0
    assert settlement.reclaim_number == demo.RECLAIM_NUMBER
    assert len({settlement.proposed_by_id, settlement.checked_by_id, settlement.approved_by_id}) == 3

    # One overdue report, on the staff board: the Awb subsidy's.
    late = [due for due in dues_of(administrator, today=today) if overdue(due, today)]
    assert [due.decision.run.call.code for due in late] == ["demo-verslag-te-laat"]
    client = Client()
    client.force_login(administrator)
    board = client.get(reverse("accountability_index")).content.decode()
    assert "1 verantwoording te laat" in board and late[0].decision.number in board

    # The money adds up for every decision, and the totals are the rows added up.
    overview = money_overview(administrator)
    assert len(overview.rows) == 9 and all(row.adds_up for row in overview.rows)
    assert overview.total.settled == settlement.settled
    assert overview.total.reclaimed == settlement.reclaim
    assert settlement.settled + settlement.reclaim == settlement.paid

    # Running it again changes nothing.
    before = _counts()
    assert demo.seed_after_award() == []
    assert _counts() == before


def test_the_phases_hold_early_in_a_year(prerequisites):
    """On 2 January the instalments of the recent call still split into paid and due, and only the report is
    overdue (last year's SPUK figures are due in July)."""
    with time_machine.travel(datetime.datetime(2027, 1, 2, 10, tzinfo=datetime.UTC), tick=False):
        demo.seed_after_award()
        administrator = User.objects.get(email="beheerder1@demo.nplv.example")
        today = datetime.date(2027, 1, 2)
        late = [due for due in dues_of(administrator, today=today) if overdue(due, today)]
        assert [due.decision.run.call.code for due in late] == ["demo-verslag-te-laat"]
        statuses = set(
            Instalment.objects.filter(decision__run__call__code="demo-betalingen").values_list("status", flat=True)
        )
        assert statuses == {InstalmentStatus.PAID, InstalmentStatus.DUE}
        assert all(row.adds_up for row in money_overview(administrator).rows)
