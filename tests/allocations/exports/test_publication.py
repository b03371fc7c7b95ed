"""The publication list of a call: awarded municipalities and amounts, nothing about reviewers or people."""

import csv
import io
import json
from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from allocations.runs.models import RunStatus
from tests.allocations.final_runs import export_run

REVIEWER_WORDS = ("punt", "beoordel", "rang", "reden", "point", "score", "rank", "reason", "pot", "sha", "brief")


@pytest.fixture
def admin_api(api_client, administrator):
    api_client.force_authenticate(administrator)
    return api_client


def url(call, fmt):
    return f"/api/v1/calls/{call.pk}/publication/{fmt}/"


def test_publication_lists_only_awards_and_no_reviewer_fields(admin_api, final_run):
    response = admin_api.get(url(final_run.call, "csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header = rows[0]
    assert header == [
        "CBS-code",
        "Gemeente",
        "Provincie",
        "Gebied",
        "Titel",
        "Toegekend",
        "Beschikkingsnummer",
        "Besluitdatum",
    ]
    assert not [h for h in header if any(word in h.lower() for word in REVIEWER_WORDS)]
    assert len(rows) == 3  # the two awards; the rejected applications are not published
    assert sum(Decimal(r[5]) for r in rows[1:]) == final_run.total_awarded


def test_publication_json_has_no_reviewer_or_personal_data(admin_api, final_run, administrator):
    data = json.loads(b"".join(admin_api.get(url(final_run.call, "json")).streaming_content))
    keys = set(data) | {key for line in data["lines"] for key in line}
    assert not [k for k in keys if any(word in k for word in REVIEWER_WORDS)]
    text = json.dumps(data)
    assert administrator.email not in text and "@" not in text
    assert data["totals"] == {"awarded": f"{final_run.total_awarded:.2f}"}
    assert data["awarded"] == data["totals"]["awarded"]


def test_publication_is_audited(admin_api, administrator, final_run):
    b"".join(admin_api.get(url(final_run.call, "xlsx")).streaming_content)
    event = AuditEvent.objects.get(verb="export.publication")
    assert event.actor == administrator
    assert event.data["lines"] == 2 and event.data["total_awarded"] == f"{final_run.total_awarded:.2f}"


def test_publication_permissions(api_client, officer, reviewer, final_run):
    for user in (officer, reviewer):
        api_client.force_authenticate(user)
        assert api_client.get(url(final_run.call, "csv")).status_code == 403
    assert not AuditEvent.objects.exists()


def test_publication_needs_a_final_run(admin_api, db):
    draft = export_run(status=RunStatus.DRAFT)
    assert admin_api.get(url(draft.call, "csv")).status_code == 409
    assert admin_api.get(f"/api/v1/calls/{draft.call.pk + 999}/publication/csv/").status_code == 404
