"""A real Celery worker makes, stores and sends an objection letter from its database row, once, whatever the
number of messages."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from allocations.letters.deadlines import local_today
from allocations.objections import services
from allocations.objections.letter_models import LetterKind, LetterStatus, ObjectionLetter
from allocations.objections.tasks import send_objection_letter
from allocations.runs.models import Decision
from tests.allocations.final_runs import export_run
from tests.factories import AdministratorFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_sends_the_acknowledgement_once(celery_worker_process):
    run = export_run(lines=2)
    decision = run.decisions.order_by("pk").first()
    Decision.objects.filter(pk=decision.pk).update(sent_at=timezone.now() - datetime.timedelta(days=3))
    decision.refresh_from_db()
    admin = AdministratorFactory()
    case = services.register_objection(
        decision=decision,
        by=admin,
        objector=decision.application.municipality,
        channel="email",
        received_on=local_today(),
        grounds="Onjuist.",
    )  # autocommit: the message goes to the worker at once
    letter = ObjectionLetter.objects.get(case=case, kind=LetterKind.ACKNOWLEDGEMENT)
    send_objection_letter.delay(letter.pk)  # a duplicate message, as a redelivery or the sweeper would send
    wait_for(
        lambda: ObjectionLetter.objects.get(pk=letter.pk).status == LetterStatus.SENT,
        worker=celery_worker_process,
        what="the acknowledgement to be sent",
    )
    wait_for(
        lambda: celery_worker_process.output().count("send_objection_letter") >= 4,  # received and succeeded, twice
        worker=celery_worker_process,
        what="both messages to be handled",
    )
    letter.refresh_from_db()
    assert letter.sent_at is not None and len(letter.sha256) == 64 and letter.letter_date == local_today()
    assert letter.file.open("rb").read(4) == b"%PDF"
    assert AuditEvent.objects.filter(verb="objection.letter_sent", data__letter=letter.pk).count() == 1
