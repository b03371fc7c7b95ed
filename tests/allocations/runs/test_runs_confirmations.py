"""A summary before every irreversible step: approving a run, marking the letters as sent, making them again.
The button opens a page that says what will happen, to how many decisions, for how much money and who will be
told; only its form confirms. A forced POST without that confirmation is refused with a translated error and
changes nothing."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role, User
from allocations.letters.models import LetterJob
from allocations.runs.models import AllocationRun, Decision, RunStatus
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import on_send_day, prepare
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db
CONFIRMED = {"bevestigd": "ja"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def facts(page: str) -> dict[str, str]:
    return {
        re.sub(r"<[^>]+>", "", dt).strip(): re.sub(r"<[^>]+>", "", dd).strip()
        for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    }


@pytest.fixture
def draft(administrator, start):
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))  # full
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))  # partial: 100.000 left
    reviewed(call, requested=Decimal("50000.00"), total=Decimal("60"))  # nothing left
    return start(call, administrator)


def test_approving_shows_what_becomes_final_then_approves(draft, administrator, second_administrator, start):
    other = start(draft.call, administrator)
    approver = client_for(second_administrator)
    run_page = text(approver.get(reverse("run_detail", args=[draft.pk])))
    assert f'<form method="get" action="{reverse("run_approve", args=[draft.pk])}">' in run_page

    summary = approver.get(reverse("run_approve", args=[draft.pk]))
    page = text(summary)
    assert summary.status_code == 200
    assert facts(page) == {
        "Aanvragen": "3",
        "Volledig toegekend": "1",
        "Gedeeltelijk toegekend": "1",
        "Afgewezen": "1",
        "Te verdelen": "€ 300.000,00",
        "Totaal toegekend": "€ 300.000,00",
        "Niet besteed": "€ 0,00",
    }
    assert "Alle 3 aanvragen krijgen hun besluit" in page
    assert "1 ander concept van deze ronde vervalt" in page
    assert "de gemeenten horen het besluit als de beschikkingen zijn verzonden" in page
    assert 'name="bevestigd" value="ja"' in page and "Ja, verdeling goedkeuren" in page
    assert AllocationRun.objects.get(pk=draft.pk).status == RunStatus.DRAFT  # looking changes nothing

    response = approver.post(reverse("run_approve", args=[draft.pk]), CONFIRMED)
    assert response.status_code == 302
    assert AllocationRun.objects.get(pk=draft.pk).status == RunStatus.FINAL
    assert Decision.objects.filter(run=draft).count() == 3
    assert AllocationRun.objects.get(pk=other.pk).status == RunStatus.DRAFT


def test_a_forced_approval_without_the_summary_is_refused_and_changes_nothing(draft, second_administrator):
    approver = client_for(second_administrator)
    response = approver.post(reverse("run_approve", args=[draft.pk]))
    assert response.status_code == 400
    assert "Deze stap is niet uitgevoerd: hij moet eerst worden bevestigd" in text(response)
    assert AllocationRun.objects.get(pk=draft.pk).status == RunStatus.DRAFT
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(verb="allocation_run.approved").exists()
    approver.cookies["django_language"] = "en"
    english = text(approver.post(reverse("run_approve", args=[draft.pk])))
    assert "This step was not carried out" in english


def test_the_starter_gets_no_summary_to_approve(draft, administrator):
    client = client_for(administrator)
    response = client.get(reverse("run_approve", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("run_detail", args=[draft.pk])
    refused = client.post(reverse("run_approve", args=[draft.pk]), CONFIRMED)
    assert refused.status_code == 403 and "vier-ogenprincipe" in text(refused)


@pytest.fixture
def prepared(administrator, django_capture_on_commit_callbacks):
    run = letter_run(count=3, by=administrator, prefix="S")
    municipality = Decision.objects.filter(run=run).order_by("number").first().application.municipality
    User.objects.create_user(email="wethouder@example.nl", role=Role.OFFICER, municipality=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run)
    return run


def test_sending_shows_the_letters_the_date_the_objection_term_and_the_mail(prepared, administrator):
    with on_send_day():
        admin = client_for(administrator)
        letters_page = text(admin.get(reverse("run_letters", args=[prepared.pk])))
        assert f'<form method="get" action="{reverse("run_letters_send", args=[prepared.pk])}">' in letters_page
        summary = text(admin.get(reverse("run_letters_send", args=[prepared.pk])))
        assert facts(summary) == {
            "Beschikkingen": "3",
            "Verzenddatum (de datum op de brieven)": "15 maart 2027",
            "Einde van de bezwaartermijn": "26 april 2027",
            "Gemeenten die een e-mail krijgen": "1",
        }
        assert "3 beschikkingen gelden als verzonden op 15 maart 2027" in summary
        assert "De bezwaartermijn van zes weken begint; hij loopt tot en met 26 april 2027." in summary
        assert "1 contactpersoon van de gemeenten krijgt nu een e-mail." in summary
        assert not Decision.objects.filter(run=prepared, sent_at__isnull=False).exists()

        forced = admin.post(reverse("run_letters_send", args=[prepared.pk]))
        assert forced.status_code == 400 and "hij moet eerst worden bevestigd" in text(forced)
        assert not Decision.objects.filter(run=prepared, sent_at__isnull=False).exists()
        assert not AuditEvent.objects.filter(verb="letters.sent").exists()

        assert admin.post(reverse("run_letters_send", args=[prepared.pk]), CONFIRMED).status_code == 302
    assert not Decision.objects.filter(run=prepared, sent_at__isnull=True).exists()


def test_making_the_letters_again_is_summarised_and_confirmed(prepared, administrator):
    with on_send_day():
        admin = client_for(administrator)
        summary = text(admin.get(reverse("run_letters_regenerate", args=[prepared.pk])))
        assert facts(summary)["Brieven"] == "3" and facts(summary)["Datum op de brieven"] == "15 maart 2027"
        assert "de vorige versie blijft bewaard" in summary and "Ja, brieven opnieuw maken" in summary
        jobs = LetterJob.objects.count()
        forced = admin.post(reverse("run_letters_regenerate", args=[prepared.pk]))
        assert forced.status_code == 400 and LetterJob.objects.count() == jobs
        assert not AuditEvent.objects.filter(verb="letters.regenerated").exists()
        assert admin.post(reverse("run_letters_regenerate", args=[prepared.pk]), CONFIRMED).status_code == 302
    assert AuditEvent.objects.filter(verb="letters.regenerated").count() == 1


def test_no_summary_for_a_step_that_cannot_be_taken(administrator):
    run = letter_run(count=1, by=administrator, prefix="N")  # no letters prepared yet: nothing to send
    admin = client_for(administrator)
    response = admin.get(reverse("run_letters_send", args=[run.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("run_letters", args=[run.pk])
