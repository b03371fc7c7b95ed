"""The set-off and the stored letter on the pages and in the API: the assessor ticks an open instalment of the
municipality's other decision, the auditor may change the choice, the settlement's page states what is set off,
the administrator makes and sends the letter from it, and the API takes and shows the same."""

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements import documents
from allocations.settlements.models import SetOff, Settlement
from applications.models import Call
from tests.allocations.payments.sent import sent_run
from tests.allocations.settlements.conftest import SETTLE_DAY
from tests.conftest import _client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_settle_day():
    with time_machine.travel(SETTLE_DAY, tick=False):
        yield


@pytest.fixture
def other(subsidy, administrator):
    run = sent_run(by=administrator, prefix="O", municipalities=[subsidy.application.municipality])
    Call.objects.filter(pk=run.call_id).update(scheme_id=subsidy.run.call.scheme_id)
    return Decision.objects.get(run=run, line__rank=1)


def first_open(decision) -> Instalment:
    return Instalment.objects.filter(decision=decision, status=InstalmentStatus.DUE).order_by("sequence").first()


def test_set_off_and_the_letter_through_the_pages(
    subsidy, other, reviewer, administrator, coordinator, django_capture_on_commit_callbacks
):
    target = first_open(other)
    url = reverse("settlement_propose", args=[subsidy.pk])
    page = _client_for(None, reviewer).get(url).content.decode()
    assert target.reference in page and 'name="voorstel-set_off"' in page
    response = _client_for(None, reviewer).post(
        url,
        {
            "voorstel-ground": "not_performed",
            "voorstel-proposed": "50.000,00",
            "voorstel-motivation": "De helft is niet uitgevoerd.",
            "voorstel-set_off": [str(target.pk)],
        },
    )
    assert response.status_code == 302, response.content.decode()
    settlement = Settlement.objects.get()
    assert SetOff.objects.get(settlement=settlement).instalment == target
    detail = reverse("settlement_detail", args=[settlement.pk])
    auditor = _client_for(None, administrator)
    page = auditor.get(detail).content.decode()
    assert "data-set-offs" in page and target.reference in page
    assert (
        auditor.post(
            reverse("settlement_check", args=[settlement.pk]),
            {"controle-reclaim_number": "VORD-9", "controle-set_off": [str(target.pk)]},
        ).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            _client_for(None, coordinator)
            .post(reverse("settlement_approve", args=[settlement.pk]), {"goedkeuring-agreed": "on"})
            .status_code
            == 302
        )
    page = auditor.get(detail).content.decode()
    assert 'data-letter-state="made"' in page and reverse("settlement_letter_send", args=[settlement.pk]) in page
    assert "€ 10.000,50" in page  # set off, and nothing left to repay
    send = reverse("settlement_letter_send", args=[settlement.pk])
    confirm = auditor.get(send).content.decode()
    assert "Waarvan verrekend" in confirm and "bevestigd" in confirm
    assert auditor.post(send, {"bevestigd": "ja"}).status_code == 302
    page = auditor.get(detail).content.decode()
    assert 'data-letter-state="sent"' in page and send not in page
    assert documents.sent_document(settlement) is not None


def test_the_auditor_can_clear_the_assessors_choice(subsidy, other, reviewer, administrator):
    from tests.allocations.settlements.test_settlement_set_off import propose

    settlement = propose(subsidy, reviewer, lower=50_000_00, set_off=[first_open(other).pk])
    response = _client_for(None, administrator).post(
        reverse("settlement_check", args=[settlement.pk]), {"controle-reclaim_number": "VORD-10"}
    )
    assert response.status_code == 302
    settlement.refresh_from_db()
    assert not settlement.set_offs.exists() and settlement.set_off == 0


def test_the_api_takes_and_shows_the_set_off(subsidy, other, reviewer, administrator):
    target = first_open(other)
    client = APIClient()
    client.force_authenticate(reviewer)
    response = client.post(
        f"/api/v1/decisions/{subsidy.pk}/settlements/",
        {"ground": "not_performed", "proposed": "50000.00", "motivation": "Gebleken.", "set_off": [target.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reclaim"], body["set_off"], body["reclaim_to_pay"]) == ("10000.50", "10000.50", "0.00")
    assert body["set_offs"][0]["instalment_reference"] == target.reference
    assert body["set_offs"][0]["decision_number"] == other.number and body["letters"] == []


def test_the_api_refuses_an_instalment_of_the_same_decision_with_the_fields_error(subsidy, reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    response = client.post(
        f"/api/v1/decisions/{subsidy.pk}/settlements/",
        {
            "ground": "not_performed",
            "proposed": "50000.00",
            "motivation": "Gebleken.",
            "set_off": [first_open(subsidy).pk],
        },
        format="json",
    )
    assert response.status_code == 400 and "set_off" in response.json()
    assert not Settlement.objects.exists()
