"""The four letters of an objection case (Awb 6:14, 6:6, 7:10 lid 3, 7:11): each made by the step that calls for
it, dated by the day of sending, stored with its hash, e-mailed to the objector's officers, and frozen once sent.
The printed words (pdftotext) are checked against the stored case."""

import datetime

import pytest
import time_machine
from django.core import mail

from accounts.audit_log import AuditEvent
from accounts.models import User
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines, letter_services, outcome, services
from allocations.objections.letter_models import LetterKind, LetterStatus, ObjectionLetter, SentLetterChanged
from allocations.objections.models import CaseOutcome
from tests.allocations.objections.conftest import at
from tests.allocations.objections.letters_helpers import GROUNDS, RECEIVED, long_day, pdf_text, reconsider
from tests.allocations.runs.conftest import final_run_of, start  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

TODAY = at(datetime.date(2027, 4, 20))


def _only(case, kind) -> ObjectionLetter:
    letter = ObjectionLetter.objects.get(case=case, kind=kind)
    assert letter.status == LetterStatus.SENT and letter.is_sent
    return letter


def test_registering_sends_the_acknowledgement_with_the_decision_term(case, objector_officer):
    letter = _only(case, LetterKind.ACKNOWLEDGEMENT)
    assert letter.letter_date == RECEIVED and letter.sha256 and letter.size == letter.file.size
    text = pdf_text(letter)
    assert f"Ontvangstbevestiging bezwaarschrift {case.number}" in text
    assert "1 april 2027" in text and case.decision.number in text and "artikel 6:14" in text
    assert "binnen zes weken (artikel 7:10, eerste lid" in text
    assert case.decision_term_end.strftime("%Y") in text
    assert f"eindigt op {long_day(case.decision_term_end)}" in text
    last = mail.outbox[-1]
    assert objector_officer.email in last.to and case.number in last.subject
    officers = set(
        User.objects.filter(role="officer", municipality=case.objector, is_active=True).values_list("email", flat=True)
    )
    assert set(last.to) == officers
    assert AuditEvent.objects.filter(verb="objection.letter_sent", target_id=str(case.pk)).count() == 1


def test_the_repair_letter_states_what_is_missing_and_the_last_day(
    case, administrator, django_capture_on_commit_callbacks
):
    deadline = datetime.date(2027, 5, 4)
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        services.request_repair(case=case, by=administrator, missing="De handtekening ontbreekt.", deadline=deadline)
    letter = _only(case, LetterKind.REPAIR)
    text = pdf_text(letter)
    assert letter.letter_date == local_today(TODAY)
    assert "De handtekening ontbreekt." in text and f"uiterlijk op {long_day(deadline)}" in text
    assert "artikel 6:6" in text


def test_the_postponement_notice_states_the_weeks_the_new_last_day_and_the_reason(
    case, administrator, django_capture_on_commit_callbacks
):
    before = case.decision_term_end
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.postpone(
            case=case, by=administrator, weeks=4, reason="Advies van de afdeling juridische zaken."
        )
    text = pdf_text(_only(case, LetterKind.POSTPONEMENT))
    assert "met 4 weken (artikel 7:10, derde lid" in text
    assert f"eindigt nu op {long_day(case.decision_term_end)}" in text and long_day(before) in text
    assert "Advies van de afdeling juridische zaken." in text


def test_an_unfounded_decision_says_so_with_the_article_the_waiver_and_the_appeal_clause(
    case, administrator, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.waive_hearing(
            case=case, by=administrator, ground="b", reason="Het bezwaar is kennelijk ongegrond."
        )
        case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.UNFOUNDED, reason="De optelling klopt.")
    assert case.ruling_number == f"{case.number}-BOB"
    letter = _only(case, LetterKind.DECISION)
    text = pdf_text(letter)
    assert f"Beslissing op bezwaar {case.ruling_number}" in text and GROUNDS in text
    assert "artikel 7:3, onder b" in text and "kennelijk ongegrond" in text
    assert "ongegrond en handhaaf beschikking" in text and "(artikel 7:11" in text and "De optelling klopt." in text
    last = deadlines.appeal_term_end(letter.letter_date)
    assert f"uiterlijk op {long_day(last)}" in text and "beroep instellen bij de rechtbank" in text
    assert "herroep" not in text


def test_a_founded_decision_revokes_gives_the_new_amount_its_split_and_the_payment_of_the_difference(
    tie, case, administrator, second_administrator, django_capture_on_commit_callbacks
):
    run, _a, _b, c = tie
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.plan_hearing(case=case, by=administrator, on=local_today(TODAY))
        case = services.record_hearing(case=case, by=administrator, held_on=local_today(TODAY), notes="Gehoord.")
        record = reconsider(run, c, administrator)
        case = outcome.attach_reconsideration(case=case, reconsideration=record, by=administrator)
        case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Telfout hersteld.")
        assert not ObjectionLetter.objects.filter(case=case, kind=LetterKind.DECISION).exists()  # four eyes first
        case = outcome.approve_decision(case=case, by=second_administrator)
    letter = _only(case, LetterKind.DECISION)
    text = pdf_text(letter)
    instalment = case.extra_instalment
    assert instalment is not None and instalment.amount == record.extra
    assert f"Ik herroep beschikking {case.decision.number}" in text and case.ruling_number in text
    assert f"hoorzitting vond plaats op {local_today(TODAY).day} april 2027" in text
    assert "Telfout in een criterium." in text and "Telfout hersteld." in text
    assert _euro(record.awarded) in text and _euro(record.extra) in text and instalment.reference in text
    assert "achttienduizend euro" in text
    letter_split = _letter_split(case)
    assert sum(letter_split) == int(record.awarded * 100)


def _euro(amount) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def _letter_split(case) -> list[int]:
    from allocations.objections.letters import letter_content

    content = letter_content(case, LetterKind.DECISION, letter_date=local_today(TODAY))
    return [a.cents for a in content.amounts]


def test_a_sent_letter_never_changes(case):
    letter = _only(case, LetterKind.ACKNOWLEDGEMENT)
    with pytest.raises(SentLetterChanged):
        ObjectionLetter.objects.filter(pk=letter.pk).update(sha256="0" * 64)
    letter.sha256 = "0" * 64
    with pytest.raises(SentLetterChanged):
        letter.save()
    with pytest.raises(SentLetterChanged):
        letter.delete()


def test_a_second_message_for_a_sent_letter_does_nothing(case):
    letter = _only(case, LetterKind.ACKNOWLEDGEMENT)
    outbox = len(mail.outbox)
    assert letter_services.send_job(letter.pk) is None
    assert len(mail.outbox) == outbox and ObjectionLetter.objects.get(pk=letter.pk).sha256 == letter.sha256


def test_on_postgresql_the_database_refuses_to_change_a_sent_letter(case):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    letter = _only(case, LetterKind.ACKNOWLEDGEMENT)
    for statement in (
        "UPDATE allocations_objectionletter SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM allocations_objectionletter WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [letter.pk])
    assert ObjectionLetter.objects.get(pk=letter.pk).sha256 == letter.sha256
