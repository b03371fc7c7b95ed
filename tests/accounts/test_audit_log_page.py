"""The audit log page reads as sentences in local time, shows before -> after, filters, pages and exports
CSV that is itself audited (issue 9, item 12)."""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("audit_trail")
EXPORT = reverse("audit_trail_export")


def body(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def table(response) -> str:
    """The table's rows only (the verb filter's options hold every sentence too)."""
    page = body(response)
    return page[page.index("<tbody") : page.index("</tbody>")]


@pytest.fixture
def events(administrator, officer):
    invited = audit.record(actor=administrator, verb="user.invited", target=officer, data={"role": "officer"})
    changed = audit.record(
        actor=officer,
        verb="application.updated",
        target=officer.municipality,
        before={"title": "Oud plan"},
        after={"title": "Nieuw plan"},
    )
    return invited, changed


def test_events_read_as_sentences_in_local_time_with_before_and_after(administrator_client, administrator, events):
    invited, _changed = events
    winter = datetime.datetime(2026, 1, 15, 11, 5, 9, tzinfo=datetime.UTC)
    AuditEvent.objects.create(verb="review.assigned", actor_label="systeem", created_at=winter)
    page = body(administrator_client.get(URL))
    assert f"{administrator.display_name} heeft {invited.target_repr} uitgenodigd." in page
    assert "Oud plan → Nieuw plan" in page
    assert "{'before'" not in page and "'after':" not in page
    assert "15-1-2026 12:05:09" in page  # 11:05 UTC is 12:05 in Amsterdam in winter


def test_filters_by_who_what_object_and_period(administrator_client, administrator, officer, events):
    AuditEvent.objects.create(
        verb="user.activated", actor_label="oud@example.nl", created_at=timezone.now() - datetime.timedelta(days=40)
    )
    by_officer = table(administrator_client.get(URL, {"door": officer.email}))
    assert "Oud plan → Nieuw plan" in by_officer and "uitgenodigd." not in by_officer
    by_verb = table(administrator_client.get(URL, {"handeling": "user.invited"}))
    assert "uitgenodigd." in by_verb and "Nieuw plan" not in by_verb
    by_object = table(administrator_client.get(URL, {"object": f"user:{officer.pk}"}))
    assert "uitgenodigd." in by_object and "Nieuw plan" not in by_object
    by_name = table(administrator_client.get(URL, {"object": officer.municipality.name}))
    assert "Nieuw plan" in by_name and "uitgenodigd." not in by_name
    today = timezone.localdate().isoformat()
    recent = table(administrator_client.get(URL, {"van": today, "tot": today}))
    assert "Nieuw plan" in recent and "oud@example.nl" not in recent
    month_ago = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    older = table(administrator_client.get(URL, {"tot": month_ago}))
    assert "oud@example.nl" in older and "Nieuw plan" not in older


def test_bad_filters_are_form_errors_not_500s(administrator_client, events):
    page = body(administrator_client.get(URL, {"handeling": "no.such.verb", "van": "gisteren"}))
    assert "Selecteer een geldige keuze" in page
    assert "Voer een geldige datum in" in page
    reversed_period = body(administrator_client.get(URL, {"van": "2026-02-01", "tot": "2026-01-01"}))
    assert "De einddatum ligt voor de begindatum." in reversed_period
    assert administrator_client.get(URL, {"door": "a\x00b"}).status_code == 400
    assert administrator_client.get(EXPORT, {"van": "gisteren"}).status_code == 302
    assert not AuditEvent.objects.filter(verb="audit.exported").exists()


def test_paging_keeps_the_filters(administrator_client, administrator):
    for number in range(55):
        audit.record(actor=administrator, verb="api_token.issued", target=administrator, data={"token": f"t{number}"})
    first = body(administrator_client.get(URL, {"handeling": "api_token.issued"}))
    assert "Pagina 1 van 2" in first
    assert "handeling=api_token.issued&pagina=2" in first.split('rel="next" href="')[1].split('"')[0]
    second = body(administrator_client.get(URL, {"handeling": "api_token.issued", "pagina": 2}))
    assert "Pagina 2 van 2" in second


def test_the_table_can_be_reached_by_keyboard(administrator_client, events):
    page = body(administrator_client.get(URL))
    assert 'class="utrecht-table-container" tabindex="0" role="region" aria-label="Auditlog, schuifbaar"' in page


def test_query_count_is_constant_as_events_grow(administrator_client, administrator, officer, count_queries):
    def count() -> int:
        return count_queries(administrator_client, URL)

    audit.record(actor=administrator, verb="user.invited", target=officer)
    few = count()
    for number in range(30):
        audit.record(actor=officer if number % 2 else administrator, verb="user.invited", target=officer)
    assert count() == few


def test_the_csv_export_is_filtered_neutralised_and_audited(administrator_client, administrator, officer, events):
    AuditEvent.objects.create(verb="api_token.issued", actor_label='=HYPERLINK("x")', data={"name": "sleutel"})
    response = administrator_client.get(EXPORT, {"handeling": "api_token.issued"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="auditlog-')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:4] == ["Tijdstip", "Door", "Handeling", "Omschrijving"]
    assert [row[2] for row in rows[1:]] == ["api_token.issued"]
    assert rows[1][1] == '\'=HYPERLINK("x")'
    assert rows[1][0].endswith(("+01:00", "+02:00"))
    exported = AuditEvent.objects.get(verb="audit.exported")
    assert exported.actor == administrator
    assert exported.data == {"filters": {"handeling": "api_token.issued"}, "lines": 1}


def test_an_unfiltered_export_holds_every_event_but_its_own(administrator_client, events):
    response = administrator_client.get(EXPORT)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[2] for row in rows[1:]) == ["application.updated", "user.invited"]
    assert AuditEvent.objects.get(verb="audit.exported").data["lines"] == 2


def test_csv_cells_starting_with_a_formula_are_neutralised():
    from accounts.text_safety import stream_rows

    content = b"".join(stream_rows(["a", "b"], [["=1+1", "-2"], ["@x", "ok"]])).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == [["a", "b"], ["'=1+1", "'-2"], ["'@x", "ok"]]


def test_only_administrators_may_read_or_export(client, officer_client, reviewer_client, events):
    for forbidden in (officer_client, reviewer_client):
        assert forbidden.get(URL).status_code == 403
        assert forbidden.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(verb="audit.exported").exists()
