"""A week before a decision term ends, the case's staff get one e-mail; a postponed term gets its own."""

import datetime

import pytest
from django.core import mail

from accounts.models import AuditEvent
from allocations.objections import reminders, services
from allocations.objections.models import TermReminder
from tests.allocations.objections.conftest import DECISION_TERM_END, at
from tests.factories import AdministratorFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_staff_who_handled_the_case_are_reminded_once_a_week_before(
    decision, officer, administrator, django_capture_on_commit_callbacks
):
    AdministratorFactory(email="ander@minvro.nl")  # took no step on the case: not reminded
    case = services.lodge_objection(
        decision=decision, by=officer, now=at(D(2027, 4, 1)), grounds="De punten zijn verkeerd opgeteld."
    )
    services.postpone(case=case, by=administrator, weeks=2, reason="Advies ingewonnen.", now=at(D(2027, 5, 3)))
    case.refresh_from_db()
    term_end = case.decision_term_end
    assert term_end == DECISION_TERM_END + datetime.timedelta(weeks=2)
    assert reminders.send_term_reminders(today=term_end - datetime.timedelta(days=8)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_term_reminders(today=term_end - datetime.timedelta(days=7)) == 1
    assert reminders.send_term_reminders(today=term_end - datetime.timedelta(days=6)) == 0  # once
    (message,) = mail.outbox
    assert message.to == [administrator.email]
    assert case.number in message.subject and "21 juni 2027" in message.subject
    assert "Er resten nog 7 dagen." in message.body and "artikel 7:10" in message.body
    assert TermReminder.objects.get().term_end == term_end
    assert AuditEvent.objects.filter(verb="objection.term_reminded", target_id=str(case.pk)).count() == 1


def test_a_case_no_one_at_the_ministry_touched_goes_to_every_administrator(
    decision, officer, administrator, django_capture_on_commit_callbacks
):
    services.lodge_objection(decision=decision, by=officer, now=at(D(2027, 4, 1)), grounds="Te laag bedrag.")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_term_reminders(today=DECISION_TERM_END) == 1
    assert [m.to for m in mail.outbox] == [[administrator.email]]


def test_a_closed_case_is_not_reminded(decision, officer, administrator):
    case = services.lodge_objection(decision=decision, by=officer, now=at(D(2027, 4, 1)), grounds="Te laag bedrag.")
    services.withdraw(case=case, by=officer, now=at(D(2027, 4, 2)))
    assert reminders.send_term_reminders(today=DECISION_TERM_END) == 0
