"""Set-off of a reclaim against open instalments of another decision of the same municipality under the same
scheme (Awb 4:57): the pure split (``rules.plan_set_off``) loses no cent whatever the figures, and through the
services the approval lowers the other decision's instalments, keeps settled + reclaimed = paid for the one and
awarded = paid + still due + set off for the other, and the letter says which decision and how much."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.money import cents, euros
from accounts.workflow import TransitionNotAllowed
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements import letters, rules, services, setoffs
from allocations.settlements.models import SetOff, SettlementGround
from allocations.settlements.selectors import awards, figures_of
from applications.models import Call
from tests.allocations.payments.sent import sent_run
from tests.allocations.settlements.conftest import SETTLE_DAY

MAX = 10_000_000_000


# --- The pure split ---------------------------------------------------------------------------------------
@given(
    reclaim=st.integers(0, MAX),
    amounts=st.lists(st.integers(1, MAX // 4), max_size=6),
)
def test_a_set_off_loses_no_cent(reclaim, amounts):
    instalments = [rules.OpenInstalment(key=i, amount=a) for i, a in enumerate(amounts)]
    plan = rules.plan_set_off(reclaim, instalments)
    assert plan.set_off + plan.to_pay == reclaim
    assert plan.set_off == min(reclaim, sum(amounts))
    assert 0 <= plan.to_pay <= reclaim
    for line, item in zip(plan.lines, instalments, strict=False):
        assert line.key == item.key and line.instalment == item.amount  # in the given order
        assert 0 < line.amount <= item.amount and line.amount + line.remainder == item.amount
    # Only the last instalment taken may be taken in part, and none is taken while the reclaim is covered.
    assert all(line.remainder == 0 for line in plan.lines[:-1])
    assert len({line.key for line in plan.lines}) == len(plan.lines)


def test_the_earliest_instalment_first_and_the_rest_paid_back():
    plan = rules.plan_set_off(
        250_00, [rules.OpenInstalment(key=7, amount=100_00), rules.OpenInstalment(key=8, amount=100_00)]
    )
    assert [(line.key, line.amount, line.remainder) for line in plan.lines] == [(7, 100_00, 0), (8, 100_00, 0)]
    assert plan.to_pay == 50_00
    plan = rules.plan_set_off(30_00, [rules.OpenInstalment(key=7, amount=100_00)])
    assert [(line.amount, line.remainder) for line in plan.lines] == [(30_00, 70_00)] and plan.to_pay == 0


def test_an_instalment_twice_or_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        rules.plan_set_off(10, [rules.OpenInstalment(key=1, amount=5), rules.OpenInstalment(key=1, amount=5)])
    with pytest.raises(ValueError):
        rules.plan_set_off(-1, [])


# --- Through the services ---------------------------------------------------------------------------------
@pytest.fixture
def other(subsidy, administrator):
    """Another award of the subsidy's municipality under the same scheme (another period): € 120.001,00 in two
    instalments of € 60.000,50, nothing paid, both due."""
    run = sent_run(by=administrator, prefix="O", municipalities=[subsidy.application.municipality])
    Call.objects.filter(pk=run.call_id).update(scheme_id=subsidy.run.call.scheme_id)
    return Decision.objects.select_related("run__call__scheme").get(run=run, line__rank=1)


@pytest.fixture
def foreign(administrator):
    """An award of another municipality, under another scheme."""
    run = sent_run(by=administrator, prefix="F")
    return Decision.objects.get(run=run, line__rank=1)


def propose(decision, by, *, lower: int, set_off=()):
    return services.propose_settlement(
        decision=decision,
        by=by,
        now=SETTLE_DAY,
        ground=SettlementGround.NOT_PERFORMED,
        proposed=euros(lower),
        motivation="Niet alles is gedaan.",
        set_off=set_off,
    )


def words(html: str) -> str:
    """The letter's words, without its tags."""
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ").split())


def first_open(decision) -> Instalment:
    return Instalment.objects.filter(decision=decision, status=InstalmentStatus.DUE).order_by("sequence").first()


def money_of(decision) -> dict[str, int]:
    figures, _current, _open = figures_of(awards().get(pk=decision.pk))
    return {name: cents(getattr(figures, name)) for name in ("awarded", "paid", "still_due", "lapsed", "set_off")}


