"""Instalments from a sent award's schedule: made when the batch is sent, once (sending again, or scheduling
again, adds nothing; the database refuses a second instalment with the same number), the same schedule the
letter prints, adding up to the award to the cent; and their lifecycle (due → ordered → paid, or cancelled),
each step by an administrator and audited."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from allocations.letters import batches, selectors
from allocations.letters.compose import letter_content
from allocations.letters.services import texts_for
from allocations.payments import services
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Outcome
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY
from tests.allocations.payments.sent import made_letters, sent_run

pytestmark = pytest.mark.django_db
LATER = datetime.datetime(2027, 4, 20, 10, tzinfo=datetime.UTC)  # after the first pay date


@pytest.fixture
def run(administrator):
    return sent_run(by=administrator, count=3)


def test_sending_the_batch_makes_one_instalment_per_year_of_each_award(run):
    awarded = run.decisions.exclude(outcome=Outcome.REJECTED).order_by("number")
    assert awarded.count() == 2
    for decision in awarded:
        instalments = list(decision.instalments.order_by("sequence"))
        assert [(i.sequence, i.year, i.due_on) for i in instalments] == [
            (1, 2027, datetime.date(2027, 4, 12)),  # four weeks after the letter of 15 March 2027
            (2, 2028, datetime.date(2028, 2, 15)),  # later years on 15 February
        ]
        assert sum(i.amount for i in instalments) == decision.amount
        assert {i.status for i in instalments} == {InstalmentStatus.DUE}
        assert [i.reference for i in instalments] == [f"{decision.number}-T1", f"{decision.number}-T2"]
    refused = run.decisions.get(outcome=Outcome.REJECTED)
    assert not refused.instalments.exists()
    assert AuditEvent.objects.filter(verb="payments.scheduled").count() == 2
    assert AuditEvent.objects.get(verb="letters.sent").data["instalments"] == 4


def test_the_instalments_are_the_payments_the_letter_prints(run):
    decision = selectors.decisions_for_letters(list(run.decisions.values_list("pk", flat=True))).get(
        outcome=Outcome.PARTIALLY_AWARDED
    )
    letter = decision.letters.get()
    content = letter_content(decision, texts_for(run.call), letter_date=letter.letter_date)
    printed = [(p.year, p.on, p.cents) for p in content.payments]
    stored = [(i.year, i.due_on, int(i.amount * 100)) for i in decision.instalments.order_by("sequence")]
    assert printed == stored and sum(c for _y, _d, c in stored) == content.awarded_cents


def test_sending_again_or_scheduling_again_makes_nothing_extra(run, administrator):
    before = list(Instalment.objects.order_by("pk").values_list("pk", "amount", "due_on"))
    assert batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY) == 0
    assert services.schedule_instalments(decisions=run.decisions.all(), by=administrator) == 0
    assert list(Instalment.objects.order_by("pk").values_list("pk", "amount", "due_on")) == before
    assert AuditEvent.objects.filter(verb="payments.scheduled").count() == 2


def test_the_database_refuses_a_second_instalment_with_the_same_number(run):
    first = Instalment.objects.order_by("pk").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Instalment.objects.create(
            decision=first.decision,
            sequence=first.sequence,
            year=first.year,
            due_on=first.due_on,
            amount=Decimal("1.00"),
            reference="ANDER-KENMERK",
        )


def test_an_unsent_decision_gets_no_instalments(administrator):
    run = letter_run(count=2, by=administrator, prefix="U")
    made_letters(run, by=administrator)
    assert services.schedule_instalments(decisions=run.decisions.all(), by=administrator) == 0
    assert not Instalment.objects.exists()


# --- The lifecycle ----------------------------------------------------------------------------------------
def _first(run) -> Instalment:
    return Instalment.objects.filter(decision__run=run).order_by("due_on", "decision__number").first()


def test_order_then_pay_each_step_audited(run, administrator):
    instalment = _first(run)
    pay_date = instalment.due_on
    ordered = services.order_payments(pay_date=pay_date, by=administrator, now=SEND_DAY)
    assert {i.pk for i in ordered} == set(Instalment.objects.filter(due_on=pay_date).values_list("pk", flat=True))
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.ORDERED and instalment.ordered_by == administrator
    with pytest.raises(TransitionNotAllowed, match="geen termijn meer"):
        services.order_payments(pay_date=pay_date, by=administrator)  # nothing left to order on that date
    paid_on = datetime.date(2027, 4, 10)
    services.record_paid(instalment=instalment, paid_on=paid_on, by=administrator, now=LATER)
    instalment.refresh_from_db()
    assert (instalment.status, instalment.paid_on, instalment.paid_source) == ("paid", paid_on, "page")
    events = AuditEvent.objects.filter(target_id=str(instalment.pk), verb__startswith="instalment.").order_by("pk")
    assert [(e.verb, e.data["before"]["status"], e.data["after"]["status"]) for e in events] == [
        ("instalment.ordered", "due", "ordered"),
        ("instalment.paid", "ordered", "paid"),
    ]
    with pytest.raises(TransitionNotAllowed):
        services.record_paid(instalment=instalment, paid_on=paid_on, by=administrator, now=LATER)  # paid already
    with pytest.raises(TransitionNotAllowed, match="betaalde of vervallen"):
        services.cancel_instalment(instalment=instalment, reason="Herzien besluit", by=administrator)


def test_a_paid_date_needs_an_order_and_a_day_between_sending_and_today(run, administrator):
    instalment = _first(run)
    with pytest.raises(TransitionNotAllowed, match="betaalopdracht"):
        services.record_paid(instalment=instalment, paid_on=datetime.date(2027, 4, 1), by=administrator)
    services.order_payments(pay_date=instalment.due_on, by=administrator)
    today = LATER
    for day, says in [
        (None, "Vul de datum in"),
        (datetime.date(2027, 4, 21), "ligt in de toekomst"),
        (datetime.date(2027, 3, 14), "vóór de verzending van de beschikking (15 maart 2027)"),
    ]:
        with pytest.raises(ValidationError) as error:
            services.record_paid(instalment=instalment, paid_on=day, by=administrator, now=today)
        assert says in error.value.message_dict["paid_on"][0]
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.ORDERED and instalment.paid_on is None


def test_cancelling_needs_a_reason_and_leaves_the_instalment_out_of_the_order(run, administrator):
    instalment = _first(run)
    with pytest.raises(ValidationError) as error:
        services.cancel_instalment(instalment=instalment, reason="  ", by=administrator)
    assert "reason" in error.value.message_dict
    services.cancel_instalment(instalment=instalment, reason="Herzien na bezwaar", by=administrator)
    instalment.refresh_from_db()
    assert instalment.status == InstalmentStatus.CANCELLED and instalment.cancel_reason == "Herzien na bezwaar"
    ordered = services.order_payments(pay_date=instalment.due_on, by=administrator)
    assert instalment.pk not in {i.pk for i in ordered}
    assert AuditEvent.objects.filter(verb="instalment.cancelled", data__reason="Herzien na bezwaar").count() == 1


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_only_an_administrator_orders_pays_or_cancels(run, role, request):
    user = request.getfixturevalue(role)
    instalment = _first(run)
    with pytest.raises(PermissionDenied):
        services.order_payments(pay_date=instalment.due_on, by=user)
    with pytest.raises(PermissionDenied):
        services.record_paid(instalment=instalment, paid_on=datetime.date(2027, 4, 1), by=user)
    with pytest.raises(PermissionDenied):
        services.cancel_instalment(instalment=instalment, reason="x", by=user)
    assert set(Instalment.objects.values_list("status", flat=True)) == {InstalmentStatus.DUE}


def test_the_command_schedules_decisions_sent_before_and_is_idempotent(administrator):
    from io import StringIO

    from django.core.management import call_command

    from allocations.letters.models import Letter

    run = letter_run(count=3, by=administrator, prefix="C")
    made_letters(run, by=administrator)
    # Sent before sending made instalments: the letters and decisions carry the moment, nothing else.
    Letter.objects.filter(decision__run=run).update(sent_at=SEND_DAY)
    run.decisions.update(sent_at=SEND_DAY)
    out = StringIO()
    call_command("schedule_instalments", stdout=out)
    assert out.getvalue().strip() == "4 termijnen gemaakt."
    for decision in run.decisions.exclude(outcome=Outcome.REJECTED):
        assert [i.due_on for i in decision.instalments.order_by("sequence")] == [
            datetime.date(2027, 4, 12),
            datetime.date(2028, 2, 15),
        ]
        assert sum(i.amount for i in decision.instalments.all()) == decision.amount
    call_command("schedule_instalments", stdout=out)
    assert Instalment.objects.count() == 4


def test_an_instalment_never_changes_what_it_promises_and_is_never_deleted(run):
    from allocations.payments.models import InstalmentChanged

    instalment = _first(run)
    instalment.amount += 1
    with pytest.raises(InstalmentChanged):
        instalment.save()
    with pytest.raises(InstalmentChanged):
        Instalment.objects.filter(pk=instalment.pk).update(due_on=datetime.date(2030, 1, 1))
    with pytest.raises(InstalmentChanged):
        Instalment.objects.filter(pk=instalment.pk).delete()
    with pytest.raises(InstalmentChanged):
        Instalment.objects.get(pk=instalment.pk).delete()
    assert Instalment.objects.get(pk=instalment.pk).amount == instalment.amount - 1
