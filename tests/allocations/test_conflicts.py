"""Every "the state forbids this" of the money half is the one conflict (``TransitionNotAllowed``): the API
answers 409 with ``{"detail": message, **details}``, the message in the request's language, and a page
shows the message as an error. Nothing changes."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.workflow import TransitionNotAllowed
from allocations.letters.models import Decision, LetterBatch
from allocations.runs import services as run_services
from allocations.runs.models import AllocationRun
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, on_send_day, prepare
from tests.allocations.runs.builders import allocation_call, reviewed

pytestmark = pytest.mark.django_db


def _api(user, language: str = "nl") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def test_a_run_still_being_computed_is_a_409_naming_that_run_in_the_requests_language(
    administrator, django_capture_on_commit_callbacks
):
    call = allocation_call(budget=Decimal("1000000.00"))
    reviewed(call, requested=Decimal("100000.00"), total=Decimal("40"))
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not begun yet
        busy = run_services.start_run(call=call, by=administrator)
    dutch = _api(administrator).post(f"/api/v1/calls/{call.pk}/allocation-runs/")
    assert dutch.status_code == 409
    assert dutch.json() == {
        "detail": f"Verdeling {busy.number} van deze ronde wordt nog berekend; wacht tot die klaar is.",
        "run": busy.pk,
    }
    english = _api(administrator, "en").post(f"/api/v1/calls/{call.pk}/allocation-runs/")
    assert english.status_code == 409
    assert english.json()["detail"].startswith(f"Allocation run {busy.number} of this call is still being computed")
    assert english.json()["run"] == busy.pk
    assert AllocationRun.objects.filter(call=call).count() == 1


def test_a_batch_not_ready_to_send_is_a_409_with_what_stands_in_the_way(administrator):
    run = letter_run(count=2, by=administrator, prefix="C")
    prepare(run)  # the letters are queued on commit: none is made yet
    with on_send_day(SEND_DAY):
        response = _api(administrator).post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")
        english = _api(administrator, "en").post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("Nog niet alle brieven zijn gemaakt (0 van 2")
    assert (body["send_on"], body["open"], body["failed"]) == ("2027-03-15", 2, 0)
    assert english.status_code == 409 and english.json()["detail"].startswith("Not all letters have been made yet")
    assert LetterBatch.objects.get(run=run).status == LetterBatch.Status.PREPARED
    assert not Decision.objects.filter(run=run, sent_at__isnull=False).exists()


def test_the_letters_page_shows_the_same_conflict_as_an_error(administrator):
    run = letter_run(count=2, by=administrator, prefix="D")
    prepare(run)
    with on_send_day(SEND_DAY):
        browser = Client()
        browser.force_login(administrator)
        response = browser.post(reverse("run_letters_send", args=[run.pk]), {"bevestigd": "ja"})
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "Nog niet alle brieven zijn gemaakt (0 van 2" in page
    assert LetterBatch.objects.get(run=run).status == LetterBatch.Status.PREPARED


def test_a_conflict_without_details_is_the_message_alone():
    conflict = TransitionNotAllowed()
    assert conflict.details == {} and str(conflict) == "Deze actie is in de huidige status niet mogelijk."
