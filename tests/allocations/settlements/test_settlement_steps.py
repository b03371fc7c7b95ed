"""The three steps of a settlement, each by a different person, on the figures the proposal was computed from;
what approval does to the instalments; and the five-year guard (Awb 4:49 lid 3, 4:57 lid 4)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.settlements import services
from allocations.settlements.models import Settlement, SettlementGround, SettlementStatus
from tests.allocations.settlements.conftest import SETTLE_DAY

pytestmark = pytest.mark.django_db


def instalments(decision):
    return list(Instalment.objects.filter(decision=decision).order_by("sequence"))


def settle_in_full(decision, *, assessor, auditor, coordinator, reclaim_number="", now=SETTLE_DAY, **proposal):
    settlement = services.propose_settlement(decision=decision, by=assessor, now=now, **proposal)
    settlement = services.check_settlement(settlement=settlement, by=auditor, reclaim_number=reclaim_number, now=now)
    return services.approve_settlement(settlement=settlement, by=coordinator, now=now)


def test_a_spuk_is_settled_at_its_spending_and_the_unspent_advance_is_reclaimed(
    spuk, reviewer, administrator, coordinator
):
    settlement = settle_in_full(
        spuk, assessor=reviewer, auditor=administrator, coordinator=coordinator, reclaim_number="VORD-2029-001"
    )
    assert settlement.status == SettlementStatus.APPROVED
    assert (settlement.awarded, settlement.paid, settlement.open, settlement.spent) == (
        Decimal("120001.00"),
        Decimal("60000.50"),
        Decimal("60000.50"),
        Decimal("50000.00"),
    )
    # Settled at the spending; of the € 60.000,50 paid, € 10.000,50 is reclaimed; the open instalment lapses.
    assert (settlement.settled, settlement.final_payment, settlement.reclaim) == (
        Decimal("50000.00"),
        Decimal("0.00"),
        Decimal("10000.50"),
    )
    assert settlement.settled == settlement.paid + settlement.final_payment - settlement.reclaim
    rows = instalments(spuk)
    assert [(i.sequence, i.status) for i in rows] == [(1, InstalmentStatus.PAID), (2, InstalmentStatus.CANCELLED)]
    assert rows[1].cancel_reason == f"vastgesteld bij {settlement.reference}"
    assert settlement.settled_on == datetime.date(2029, 9, 3)
    assert settlement.reclaim_due_on == datetime.date(2029, 10, 15)
    assert settlement.reclaim_number == "VORD-2029-001"


def test_an_awb_subsidy_lower_on_a_ground_of_4_46_reclaims_what_was_paid_too_much(
    subsidy, reviewer, administrator, coordinator
):
    settlement = settle_in_full(
        subsidy,
        assessor=reviewer,
        auditor=administrator,
        coordinator=coordinator,
        reclaim_number="VORD-2029-002",
        ground=SettlementGround.NOT_PERFORMED,
        proposed=Decimal("50000.00"),
        motivation="Twee van de vier activiteiten zijn niet uitgevoerd.",
    )
    assert (settlement.settled, settlement.final_payment, settlement.reclaim) == (
        Decimal("50000.00"),
        Decimal("0.00"),
        Decimal("10000.50"),
    )
    assert settlement.reclaim_number == "VORD-2029-002"
    assert [i.status for i in instalments(subsidy)] == [InstalmentStatus.PAID, InstalmentStatus.CANCELLED]
    verbs = list(
        AuditEvent.objects.filter(verb__startswith="settlement.").order_by("pk").values_list("verb", flat=True)
    )
    assert verbs == ["settlement.proposed", "settlement.checked", "settlement.approved"]


def test_an_awb_subsidy_without_a_ground_is_settled_at_its_award_and_the_rest_paid_once(
    subsidy, reviewer, administrator, coordinator
):
    settlement = settle_in_full(subsidy, assessor=reviewer, auditor=administrator, coordinator=coordinator)
    assert (settlement.settled, settlement.final_payment, settlement.reclaim) == (
        Decimal("120001.00"),
        Decimal("60000.50"),
        Decimal("0.00"),
    )
    rows = instalments(subsidy)
    assert [(i.sequence, i.status, i.amount) for i in rows] == [
        (1, InstalmentStatus.PAID, Decimal("60000.50")),
        (2, InstalmentStatus.CANCELLED, Decimal("60000.50")),
        (3, InstalmentStatus.DUE, Decimal("60000.50")),
    ]
    assert settlement.final_instalment == rows[2]
    assert rows[2].due_on == datetime.date(2029, 10, 1)
    assert rows[2].reference == f"{subsidy.number}-T3"


@pytest.mark.parametrize("step", ["check", "approve"])
def test_the_same_person_never_takes_two_steps(spuk, administrator, second_administrator, coordinator, step):
    settlement = services.propose_settlement(decision=spuk, by=administrator, now=SETTLE_DAY)
    if step == "check":
        with pytest.raises(TransitionNotAllowed, match="U heeft deze vaststelling voorgesteld"):
            services.check_settlement(settlement=settlement, by=administrator, now=SETTLE_DAY)
    else:
        services.check_settlement(
            settlement=settlement, by=second_administrator, reclaim_number="VORD-1", now=SETTLE_DAY
        )
        for same in (administrator, second_administrator):
            with pytest.raises(TransitionNotAllowed, match="vier-ogenprincipe"):
                services.approve_settlement(settlement=settlement, by=same, now=SETTLE_DAY)
    settlement.refresh_from_db()
    assert settlement.status == (SettlementStatus.PROPOSED if step == "check" else SettlementStatus.CHECKED)
    assert [i.status for i in instalments(spuk)] == [InstalmentStatus.PAID, InstalmentStatus.DUE]


def test_only_administrators_check_and_approve_and_officers_take_no_step(spuk, officer, reviewer, administrator):
    with pytest.raises(PermissionDenied):
        services.propose_settlement(decision=spuk, by=officer, now=SETTLE_DAY)
    settlement = services.propose_settlement(decision=spuk, by=administrator, now=SETTLE_DAY)
    with pytest.raises(PermissionDenied):
        services.check_settlement(settlement=settlement, by=reviewer, now=SETTLE_DAY)
    assert Settlement.objects.get().status == SettlementStatus.PROPOSED


def test_a_step_on_changed_figures_is_refused(spuk, reviewer, administrator):
    settlement = services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    Instalment.objects.filter(decision=spuk, sequence=2).update(
        status=InstalmentStatus.PAID, paid_on=datetime.date(2029, 9, 1)
    )
    with pytest.raises(TransitionNotAllowed, match="zijn veranderd sinds het voorstel"):
        services.check_settlement(settlement=settlement, by=administrator, now=SETTLE_DAY)


def test_a_reclaim_needs_its_number_and_nothing_changes_without_it(subsidy, reviewer, administrator):
    settlement = services.propose_settlement(
        decision=subsidy,
        by=reviewer,
        ground=SettlementGround.OBLIGATIONS,
        proposed=Decimal("1000.00"),
        motivation="Geen verslag.",
        now=SETTLE_DAY,
    )
    with pytest.raises(ValidationError) as refused:
        services.check_settlement(settlement=settlement, by=administrator, now=SETTLE_DAY)
    assert "vorderingsnummer" in refused.value.message_dict["reclaim_number"][0]
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PROPOSED and settlement.checked_by is None


@pytest.mark.parametrize(
    ("proposal", "field", "message"),
    [
        ({"proposed": Decimal("1000.00")}, "proposed", "kies de grond"),
        ({"ground": SettlementGround.NOT_PERFORMED, "proposed": Decimal("1000.00")}, "motivation", "Motiveer"),
        (
            {"ground": SettlementGround.NOT_PERFORMED, "proposed": Decimal("999999.00"), "motivation": "x"},
            "proposed",
            "tussen",
        ),
    ],
)
def test_a_proposal_the_law_does_not_allow_changes_nothing(subsidy, reviewer, proposal, field, message):
    with pytest.raises(ValidationError) as refused:
        services.propose_settlement(decision=subsidy, by=reviewer, now=SETTLE_DAY, **proposal)
    assert message in " ".join(refused.value.message_dict[field])
    assert not Settlement.objects.exists()


def test_a_decision_is_not_settled_before_its_spending_period_ended(spuk, reviewer):
    with pytest.raises(TransitionNotAllowed, match="bestedingsperiode loopt nog"):
        services.propose_settlement(decision=spuk, by=reviewer, now=datetime.datetime(2028, 12, 1, tzinfo=datetime.UTC))
    assert not Settlement.objects.exists()


def test_one_open_proposal_per_decision(spuk, reviewer, administrator):
    services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    with pytest.raises(TransitionNotAllowed, match="ligt al een voorstel"):
        services.propose_settlement(decision=spuk, by=administrator, now=SETTLE_DAY)


# --- The five-year guard --------------------------------------------------------------------------------------
def test_a_correction_within_five_years_reclaims_and_after_five_years_is_refused_with_the_article(
    subsidy, reviewer, administrator, coordinator
):
    first = settle_in_full(subsidy, assessor=reviewer, auditor=administrator, coordinator=coordinator)
    # The final payment is paid; later it turns out the activities were not all performed.
    Instalment.objects.filter(pk=first.final_instalment_id).update(
        status=InstalmentStatus.PAID, paid_on=datetime.date(2029, 10, 1)
    )
    lower = {"ground": SettlementGround.NOT_PERFORMED, "proposed": Decimal("100000.00"), "motivation": "Gebleken."}
    later = datetime.datetime(2034, 9, 4, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=False), pytest.raises(TransitionNotAllowed) as refused:
        services.propose_settlement(decision=subsidy, by=reviewer, **lower)
    assert "artikel 4:49 lid 3 Awb" in str(refused.value)
    assert "artikel 4:57 lid 4 Awb" in str(refused.value)
    assert Settlement.objects.count() == 1
    # On the last day of the five years it is still possible.
    with time_machine.travel(datetime.datetime(2034, 9, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        correction = settle_in_full(
            subsidy,
            assessor=reviewer,
            auditor=administrator,
            coordinator=coordinator,
            reclaim_number="VORD-2034-1",
            now=None,
            **lower,
        )
    assert correction.corrects == first
    assert (correction.paid, correction.settled, correction.reclaim) == (
        Decimal("120001.00"),
        Decimal("100000.00"),
        Decimal("20001.00"),
    )


def test_a_correction_proposed_in_time_is_not_approved_after_five_years(
    subsidy, reviewer, administrator, coordinator, second_administrator
):
    first = settle_in_full(subsidy, assessor=reviewer, auditor=administrator, coordinator=coordinator)
    Instalment.objects.filter(pk=first.final_instalment_id).update(
        status=InstalmentStatus.PAID, paid_on=datetime.date(2029, 10, 1)
    )
    correction = services.propose_settlement(
        decision=subsidy,
        by=reviewer,
        ground=SettlementGround.INCORRECT_DATA,
        proposed=Decimal("110000.00"),
        motivation="Onjuiste opgave.",
        now=datetime.datetime(2034, 9, 1, tzinfo=datetime.UTC),
    )
    services.check_settlement(
        settlement=correction,
        by=administrator,
        reclaim_number="VORD-2034-2",
        now=datetime.datetime(2034, 9, 2, tzinfo=datetime.UTC),
    )
    with pytest.raises(TransitionNotAllowed, match="4:57 lid 4"):
        services.approve_settlement(
            settlement=correction, by=coordinator, now=datetime.datetime(2034, 9, 10, tzinfo=datetime.UTC)
        )
    correction.refresh_from_db()
    assert correction.status == SettlementStatus.CHECKED
