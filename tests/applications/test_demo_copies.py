"""The demo's applications get their PDF copy: those written in bulk (the reviewed applications of the calls
ready to divide) are queued by seed_demo like a submission queues its own, so their page never says "De
PDF-kopie … wordt gemaakt" for ever (issue 18)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from applications import documents, tasks
from applications.models import Application, Status

pytestmark = pytest.mark.django_db


@override_settings(DEMO=True)
def test_seed_demo_queues_a_copy_of_every_submitted_application(
    monkeypatch, django_capture_on_commit_callbacks, administrator_client
):
    queued = []
    monkeypatch.setattr(tasks.store_submission_copy, "delay", lambda *args: queued.append(args))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--quiet-accounts", stdout=out)
    submitted = dict(Application.objects.filter(submitted_at__isnull=False).values_list("pk", "submitted_at"))
    bulk = Application.objects.filter(status=Status.REVIEWED, submitted_at__isnull=False).order_by("pk").first()
    assert bulk is not None and bulk.pk in submitted
    # Each submitted application once at least (the ones submitted through the service queue their own too),
    # with the moment of its last submission.
    assert {pk: datetime.datetime.fromisoformat(at) for pk, at in queued} == submitted
    # Here none is made yet (the task is held back), so all of them still count as to be made.
    assert f"{len(submitted)} PDF-kopieën van ingediende aanvragen te maken" in out.getvalue()

    page = administrator_client.get(f"/aanvragen/{bulk.pk}/").content.decode()
    assert "wordt gemaakt" in page  # queued, not yet made (the task is held back in this test)
    tasks.store_submission_copy.run(bulk.pk, submitted[bulk.pk].isoformat())  # what the queued message does
    bulk.refresh_from_db()
    assert documents.copy_state(bulk, list(bulk.documents.all())) == ""
    page = administrator_client.get(f"/aanvragen/{bulk.pk}/").content.decode()
    assert "wordt gemaakt" not in page
    assert f"/aanvragen/{bulk.pk}/pdf/?versie=1" in page


def test_queueing_again_skips_applications_that_have_their_copy(django_capture_on_commit_callbacks, monkeypatch):
    from tests.factories import complete_application

    application = complete_application()
    Application.objects.filter(pk=application.pk).update(
        status=Status.REVIEWED, submitted_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    )
    application.refresh_from_db()
    documents.store_submission_copy(application, submitted_at=application.submitted_at)
    queued = []
    monkeypatch.setattr(tasks.store_submission_copy, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_missing_copies() == 0
    assert queued == []
