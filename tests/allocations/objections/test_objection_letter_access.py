"""Who sees the letters of an objection case, and what else the letters carry along: staff every letter, the
objector's officers the letters sent to them, anyone else a 404; every download audited; the API lists and serves
them; the sweeper re-queues a lost or dead letter job; the old award letter is marked as revoked."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit_log import AuditEvent
from allocations import jobs
from allocations.letters.deadlines import local_today
from allocations.letters.models import Letter
from allocations.objections import letter_services, outcome, services
from allocations.objections.letter_jobs import OBJECTION_LETTER_KIND
from allocations.objections.letter_models import LetterKind, LetterStatus, ObjectionLetter
from allocations.objections.models import CaseOutcome
from allocations.runs.models import Decision
from tests.allocations.objections.conftest import at
from tests.allocations.objections.letters_helpers import long_day, pdf_text, reconsider
from tests.allocations.runs.conftest import final_run_of, start  # noqa: F401 - fixtures
from tests.factories import ReviewerFactory

pytestmark = pytest.mark.django_db

TODAY = at(datetime.date(2027, 4, 20))


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sent(case) -> ObjectionLetter:
    return ObjectionLetter.objects.get(case=case, kind=LetterKind.ACKNOWLEDGEMENT)


def _pending_repair(case, administrator) -> ObjectionLetter:
    """A repair letter whose message never ran (no on_commit here): pending, no file."""
    with time_machine.travel(TODAY, tick=False):
        services.request_repair(
            case=case, by=administrator, missing="De datum ontbreekt.", deadline=datetime.date(2027, 5, 4)
        )
    return ObjectionLetter.objects.get(case=case, kind=LetterKind.REPAIR)


def test_staff_and_the_objectors_officers_download_a_sent_letter_and_each_download_is_audited(
    case, administrator, objector_officer
):
    letter = _sent(case)
    url = reverse("objection_letter_download", args=[case.pk, letter.pk])
    for person in (administrator, objector_officer):
        answer = _client(person).get(url)
        assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
        assert b"".join(answer.streaming_content).startswith(b"%PDF")
        event = AuditEvent.objects.filter(verb="objection.letter_downloaded", actor=person).get()
        assert event.data["letter"] == letter.pk and event.data["sha256"] == letter.sha256
    page = _client(objector_officer).get(reverse("objection_detail", args=[case.pk]))
    assert url.encode() in page.content and b"Ontvangstbevestiging" in page.content


def test_another_municipality_gets_a_404_for_the_letter_and_the_case(case, other_officer):
    letter = _sent(case)
    client = _client(other_officer)
    assert client.get(reverse("objection_letter_download", args=[case.pk, letter.pk])).status_code == 404
    assert client.get(reverse("api-objection-letters", args=[case.pk])).status_code == 404
    assert client.get(reverse("api-objection-letter-pdf", args=[case.pk, letter.pk])).status_code == 404
    assert not AuditEvent.objects.filter(verb="objection.letter_downloaded").exists()


def test_a_letter_of_another_case_is_a_404_under_this_case(case, administrator, objector_officer, decision):
    with time_machine.travel(TODAY, tick=False):
        other = services.register_objection(
            decision=decision, by=administrator, objector=decision.application.municipality, channel="post",
            received_on=local_today(TODAY), grounds="Anders.",
        )  # fmt: skip
    letter = _sent(case)
    assert (
        _client(administrator).get(reverse("objection_letter_download", args=[other.pk, letter.pk])).status_code == 404
    )


def test_an_unsent_letter_is_listed_for_staff_and_hidden_from_the_officer(case, administrator, objector_officer):
    pending = _pending_repair(case, administrator)
    assert pending.status == LetterStatus.PENDING and not pending.file
    staff = _client(administrator).get(reverse("api-objection-letters", args=[case.pk])).json()
    assert {row["kind"]: row["pdf"] for row in staff}["repair"] is None
    officer = _client(objector_officer).get(reverse("api-objection-letters", args=[case.pk])).json()
    assert [row["kind"] for row in officer] == ["acknowledgement"]
    url = reverse("objection_letter_download", args=[case.pk, pending.pk])
    assert _client(objector_officer).get(url).status_code == 404
    assert _client(administrator).get(url).status_code == 404  # nothing stored yet


def test_the_api_serves_the_pdf_and_audits_it(case, objector_officer):
    letter = _sent(case)
    client = _client(objector_officer)
    [row] = client.get(reverse("api-objection-letters", args=[case.pk])).json()
    assert row["sha256"] == letter.sha256 and row["letter_date"] == letter.letter_date.isoformat()
    answer = client.get(row["pdf"])
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.get(verb="objection.letter_downloaded").data["via"] == "api"


def test_a_reviewer_is_ministry_staff_and_sees_the_letters(case):
    reviewer = ReviewerFactory()
    letter = _sent(case)
    assert _client(reviewer).get(reverse("objection_letter_download", args=[case.pk, letter.pk])).status_code == 200


def test_the_schema_has_the_letter_endpoints(administrator_client):
    schema = administrator_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content
    assert (
        b"/api/v1/objections/{id}/letters/" in schema and b"/api/v1/objections/{id}/letters/{letter_pk}/pdf/" in schema
    )


def test_the_sweeper_sends_a_letter_whose_message_got_lost(case, administrator, objector_officer):
    pending = _pending_repair(case, administrator)
    assert letter_services.sweep_letters(now=timezone.now() - datetime.timedelta(days=1)) == 0  # not waited long
    with time_machine.travel(TODAY + datetime.timedelta(minutes=5), tick=False):
        assert letter_services.sweep_letters() == 1
    pending.refresh_from_db()
    assert pending.status == LetterStatus.SENT and pending.attempts == 1 and "De datum ontbreekt." in pdf_text(pending)


def test_the_sweeper_takes_over_a_letter_whose_worker_died(case, administrator):
    pending = _pending_repair(case, administrator)
    with time_machine.travel(TODAY, tick=False):
        lease = jobs.claim(OBJECTION_LETTER_KIND, pending.pk)  # a worker claims it, then dies
    assert lease is not None
    with time_machine.travel(TODAY + datetime.timedelta(minutes=2), tick=False):
        assert letter_services.sweep_letters() == 0  # its lease still runs
    with time_machine.travel(TODAY + datetime.timedelta(hours=1), tick=False):
        assert letter_services.sweep_letters() == 1
    pending.refresh_from_db()
    assert pending.status == LetterStatus.SENT and pending.attempts == 2
    # The dead attempt's late write lands nowhere.
    assert not jobs.finish(lease, "done")
    assert ObjectionLetter.objects.filter(case=case, kind=LetterKind.REPAIR).count() == 1


def test_a_withdrawn_case_gets_no_decision_letter(case, objector_officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(case=case, by=objector_officer)
    assert not ObjectionLetter.objects.filter(case=case, kind=LetterKind.DECISION).exists()
    case.refresh_from_db()
    assert case.ruling_number == ""


def test_a_late_objection_is_declared_inadmissible_with_the_articles(
    tie, administrator, django_capture_on_commit_callbacks
):
    run, _a, _b, c = tie
    decision = Decision.objects.get(run=run, application=c)
    late = datetime.date(2027, 9, 1)
    with time_machine.travel(at(late), tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.register_objection(
            decision=decision, by=administrator, objector=c.municipality, channel="post", received_on=late,
            grounds="Te laat.", advisory_committee=True,
        )  # fmt: skip
        case = outcome.decide(
            case=case, by=administrator, outcome=CaseOutcome.INADMISSIBLE, reason="Te laat ingediend."
        )
    assert not case.is_timely
    ack = pdf_text(ObjectionLetter.objects.get(case=case, kind=LetterKind.ACKNOWLEDGEMENT))
    assert "twaalf weken" in ack and "7:13" in ack and "per post" in ack
    # Late: the letter says so, names the end of the objection term, 6:11, and that the decision term has passed.
    assert "na afloop van de bezwaartermijn" in ack and "6:11" in ack
    assert f"eindigde daarom al op {long_day(case.decision_term_end)}" in ack
    text = pdf_text(ObjectionLetter.objects.get(case=case, kind=LetterKind.DECISION))
    assert "niet-ontvankelijk (artikelen 6:9 en 6:11 van de Algemene wet bestuursrecht)" in text
    assert "Te laat ingediend." in text and "Heroverweging" not in text and "herroep" not in text


def test_a_pro_forma_objection_gets_a_term_for_its_grounds(tie, administrator, django_capture_on_commit_callbacks):
    run, _a, _b, c = tie
    decision = Decision.objects.get(run=run, application=c)
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.register_objection(
            decision=decision, by=administrator, objector=c.municipality, channel="email",
            received_on=local_today(TODAY), pro_forma=True,
        )  # fmt: skip
        services.request_repair(case=case, by=administrator, missing="De gronden.", deadline=datetime.date(2027, 5, 18))
    text = pdf_text(ObjectionLetter.objects.get(case=case, kind=LetterKind.REPAIR))
    assert (
        "pro forma" in text
        and "artikel 6:5, eerste lid, onder d" in text
        and "de gronden van uw bezwaar te geven" in text
    )
    assert "dinsdag 18 mei 2027" in text


def test_the_old_award_letter_stays_marked_as_revoked_by_the_new_decision_number(
    tie, case, administrator, second_administrator, objector_officer, django_capture_on_commit_callbacks
):
    run, _a, _b, c = tie
    award = Letter.objects.get(decision=case.decision, sent_at__isnull=False)
    sha = award.sha256
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.waive_hearing(case=case, by=administrator, ground="e", reason="Volledig tegemoetgekomen.")
        case = outcome.attach_reconsideration(
            case=case, reconsideration=reconsider(run, c, administrator), by=administrator
        )
        case = outcome.decide(case=case, by=administrator, outcome=CaseOutcome.FOUNDED, reason="Telfout.")
        case = outcome.approve_decision(case=case, by=second_administrator)
    ruling = case.ruling_number
    assert ruling == f"{case.number}-BOB"
    award.refresh_from_db()
    assert award.sha256 == sha  # the old letter stays as it was sent
    client = _client(objector_officer)
    [row] = client.get(reverse("api-application-letters", args=[c.pk])).json()
    assert row["revoked_by"] == ruling
    assert client.get(reverse("api-letter-detail", args=[award.pk])).json()["revoked_by"] == ruling
    for url in (reverse("application_letters", args=[c.pk]), reverse("application_detail", args=[c.pk])):
        page = client.get(url).content.decode()
        assert ruling in page and "erroepen door beslissing op bezwaar" in page, url
    staff = _client(administrator).get(reverse("run_letters", args=[run.pk])).content.decode()
    assert f"Herroepen door beslissing op bezwaar {ruling}" in staff
    # Another decision of the run is not revoked.
    others = _client(administrator).get(reverse("api-run-letters", args=[run.pk])).json()
    assert {r["decision_number"]: r["revoked_by"] for r in others if r["decision_number"] != case.decision.number}
    assert all(r["revoked_by"] is None for r in others if r["decision_number"] != case.decision.number)


def test_the_letters_of_a_case_cost_the_same_queries_however_many_there_are(case, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(administrator)
    url = reverse("api-objection-letters", args=[case.pk])
    page = reverse("objection_detail", args=[case.pk])

    def count(address: str) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(address).status_code == 200
        return len(context)

    before = (count(url), count(page))
    for version in range(2, 7):
        ObjectionLetter.objects.create(case=case, kind=LetterKind.REPAIR, version=version)
    assert (count(url), count(page)) == before


def test_lodging_in_the_portal_sends_the_acknowledgement_to_the_officer(
    decision, officer, django_capture_on_commit_callbacks
):
    from tests.allocations.objections.conftest import LAST_DAY

    moment = at(LAST_DAY)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        case = services.lodge_objection(decision=decision, by=officer, grounds="Onjuist opgeteld.", now=moment)
    letter = ObjectionLetter.objects.get(case=case, kind=LetterKind.ACKNOWLEDGEMENT)
    assert letter.is_sent and letter.letter_date == LAST_DAY
    text = pdf_text(letter)
    assert "via het portaal" in text and case.number in text and long_day(case.decision_term_end) in text
    assert _client(officer).get(reverse("objection_letter_download", args=[case.pk, letter.pk])).status_code == 200
