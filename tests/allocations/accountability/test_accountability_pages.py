"""The municipality accounts for its own awards in the portal; staff see what is due and overdue."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from allocations.accountability.models import Source, Statement
from tests.applications.conftest import MINIMAL_PDF

pytestmark = pytest.mark.django_db
PREFIX = "verantwoording"


def post(client, decision, **data):
    fields = {f"{PREFIX}-{key}": value for key, value in data.items()}
    return client.post(reverse("accountability_decision", args=[decision.pk]), fields)


def test_the_officer_reports_year_by_year_and_the_cumulative_figure_follows(officer_client, awards, officer):
    mine = awards[1]
    response = post(officer_client, mine, year=2027, spent="60.000,50")
    assert response.status_code == 302
    response = post(officer_client, mine, year=2028, spent="59.000,00", final="on", finished="on")
    assert response.status_code == 302
    final = Statement.objects.get(decision=mine, year=2028)
    assert (str(final.spent_to_date), final.final, final.source, final.entered_by) == (
        "119000.50",
        True,
        Source.PORTAL,
        officer,
    )
    page = officer_client.get(reverse("accountability_decision", args=[mine.pk])).content.decode()
    assert "€ 119.000,50" in page and "Verantwoording invullen" not in page  # nothing left to report


def test_spending_above_the_award_is_shown_in_the_summary_and_nothing_is_saved(officer_client, awards):
    response = post(officer_client, awards[1], year=2027, spent="120.001,01")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Fout: " in page and 'id="foutoverzicht"' in page
    assert "is hoger dan het toegekende bedrag (€ 120.001,00)" in page
    assert not Statement.objects.exists()


def test_a_correction_of_the_latest_year_replaces_it_and_the_audit_keeps_the_old_figures(officer_client, awards):
    mine = awards[1]
    post(officer_client, mine, year=2027, spent="1.000,00")
    post(officer_client, mine, year=2027, spent="2.000,00")
    assert str(Statement.objects.get(decision=mine, year=2027).spent) == "2000.00"
    event = AuditEvent.objects.get(verb="accountability.corrected")
    assert (event.data["before"]["spent"], event.data["after"]["spent"]) == ("1000.00", "2000.00")


def test_another_municipalitys_award_is_not_found(officer_client, awards):
    theirs = awards[2]
    assert officer_client.get(reverse("accountability_decision", args=[theirs.pk])).status_code == 404
    assert post(officer_client, theirs, year=2027, spent="1,00").status_code == 404
    assert theirs.number not in officer_client.get(reverse("accountability_index")).content.decode()
    assert not Statement.objects.exists()


def test_an_awb_final_account_needs_its_report_which_is_then_downloadable(
    officer_client, subsidy, administrator_client
):
    url = reverse("accountability_decision", args=[subsidy.pk])
    fields = {f"{PREFIX}-year": 2027, f"{PREFIX}-spent": "60.000,50", f"{PREFIX}-final": "on"}
    response = officer_client.post(url, fields)
    assert (
        "Voeg bij de eindverantwoording het inhoudelijk en financieel verslag toe (PDF)." in response.content.decode()
    )
    fake = SimpleUploadedFile("verslag.pdf", b"geen pdf", content_type="application/pdf")
    response = officer_client.post(url, {**fields, f"{PREFIX}-report": fake})
    assert "geen geldig PDF-bestand" in response.content.decode()
    assert not Statement.objects.exists()
    report = SimpleUploadedFile("Eindverslag.pdf", MINIMAL_PDF, content_type="application/pdf")
    assert officer_client.post(url, {**fields, f"{PREFIX}-report": report}).status_code == 302
    statement = Statement.objects.get(decision=subsidy)
    download = administrator_client.get(reverse("statement_report", args=[statement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    assert download["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(verb="accountability.report_downloaded").exists()


def test_an_awb_subsidy_spends_each_year_only_what_that_year_awards(officer_client, subsidy):
    # A quarter of € 120.001,00 per theme and year: € 60.000,50 for 2027.
    response = post(officer_client, subsidy, year=2027, spent="60.000,51")
    assert "hoger dan wat de beschikking voor 2027 toekent (€ 60.000,50)" in response.content.decode()


def test_the_board_shows_what_is_overdue(reviewer, awards):
    with time_machine.travel(datetime.datetime(2028, 7, 20, 10, 0, tzinfo=datetime.UTC)):
        client = Client()
        client.force_login(reviewer)  # a session of that day
        page = client.get(reverse("accountability_index")).content.decode()
    assert "2 verantwoordingen te laat" in page  # 2027 of the two awards, due 15 July 2028
    assert awards[1].number in page and awards[2].number in page and awards[3].number not in page
    assert "15 juli 2028" in page


def test_reminders_go_once_before_the_deadline_and_once_after_it(awards, officer, django_capture_on_commit_callbacks):
    from django.core import mail

    from allocations.accountability import services
    from allocations.accountability.models import Reminder

    mine = awards[1]
    assert services.send_reminders(today=datetime.date(2028, 5, 1)) == 0  # 15 July 2028 is more than 30 days off
    with django_capture_on_commit_callbacks(execute=True):  # the queued e-mails go after commit
        assert services.send_reminders(today=datetime.date(2028, 6, 20)) == 2  # due soon: the two awards' 2027
    assert services.send_reminders(today=datetime.date(2028, 6, 21)) == 0  # once
    (reminder,) = [m for m in mail.outbox if officer.email in m.to]
    assert mine.number in reminder.subject and "uiterlijk op 15 juli 2028" in reminder.body
    Statement.objects.create(
        decision=mine, year=2027, spent=0, spent_to_date=0, source=Source.PORTAL, entered_by=officer
    )
    assert services.send_reminders(today=datetime.date(2028, 7, 16)) == 1  # overdue: only the other award's
    assert set(Reminder.objects.values_list("decision_id", "kind")) == {
        (mine.pk, "due_soon"),
        (awards[2].pk, "due_soon"),
        (awards[2].pk, "overdue"),
    }
