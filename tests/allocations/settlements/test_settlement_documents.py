"""The settlement letters, stored: made after the approval, dated by the day of sending (made again when sent on
a later day), frozen once sent, downloaded by staff and by the municipality's own officers (the sent version
only), every download audited; a correction gets its own letter and the old one stays."""

import datetime
import hashlib
import subprocess
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import AuditEvent
from accounts.money import cents
from accounts.workflow import TransitionNotAllowed
from allocations.settlements import documents, letters, services
from allocations.settlements.models import DocumentFrozen, SettlementDocument, SettlementGround
from tests.allocations.settlements.conftest import SETTLE_DAY
from tests.conftest import _client_for
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db
LATER_DAY = datetime.datetime(2029, 9, 10, 9, 0, tzinfo=datetime.UTC)


def approved(decision, *, assessor, auditor, coordinator, capture, reclaim_number="", now=SETTLE_DAY, **proposal):
    """The three steps; the approval's after-commit work (making the letter) runs."""
    settlement = services.propose_settlement(decision=decision, by=assessor, now=now, **proposal)
    settlement = services.check_settlement(settlement=settlement, by=auditor, reclaim_number=reclaim_number, now=now)
    with time_machine.travel(now, tick=False), capture(execute=True):
        return services.approve_settlement(settlement=settlement, by=coordinator, now=now)


@pytest.fixture
def lower(subsidy, reviewer, administrator, coordinator, django_capture_on_commit_callbacks):
    """The subsidy settled at € 50.000,00 on a ground: € 10.000,50 paid too much, reclaimed."""
    return approved(
        subsidy,
        assessor=reviewer,
        auditor=administrator,
        coordinator=coordinator,
        capture=django_capture_on_commit_callbacks,
        reclaim_number="VORD-2029-7",
        ground=SettlementGround.OBLIGATIONS,
        proposed=Decimal("50000.00"),
        motivation="Het eindverslag ontbreekt.",
    )


@pytest.fixture
def own_officer(subsidy):
    return OfficerFactory(municipality=subsidy.application.municipality, email="officer@briefgemeente.nl")


def pdf_text(document: SettlementDocument) -> str:
    with document.file.open("rb") as handle:
        content = handle.read()
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def test_the_approval_makes_the_letter_dated_the_day_of_settlement(lower):
    document = documents.current_document(lower)
    assert document is not None and document.version == 1 and not document.is_sent
    assert document.letter_date == datetime.date(2029, 9, 3)
    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == document.sha256
    assert document.size == len(content)
    assert AuditEvent.objects.filter(verb="settlement.letter_made").count() == 1


def test_making_it_again_the_same_day_makes_nothing_new(lower, reviewer):
    with time_machine.travel(SETTLE_DAY, tick=False):
        again = documents.make_letter(settlement=lower, by=reviewer)
    assert again.version == 1 and SettlementDocument.objects.filter(settlement=lower).count() == 1


