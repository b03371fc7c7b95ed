"""Submitting sends one receipt and stores a PDF copy; two submits at the same moment make one transition."""

import threading

import pytest
from django.core import mail
from django.db import connection
from post_office.models import Email

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from applications import services
from applications.models import ApplicationDocument, Status
from tests.factories import OfficerFactory, complete_application


@pytest.mark.django_db
def test_submit_queues_one_receipt_to_every_officer_of_the_municipality(
    officer, municipality, django_capture_on_commit_callbacks
):
    OfficerFactory(municipality=municipality, email="collega@nieuwegein.nl")
    OfficerFactory(email="ander@elders.nl")
    application = complete_application(municipality=municipality, created_by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=application, by=officer)
    email = Email.objects.get()
    assert email.subject == f"[NPLV-portaal] Ontvangstbevestiging aanvraag {application.reference}"
    assert sorted(email.to) == ["collega@nieuwegein.nl", "officer@nieuwegein.nl"]
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Geacht college van de gemeente Nieuwegein" in body
    assert "€ 300.000,00" in body
    document = ApplicationDocument.objects.get(application=application)
    assert document.version == 1
    assert document.file.read()[:5] == b"%PDF-"


@pytest.mark.django_db
def test_storing_the_copy_twice_keeps_one_document(officer):
    from applications import documents

    application = complete_application(municipality=officer.municipality, created_by=officer)
    services.submit_application(application=application, by=officer)
    application.refresh_from_db()
    first = documents.store_submission_copy(application, submitted_at=application.submitted_at)
    again = documents.store_submission_copy(application, submitted_at=application.submitted_at)
    assert first.pk == again.pk
    assert ApplicationDocument.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_double_submit_in_parallel_makes_exactly_one_transition_and_one_email(officer):
    application = complete_application(municipality=officer.municipality, created_by=officer)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait(timeout=10)
            services.submit_application(application=application, by=officer)
            outcomes.append("submitted")
        except TransitionNotAllowed:
            outcomes.append("conflict")
        except Exception as exc:  # recorded, so the assertion below shows what went wrong
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "submitted"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert AuditEvent.objects.filter(verb="application.submitted").count() == 1
    assert Email.objects.filter(subject__contains="Ontvangstbevestiging").count() == 1
