"""The settlement pages: per call what is ready and the figures adding up, the proposal with its errors in the
summary, a settlement's page with its figures in the words of the law and the steps, and who may see them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from allocations.settlements import services
from allocations.settlements.models import Settlement, SettlementStatus
from tests.allocations.settlements.conftest import SETTLE_DAY
from tests.conftest import _client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_settle_day(settle_day):
    return settle_day


def test_the_call_page_lists_the_decision_ready_to_settle_and_adds_up(on_settle_day, spuk, reviewer):
    reviewer_client = _client_for(None, reviewer)
    response = reviewer_client.get(reverse("settlements_call", args=[spuk.run.call_id]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("settlement_propose", args=[spuk.pk]) in html
    total = re.search(r"data-total>(.*?)</tr>", html, re.S).group(1)
    assert "€ 60.000,50" in total  # paid: the first instalment of the award
    index = reviewer_client.get(reverse("settlements"))
    assert index.status_code == 200 and spuk.run.call.title in index.content.decode()


def test_a_proposal_with_a_lower_amount_but_no_ground_shows_the_error_and_saves_nothing(
    on_settle_day, subsidy, reviewer
):
    reviewer_client = _client_for(None, reviewer)
    url = reverse("settlement_propose", args=[subsidy.pk])
    response = reviewer_client.post(url, {"voorstel-proposed": "50.000,00", "voorstel-motivation": "x"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "foutoverzicht" in html and "kies de grond" in html
    assert not Settlement.objects.exists()


def test_the_three_steps_through_the_pages(on_settle_day, subsidy, reviewer, administrator, coordinator):
    reviewer_client = _client_for(None, reviewer)
    response = reviewer_client.post(
        reverse("settlement_propose", args=[subsidy.pk]),
        {
            "voorstel-ground": "not_performed",
            "voorstel-proposed": "50.000,00",
            "voorstel-motivation": "De helft is niet uitgevoerd.",
        },
    )
    settlement = Settlement.objects.get()
    assert response.status_code == 302 and response.url == reverse("settlement_detail", args=[settlement.pk])
    auditor = _client_for(None, administrator)
    page = auditor.get(response.url).content.decode()
    assert "artikel 4:46 lid 2 onder a Awb" in page.replace("art. 4:46", "artikel 4:46")
    assert "€ 10.000,50" in page  # the reclaim
    # Without the reclaim number: the error beside the field, nothing changes.
    refused = auditor.post(reverse("settlement_check", args=[settlement.pk]), {"controle-reclaim_number": ""})
    assert refused.status_code == 400 and "foutoverzicht" in refused.content.decode()
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PROPOSED
    ok = auditor.post(reverse("settlement_check", args=[settlement.pk]), {"controle-reclaim_number": "VORD-9"})
    assert ok.status_code == 302
    # The auditor may not approve too: a 403 with the reason (four eyes, as for a run).
    twice = auditor.post(reverse("settlement_approve", args=[settlement.pk]), {"goedkeuring-agreed": "on"})
    assert twice.status_code == 403 and "vier-ogenprincipe" in twice.content.decode()
    coordinator_client = _client_for(None, coordinator)
    unticked = coordinator_client.post(reverse("settlement_approve", args=[settlement.pk]), {})
    assert unticked.status_code == 400
    done = coordinator_client.post(reverse("settlement_approve", args=[settlement.pk]), {"goedkeuring-agreed": "on"})
    assert done.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED and settlement.reclaim == Decimal("10000.50")
    page = coordinator_client.get(done.url).content.decode()
    assert "is vervallen" in page and "VORD-9" in page
    assert reverse("settlement_letter", args=[settlement.pk]) in page
    assert reverse("settlement_propose", args=[subsidy.pk]) in page  # a correction, within five years


@pytest.mark.parametrize("name", ["settlements", "settlements_call", "settlement_propose", "settlement_detail"])
def test_an_officer_may_not_see_the_settlement_pages(spuk, reviewer, officer_client, name):
    settlement = services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    args = {
        "settlements": [],
        "settlements_call": [spuk.run.call_id],
        "settlement_propose": [spuk.pk],
        "settlement_detail": [settlement.pk],
    }[name]
    assert officer_client.get(reverse(name, args=args)).status_code in (403, 404)


def test_an_officer_takes_no_step(spuk, reviewer, officer_client):
    settlement = services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    response = officer_client.post(reverse("settlement_check", args=[settlement.pk]), {"controle-reclaim_number": "X"})
    assert response.status_code in (403, 404)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PROPOSED


@pytest.mark.parametrize("url", ["index", "call"])
def test_query_counts_do_not_grow_with_the_decisions(on_settle_day, administrator, reviewer, count_queries, url):
    from tests.allocations.payments.sent import sent_run

    client = _client_for(None, reviewer)

    def cost(count: int, prefix: str) -> int:
        run = sent_run(by=administrator, count=count, prefix=prefix)
        path = reverse("settlements") if url == "index" else reverse("settlements_call", args=[run.call_id])
        return count_queries(client, path, warm=True)

    assert cost(3, "QA") == cost(6, "QB")


def test_the_api_list_costs_the_same_however_long(on_settle_day, spuk, subsidy, reviewer, count_queries):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(reviewer)
    services.propose_settlement(decision=spuk, by=reviewer, now=SETTLE_DAY)
    one = count_queries(client, "/api/v1/settlements/", warm=True)
    services.propose_settlement(decision=subsidy, by=reviewer, now=SETTLE_DAY)
    assert count_queries(client, "/api/v1/settlements/") == one
