"""The award in force after a founded objection that awarded more (Awb 7:11): accountability, settlement and the
money overview read the new award, so the extra instalment adds up and is never reclaimed as unduly paid."""

import dataclasses

import pytest
import time_machine

from accounts.money import cents
from allocations.accountability.awards import award_of
from allocations.money import selectors as money
from allocations.objections import awards, outcome
from allocations.objections.models import CaseOutcome
from allocations.payments.models import Instalment
from allocations.runs.models import Decision
from allocations.settlements import rules
from allocations.settlements import selectors as settlement_selectors
from allocations.settlements.services import inputs_of
from tests.allocations.objections.test_objection_decision import (  # noqa: F401 - fixtures
    TODAY,
    _reconsider,
    ready_case,
    tie,
)
from tests.allocations.runs.conftest import final_run_of, start  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def founded(tie, ready_case, administrator, second_administrator):  # noqa: F811 - fixtures imported above
    """C lost the tie and got nothing; the re-run awards it 18.000,00, approved by a second administrator."""
    run, _a, _b, c = tie
    with time_machine.travel(TODAY, tick=False):
        record = _reconsider(run, c, administrator)
        case = outcome.attach_reconsideration(case=ready_case, reconsideration=record, by=administrator)
        case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Gegrond.")
        case = outcome.approve_decision(case=case, by=second_administrator)
    return case


def test_the_award_in_force_is_the_decision_on_the_objection(founded):
    decision = Decision.objects.get(pk=founded.decision_id)
    record = founded.reconsideration
    assert decision.amount == 0 and record.extra > 0  # the rejection itself never changes
    assert awards.awarded(decision) == record.awarded == decision.amount + record.extra
    assert awards.annotated_award(awards.with_extra(Decision.objects.filter(pk=decision.pk)).get()) == record.awarded


def test_accountability_checks_spending_against_the_new_award_and_its_years(founded):
    decision = Decision.objects.get(pk=founded.decision_id)
    award = award_of(decision)
    assert award.awarded_cents == cents(founded.reconsideration.awarded)
    assert sum(award.per_year_cents.values()) == award.awarded_cents  # the split the letter printed


def test_a_settlement_in_full_reclaims_nothing_of_the_extra(founded):
    decision = Decision.objects.get(pk=founded.decision_id)
    extra = Instalment.objects.get(pk=founded.extra_instalment_id)
    inputs = inputs_of(decision)
    assert inputs.awarded == cents(founded.reconsideration.awarded) == inputs.open + inputs.paid
    everything_paid_and_spent = dataclasses.replace(inputs, paid=inputs.awarded, open=0, spent=inputs.awarded)
    result = rules.settle(everything_paid_and_spent)
    assert (result.settled, result.reclaim) == (inputs.awarded, 0)
    assert cents(extra.amount) == cents(founded.reconsideration.extra)


def test_the_money_overview_shows_the_award_in_force_adding_up(founded, administrator):
    row = money.decision_money_for(administrator, founded.decision_id)
    assert row is not None  # a rejection that an objection turned into an award is in the overview
    assert row.figures.awarded == founded.reconsideration.awarded
    assert row.adds_up
    overview = settlement_selectors.call_overview(founded.decision.run.call, today=TODAY.date())
    (settlement_row,) = [r for r in overview.rows if r.decision.pk == founded.decision_id]
    assert settlement_row.figures.awarded == founded.reconsideration.awarded