def three_steps(decision, *, reviewer, administrator, coordinator, lower, set_off=(), check_set_off=None):
    settlement = propose(decision, reviewer, lower=lower, set_off=set_off)
    services.check_settlement(
        settlement=settlement,
        by=administrator,
        reclaim_number=f"V-{settlement.pk}",
        set_off=check_set_off,
        now=SETTLE_DAY,
    )
    return services.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)


@pytest.mark.django_db
def test_the_approval_sets_the_reclaim_off_and_the_rest_of_the_instalment_stays_due(
    subsidy, other, reviewer, administrator, coordinator
):
    target = first_open(other)
    settlement = three_steps(
        subsidy,
        reviewer=reviewer,
        administrator=administrator,
        coordinator=coordinator,
        lower=50_000_00,
        set_off=[target.pk],
    )
    assert cents(settlement.reclaim) == 10_000_50 and cents(settlement.set_off) == 10_000_50
    assert settlement.reclaim_to_pay == 0 and settlement.reclaim_due_on is None
    target.refresh_from_db()
    assert target.status == InstalmentStatus.CANCELLED and "verrekend" in target.cancel_reason
    row = SetOff.objects.get(settlement=settlement)
    assert row.remainder.amount == Decimal("50000.00") and row.remainder.due_on == target.due_on
    assert row.remainder.status == InstalmentStatus.DUE
    # This decision: settled + reclaimed (paid back and set off) = paid.
    mine = money_of(subsidy)
    assert cents(settlement.settled) + cents(settlement.reclaim) == mine["paid"]
    # The other: awarded = paid + still due + set off, nothing lapsed.
    theirs = money_of(other)
    assert theirs["set_off"] == 10_000_50 and theirs["lapsed"] == 0
    assert theirs["awarded"] == theirs["paid"] + theirs["still_due"] + theirs["set_off"]
    # The money overview reads the same, and both decisions add up there.
    from allocations.money import selectors as money

    for decision in (subsidy, other):
        row = money.figures_of(money.sent_awards().get(pk=decision.pk))
        assert money.adds_up(row), (decision.number, row)
    # Settling the other later counts the set-off as paid to it.
    inputs = services.inputs_of(other)
    assert inputs.paid == 10_000_50 and inputs.open == 110_000_50 and inputs.lapsed_before == 0


@pytest.mark.django_db
def test_the_letter_says_which_decision_and_how_much_and_what_is_left_to_pay(
    subsidy, other, reviewer, administrator, coordinator
):
    target = first_open(other)
    settlement = three_steps(
        subsidy,
        reviewer=reviewer,
        administrator=administrator,
        coordinator=coordinator,
        lower=0,
        set_off=[target.pk],
    )
    # € 60.000,50 paid, settled at nil: all of it reclaimed, one instalment of € 60.000,50 set off whole.
    letter = letters.settlement_letter(settlement)
    assert letter.set_off_cents == 60_000_50 and letter.to_pay_cents == 0
    html = words(letters.letter_html(letter))
    assert f"beschikking {other.number}" in html and target.reference in html
    assert "€ 60.000,50" in html and "u hoeft niets over te maken" in html
    assert f"vorderingsnummer {settlement.reclaim_number}" in html


@pytest.mark.django_db
def test_what_the_instalments_cannot_cover_is_paid_back(subsidy, other, reviewer, administrator, coordinator):
    # Both of this decision's instalments paid (€ 120.001,00), settled at nil; one instalment of the other set off.
    Instalment.objects.filter(decision=subsidy, sequence=2).update(
        status=InstalmentStatus.PAID, paid_on=datetime.date(2028, 2, 15)
    )
    target = first_open(other)
    settlement = three_steps(
        subsidy, reviewer=reviewer, administrator=administrator, coordinator=coordinator, lower=0, set_off=[target.pk]
    )
    assert cents(settlement.set_off) == 60_000_50 and cents(settlement.reclaim_to_pay) == 60_000_50
    assert settlement.reclaim_due_on == datetime.date(2029, 10, 15)
    html = words(letters.letter_html(letters.settlement_letter(settlement)))
    assert "het overige bedrag, € 60.000,50 (zestigduizend euro en vijftig cent)" in html
    assert "uiterlijk op 15 oktober 2029" in html