def test_sent_the_same_day_the_letter_goes_as_made_and_the_officers_are_told(
    lower, administrator, own_officer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with time_machine.travel(SETTLE_DAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        sent = documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    assert sent.version == 1 and sent.sent_at == SETTLE_DAY and sent.sent_by == administrator
    assert [message.to for message in mail.outbox] == [[own_officer.email]]
    assert lower.decision.number in mail.outbox[0].subject
    lower.refresh_from_db()
    assert lower.reclaim_due_on == datetime.date(2029, 10, 15)
    event = AuditEvent.objects.get(verb="settlement.letter_sent")
    assert event.data["letter_date"] == "2029-09-03" and event.data["sha256"] == sent.sha256


def test_sent_on_a_later_day_the_letter_is_made_again_with_that_date(lower, administrator):
    with time_machine.travel(LATER_DAY, tick=False):
        sent = documents.send_letter(settlement=lower, by=administrator, now=LATER_DAY)
    assert sent.version == 2 and sent.letter_date == datetime.date(2029, 9, 10)
    first = SettlementDocument.objects.get(settlement=lower, version=1)
    assert first.superseded_at is not None and not first.is_sent
    lower.refresh_from_db()
    # The six weeks count from the letter's date, and the letter prints that day and that due date.
    assert lower.reclaim_due_on == datetime.date(2029, 10, 22)
    words = pdf_text(sent)
    assert "10 september 2029" in words and "22 oktober 2029" in words
    assert "3 september 2029" not in words


def test_the_printed_words_match_the_stored_data(lower, administrator):
    with time_machine.travel(SETTLE_DAY, tick=False):
        sent = documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    lower.refresh_from_db()
    # The stored bytes are what the stored settlement renders with the stored date.
    letter = letters.settlement_letter(lower, letter_date=sent.letter_date)
    assert hashlib.sha256(letters.letter_pdf(letter)).hexdigest() == sent.sha256
    assert letter.reclaim_due_on == lower.reclaim_due_on and letter.reclaim_cents == cents(lower.reclaim)
    words = pdf_text(sent)
    assert "€ 50.000,00 (vijftigduizend euro)" in words
    assert "€ 10.000,50 (tienduizend euro en vijftig cent)" in words
    assert "VORD-2029-7" in words and lower.decision.number in words
    assert "15 oktober 2029" in words  # six weeks after 3 September
    assert "artikel 4:57 van de Algemene wet bestuursrecht" in words
    assert "3 september 2029" in words


def test_a_sent_letter_never_changes(lower, administrator, reviewer):
    with time_machine.travel(SETTLE_DAY, tick=False):
        sent = documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    with time_machine.travel(LATER_DAY, tick=False):
        # Making it again keeps the sent one; sending again is refused.
        assert documents.make_letter(settlement=lower, by=reviewer).pk == sent.pk
        with pytest.raises(DocumentFrozen):
            documents.send_letter(settlement=lower, by=administrator, now=LATER_DAY)
    stored = SettlementDocument.objects.get(pk=sent.pk)
    stored.letter_date = datetime.date(2029, 9, 10)
    with pytest.raises(DocumentFrozen), transaction.atomic():
        stored.save()
    with pytest.raises(DocumentFrozen), transaction.atomic():
        SettlementDocument.objects.filter(pk=sent.pk).update(sha256="0" * 64)
    with pytest.raises(DocumentFrozen), transaction.atomic():
        SettlementDocument.objects.filter(pk=sent.pk).update(superseded_at=LATER_DAY)
    with pytest.raises(DocumentFrozen), transaction.atomic():
        stored.delete()
    assert SettlementDocument.objects.get(pk=sent.pk).sha256 == sent.sha256
    assert SettlementDocument.objects.filter(settlement=lower).count() == 1


def test_an_unsent_version_is_made_again_never_rewritten(lower):
    document = documents.current_document(lower)
    with pytest.raises(DocumentFrozen), transaction.atomic():
        SettlementDocument.objects.filter(pk=document.pk).update(letter_date=datetime.date(2029, 9, 10))


def test_sending_is_an_administrators_step_with_a_confirmation(lower, reviewer, administrator):
    url = reverse("settlement_letter_send", args=[lower.pk])
    with time_machine.travel(SETTLE_DAY, tick=False):
        assert _client_for(None, reviewer).post(url, {"bevestigd": "ja"}).status_code == 403
        client = _client_for(None, administrator)
        page = client.get(url)
        assert page.status_code == 200 and "3 september 2029" in page.content.decode()
        assert client.post(url).status_code == 400  # not confirmed: nothing sent
        assert documents.sent_document(lower) is None
        assert client.post(url, {"bevestigd": "ja"}).status_code == 302
    assert documents.sent_document(lower) is not None
    with time_machine.travel(SETTLE_DAY, tick=False):
        assert client.post(url, {"bevestigd": "ja"}).status_code == 409


def test_downloads_check_the_object_and_are_audited(lower, administrator, reviewer, own_officer, other_officer):
    document = documents.current_document(lower)
    url = reverse("settlement_document_download", args=[document.pk])
    # Not sent: staff read it, the municipality not yet.
    assert _client_for(None, reviewer).get(url).status_code == 200
    assert _client_for(None, own_officer).get(url).status_code == 404
    assert _client_for(None, other_officer).get(url).status_code == 404
    with time_machine.travel(SETTLE_DAY, tick=False):
        documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    response = _client_for(None, own_officer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert _client_for(None, other_officer).get(url).status_code == 404
    downloads = AuditEvent.objects.filter(verb="settlement.letter_downloaded").order_by("id")
    assert [event.actor for event in downloads] == [reviewer, own_officer]
    assert downloads.last().data["sha256"] == document.sha256


def test_the_officer_sees_the_sent_letter_on_the_decision_page(lower, administrator, own_officer, other_officer):
    page_url = reverse("application_letters", args=[lower.decision.application_id])
    document = documents.current_document(lower)
    link = reverse("settlement_document_download", args=[document.pk])
    assert link not in _client_for(None, own_officer).get(page_url).content.decode()
    with time_machine.travel(SETTLE_DAY, tick=False):
        documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    page = _client_for(None, own_officer).get(page_url)
    assert page.status_code == 200 and link in page.content.decode()
    assert _client_for(None, other_officer).get(page_url).status_code == 404


def test_staff_download_the_current_letter_from_the_settlement(lower, reviewer, officer):
    url = reverse("settlement_letter", args=[lower.pk])
    response = _client_for(None, reviewer).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(verb="settlement.letter_downloaded").count() == 1
    assert _client_for(None, officer).get(url).status_code in (403, 404)


def test_a_correction_gets_its_own_letter_and_the_old_one_stays(
    lower, subsidy, reviewer, administrator, coordinator, django_capture_on_commit_callbacks
):
    with time_machine.travel(SETTLE_DAY, tick=False):
        first = documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    correction = approved(
        subsidy,
        assessor=reviewer,
        auditor=administrator,
        coordinator=coordinator,
        capture=django_capture_on_commit_callbacks,
        now=LATER_DAY,
    )
    assert correction.corrects_id == lower.pk
    with time_machine.travel(LATER_DAY, tick=False):
        second = documents.send_letter(settlement=correction, by=administrator, now=LATER_DAY)
    assert second.settlement_id == correction.pk and second.version == 1
    assert SettlementDocument.objects.get(pk=first.pk).sha256 == first.sha256
    words = pdf_text(second).replace("- ", "-")  # a long number may break after its hyphen
    assert f"Dit besluit wijzigt de vaststelling {lower.reference}" in words


def test_only_an_approved_settlement_has_a_letter(subsidy, reviewer, administrator):
    settlement = services.propose_settlement(decision=subsidy, by=reviewer, now=SETTLE_DAY)
    with pytest.raises(TransitionNotAllowed):
        documents.make_letter(settlement=settlement, by=reviewer)
    with pytest.raises(TransitionNotAllowed):
        documents.send_letter(settlement=settlement, by=administrator)


def test_on_postgresql_the_database_itself_refuses_to_change_a_sent_letter(lower, administrator):
    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    made = documents.current_document(lower)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE allocations_settlementdocument SET sha256 = %s WHERE id = %s", ["0" * 64, made.pk])
    with time_machine.travel(SETTLE_DAY, tick=False):
        sent = documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    for sql, params in (
        (
            "UPDATE allocations_settlementdocument SET letter_date = %s WHERE id = %s",
            [datetime.date(2029, 9, 10), sent.pk],
        ),
        ("UPDATE allocations_settlementdocument SET sent_at = NULL WHERE id = %s", [sent.pk]),
        ("DELETE FROM allocations_settlementdocument WHERE id = %s", [sent.pk]),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert SettlementDocument.objects.get(pk=sent.pk).sha256 == sent.sha256


def test_the_api_hands_the_sent_letter_to_the_municipality_only(lower, administrator, own_officer, other_officer):
    from rest_framework.test import APIClient

    document = documents.current_document(lower)
    url = f"/api/v1/settlement-letters/{document.pk}/pdf/"

    def get(user):
        client = APIClient()
        client.force_authenticate(user)
        return client.get(url)

    assert get(own_officer).status_code == 404  # not sent yet
    assert get(administrator).status_code == 200
    with time_machine.travel(SETTLE_DAY, tick=False):
        documents.send_letter(settlement=lower, by=administrator, now=SETTLE_DAY)
    response = get(own_officer)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert get(other_officer).status_code == 404
    via = AuditEvent.objects.filter(verb="settlement.letter_downloaded").values_list("data__via", flat=True)
    assert list(via) == ["api", "api"]
