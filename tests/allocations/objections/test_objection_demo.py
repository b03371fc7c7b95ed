"""The demo's objections: one case in each state on the demo's sent call, made through the services, including a
founded one on the tie (re-run, attached, prepared by one administrator and approved by the other) whose extra is
an instalment; a second seed changes nothing, and the original run still verifies."""

import pytest

from accounts.audit_log import AuditEvent
from accounts.demo import seed_accounts
from allocations.objections.demo import CALL_CODE, OFFICER_CODES, seed_objections, tie_of
from allocations.objections.models import CaseOutcome, CaseStatus, ObjectionCase
from allocations.payments.models import Instalment
from allocations.runs import reconsideration_services
from allocations.runs import services as run_services
from allocations.runs.models import AllocationRun
from applications.models import Call
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(db):
    for code in OFFICER_CODES:
        MunicipalityFactory(cbs_code=code, name=f"Demogemeente {code}")
    for number in range(7):
        MunicipalityFactory(cbs_code=f"GM9{number:03d}", name=f"Andere gemeente {number}")
    accounts = {user.email.split("@")[0]: user for user, _secret in seed_accounts()}
    return accounts


def _states(cases: list[ObjectionCase]) -> set[tuple[str, str, bool]]:
    return {(case.status, case.outcome, case.awaits_approval) for case in cases}


def test_the_demo_has_a_case_in_each_state_and_a_founded_one_on_the_tie(
    demo_people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cases = seed_objections()
    for case in cases:
        case.refresh_from_db()
    assert _states(cases) == {
        (CaseStatus.RECEIVED, "", False),
        (CaseStatus.REPAIR, "", False),
        (CaseStatus.HEARING_PLANNED, "", False),
        (CaseStatus.READY, "", False),
        (CaseStatus.READY, "", True),  # awaiting the second administrator's approval
        (CaseStatus.CLOSED, CaseOutcome.FOUNDED, False),
        (CaseStatus.CLOSED, CaseOutcome.UNFOUNDED, False),
        (CaseStatus.CLOSED, CaseOutcome.INADMISSIBLE, False),
        (CaseStatus.CLOSED, CaseOutcome.WITHDRAWN, False),
    }
    run = AllocationRun.objects.final_of(Call.objects.get(code=CALL_CODE))
    assert run is not None and run.decisions.filter(sent_at__isnull=True).count() == 0

    # The founded case is the tie's loser: lodged by its officer, re-run, prepared by one, approved by another.
    _winner, loser = tie_of(run)
    founded = ObjectionCase.objects.get(outcome=CaseOutcome.FOUNDED)
    assert founded.decision == loser and founded.channel == "portal"
    assert founded.prepared_by == demo_people["beheerder1"] and founded.decided_by == demo_people["beheerder2"]
    assert founded.reconsideration is not None and founded.reconsideration.extra > 0
    extra = Instalment.objects.filter(decision=loser).order_by("-sequence").first()
    assert extra is not None and extra.amount == founded.reconsideration.extra
    check = reconsideration_services.verify(
        reconsideration_record=founded.reconsideration, by=demo_people["beheerder1"]
    )
    assert check.ok, check
    assert AuditEvent.objects.filter(verb="objection.decision_approved", actor=demo_people["beheerder2"]).exists()

    # The original run still verifies: its lines, decisions and letters are as they were.
    verification = run_services.verify_run(run=run, by=demo_people["beheerder1"])
    assert verification.ok, verification.differences

    # A second seed changes nothing.
    before = (ObjectionCase.objects.count(), AuditEvent.objects.count(), Instalment.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        again = seed_objections()
    assert {case.pk for case in again} == {case.pk for case in cases}
    assert (ObjectionCase.objects.count(), AuditEvent.objects.count(), Instalment.objects.count()) == before