@pytest.mark.django_db
def test_the_auditor_may_choose_the_set_off_at_the_check(subsidy, other, reviewer, administrator, coordinator):
    target = first_open(other)
    settlement = three_steps(
        subsidy,
        reviewer=reviewer,
        administrator=administrator,
        coordinator=coordinator,
        lower=50_000_00,
        check_set_off=[target.pk],
    )
    assert cents(settlement.set_off) == 10_000_50
    assert SetOff.objects.get(settlement=settlement).instalment_id == target.pk


@pytest.mark.django_db
def test_only_open_instalments_of_the_same_municipality_and_scheme(subsidy, other, foreign, reviewer):
    with pytest.raises(ValidationError) as refused:
        propose(subsidy, reviewer, lower=50_000_00, set_off=[first_open(foreign).pk])
    assert "set_off" in refused.value.message_dict
    with pytest.raises(ValidationError):
        propose(subsidy, reviewer, lower=50_000_00, set_off=[first_open(subsidy).pk])  # its own decision
    assert set(setoffs.candidates(subsidy)) == set(Instalment.objects.filter(decision=other))


@pytest.mark.django_db
def test_nothing_to_set_off_without_a_reclaim(subsidy, other, reviewer):
    with pytest.raises(ValidationError) as refused:
        services.propose_settlement(decision=subsidy, by=reviewer, now=SETTLE_DAY, set_off=[first_open(other).pk])
    assert "niets te verrekenen" in str(refused.value)


@pytest.mark.django_db
def test_an_instalment_ordered_meanwhile_stops_the_approval(subsidy, other, reviewer, administrator, coordinator):
    target = first_open(other)
    settlement = propose(subsidy, reviewer, lower=50_000_00, set_off=[target.pk])
    services.check_settlement(settlement=settlement, by=administrator, reclaim_number="V-1", now=SETTLE_DAY)
    Instalment.objects.filter(pk=target.pk).update(status=InstalmentStatus.ORDERED)
    with pytest.raises(TransitionNotAllowed, match=target.reference):
        services.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)
    target.refresh_from_db()
    assert target.status == InstalmentStatus.ORDERED and not Instalment.objects.filter(amount=Decimal("50000.00"))


@pytest.mark.django_db
@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    lower=st.integers(0, 120_001_00 - 1),
    second_paid=st.booleans(),
    chosen=st.sampled_from([(), (1,), (2,), (1, 2)]),
)
def test_no_money_appears_or_disappears_with_a_set_off(
    subsidy, other, reviewer, administrator, coordinator, lower, second_paid, chosen
):
    with transaction.atomic():
        if second_paid:
            Instalment.objects.filter(decision=subsidy, sequence=2).update(
                status=InstalmentStatus.PAID, paid_on=datetime.date(2028, 2, 15)
            )
        paid_before = money_of(subsidy)["paid"]
        ids = list(Instalment.objects.filter(decision=other, sequence__in=chosen).values_list("pk", flat=True))
        reclaim = max(paid_before - lower, 0)
        settlement = propose(subsidy, reviewer, lower=lower, set_off=ids if reclaim else ())
        services.check_settlement(
            settlement=settlement,
            by=administrator,
            reclaim_number=f"V-{settlement.pk}" if settlement.reclaim else "",
            now=SETTLE_DAY,
        )
        settlement = services.approve_settlement(settlement=settlement, by=coordinator, now=SETTLE_DAY)
        settled, reclaimed, set_off = cents(settlement.settled), cents(settlement.reclaim), cents(settlement.set_off)
        mine, theirs = money_of(subsidy), money_of(other)
        assert settled + reclaimed - cents(settlement.final_payment) == mine["paid"] == paid_before
        assert set_off + cents(settlement.reclaim_to_pay) == reclaimed
        assert theirs["set_off"] == set_off
        assert theirs["awarded"] == theirs["paid"] + theirs["still_due"] + theirs["set_off"] + theirs["lapsed"]
        assert theirs["lapsed"] == 0
        transaction.set_rollback(True)
