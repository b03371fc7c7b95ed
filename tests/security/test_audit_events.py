"""Every decision, download and export leaves an audit event (issue 13)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from allocations.letters.models import Letter
from allocations.runs import services as runs
from allocations.runs.models import Decision
from tests.allocations.final_runs import export_run
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_approving_a_run_audits_one_event_per_decision(
    administrator, second_administrator, django_capture_on_commit_callbacks
):
    call = allocation_call(budget=Decimal("300000.00"))
    for total in (80, 70, 60):
        reviewed(call, requested=Decimal("200000.00"), total=Decimal(total))
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start_run(call=call, by=administrator)
    before = AuditEvent.objects.count()
    response = _client(second_administrator).post(reverse("run_approve", args=[run.pk]), {"bevestigd": "ja"})
    assert response.status_code == 302
    decisions = Decision.objects.filter(run=run)
    assert decisions.count() == 3
    for decision in decisions:
        events = AuditEvent.objects.filter(data__decision=decision.number, actor=second_administrator)
        assert events.count() == 1, decision.number
    assert AuditEvent.objects.filter(verb="allocation_run.approved", actor=second_administrator).count() == 1
    assert AuditEvent.objects.count() - before >= 4


def test_each_letter_download_and_each_export_is_audited(administrator):
    run = export_run(lines=2)
    letter = Letter.objects.filter(decision__run=run, superseded_at__isnull=True).order_by("pk").first()
    Decision.objects.filter(pk=letter.decision_id).update(sent_at=timezone.now())  # the batch went out
    Letter.objects.filter(pk=letter.pk).update(sent_at=timezone.now())
    officer = OfficerFactory(municipality=letter.decision.application.municipality)
    officer_client, admin_client = _client(officer), _client(administrator)
    downloads = [
        (officer_client, reverse("letter_download", args=[letter.pk]), "letter.downloaded"),
        (officer_client, reverse("api-letter-pdf", args=[letter.pk]), "letter.downloaded"),
        (officer_client, reverse("letter_download", args=[letter.pk]), "letter.downloaded"),  # again: again
        (admin_client, reverse("run_export_download", args=[run.pk, "csv"]), "export.decisions"),
        (admin_client, reverse("run_export_download", args=[run.pk, "xlsx"]), "export.decisions"),
        (admin_client, reverse("api-run-export", args=[run.pk, "json"]), "export.decisions"),
        (admin_client, reverse("publication_download", args=[run.call_id, "csv_nl"]), None),
        (admin_client, reverse("api-publication", args=[run.call_id, "json"]), None),
    ]
    for client, url, verb in downloads:
        before = AuditEvent.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content) if response.streaming else response.content
        new = AuditEvent.objects.order_by("-pk")[: AuditEvent.objects.count() - before]
        assert len(new) == 1, (url, [e.verb for e in new])
        if verb:
            assert new[0].verb == verb, url
        assert new[0].actor_id == (officer.pk if client is officer_client else administrator.pk)
