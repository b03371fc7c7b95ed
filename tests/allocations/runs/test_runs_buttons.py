"""Only what can succeed is offered: "Verdeling berekenen" not on a call whose window is open or that is
final, "Verdeling goedkeuren" not on a run whose inputs changed or on a draft of a final call. Instead the
page says why, in the service's words, and a forced POST is refused and changes nothing. A draft that can no
longer be approved reads so."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from allocations.runs import services, snapshot
from allocations.runs.execution import execute_run
from allocations.runs.models import AllocationRun, RunStatus
from applications.models import Application
from tests.allocations.runs.builders import allocation_call, reviewed
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("300000.00"))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("80"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("70"))
    return call


def test_an_open_call_offers_no_computation_and_says_until_when(administrator_client):
    call = CallFactory()  # open: more applications may come
    overview = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    assert "Verdeling berekenen kan nu niet." in overview
    assert "pas worden berekend als de aanvraagtermijn is gesloten" in overview
    assert f'action="/aanvraagrondes/{call.pk}/verdeling/berekenen/"' not in overview
    forced = administrator_client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/", follow=True)
    assert "pas worden berekend als de aanvraagtermijn is gesloten" in forced.content.decode()
    assert not AllocationRun.objects.filter(call=call).exists()


def test_a_final_call_offers_no_computation_and_its_drafts_read_superseded(
    call, administrator, second_administrator, start
):
    first, draft = start(call, administrator), start(call, administrator)
    client = client_for(second_administrator)
    overview = client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    assert f'action="/aanvraagrondes/{call.pk}/verdeling/berekenen/"' in overview  # closed and not final yet
    assert "Concept (wacht op goedkeuring)" in overview
    services.approve_run(run=first, by=second_administrator)

    overview = client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    assert f'action="/aanvraagrondes/{call.pk}/verdeling/berekenen/"' not in overview
    assert "al een definitieve verdeling; een nieuwe verdeling zou nooit kunnen worden goedgekeurd" in overview
    assert "Concept, vervallen: de ronde heeft een definitieve verdeling" in overview
    assert "Concept (wacht op goedkeuring)" not in overview
    forced = client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/", follow=True)
    assert "al een definitieve verdeling" in forced.content.decode()
    assert AllocationRun.objects.filter(call=call).count() == 2

    page = client.get(f"/verdelingen/{draft.pk}/").content.decode()
    assert "Concept, vervallen: de ronde heeft een definitieve verdeling" in page
    assert "Deze verdeling kan niet meer worden goedgekeurd." in page and "bezwaren" in page
    assert f'action="/verdelingen/{draft.pk}/goedkeuren/"' not in page
    forced = client.post(f"/verdelingen/{draft.pk}/goedkeuren/", {"bevestigd": "ja"})
    assert forced.status_code == 409
    assert AllocationRun.objects.get(pk=draft.pk).status == RunStatus.DRAFT


def test_a_run_whose_inputs_changed_offers_no_approval(call, administrator, second_administrator, start):
    run = start(call, administrator)
    client = client_for(second_administrator)
    assert f'action="/verdelingen/{run.pk}/goedkeuren/"' in client.get(f"/verdelingen/{run.pk}/").content.decode()
    Application.objects.filter(pk=Application.objects.order_by("pk").first().pk).update(
        requested_amount=Decimal("1.00")
    )
    # The page trusts a finding of "unchanged" for a short while; after it, it compares again.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=snapshot.UNCHANGED_SECONDS + 1)):
        page = client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert "De invoer is gewijzigd sinds deze verdeling is berekend" in page
    assert "Concept, vervallen: de invoer is gewijzigd" in page
    assert f'action="/verdelingen/{run.pk}/goedkeuren/"' not in page
    assert "Goedkeuren kan niet zolang deze verdeling niet klopt met de ronde" in page
    forced = client.post(f"/verdelingen/{run.pk}/goedkeuren/", {"bevestigd": "ja"})
    assert forced.status_code == 409
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.DRAFT


def test_the_compare_form_needs_two_runs(call, administrator, start):
    client = client_for(administrator)
    start(call, administrator)
    assert "Twee verdelingen vergelijken" not in client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    start(call, administrator)
    assert "Twee verdelingen vergelijken" in client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()


def test_dividing_is_in_the_menu_and_first_on_the_administrators_home(call, administrator_client, officer_client):
    home = administrator_client.get("/").content.decode()
    menu = home[home.index('aria-label="Hoofdmenu"') : home.index("</nav>")]
    assert '<a href="/#verdelen">Verdelen en besluiten</a>' in menu
    main = home[home.index("<main") :]
    assert main.index('id="verdelen"') < main.index('id="queue-heading"')
    assert f'href="/aanvraagrondes/{call.pk}/verdeling/"' in main
    officer_home = officer_client.get("/").content.decode()
    assert "Verdelen en besluiten" not in officer_home


def test_a_run_being_computed_shows_no_amounts_and_a_finished_one_says_so(
    call, administrator_client, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=False):  # queued, not computed yet
        administrator_client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/")
    run = AllocationRun.objects.get(call=call)
    page = administrator_client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert "Verdeling 1 wordt berekend." in page
    facts = page[page.index('id="gegevens-titel"') : page.index("</dl>", page.index('id="gegevens-titel"'))]
    assert "nog niet berekend" in facts and "€ 0,00" not in facts
    # Where the run is computed before the redirect (the embedded default), the message says it is done.
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED)
    real_start = services.start_run

    def start_and_compute(**kwargs):
        started = real_start(**kwargs)
        execute_run(started.pk)
        return started

    monkeypatch.setattr(services, "start_run", start_and_compute)
    administrator_client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/")
    latest = AllocationRun.objects.filter(call=call).order_by("-number").first()
    page = administrator_client.get(f"/verdelingen/{latest.pk}/").content.decode()
    assert latest.status == RunStatus.DRAFT
    assert "Verdeling 2 is berekend." in page and "Verdeling 2 wordt berekend." not in page


def test_the_money_fields_name_the_ceiling(administrator_client):
    from tests.factories import UpcomingCallFactory

    upcoming = UpcomingCallFactory(budget=Decimal("5000000.00"))
    page = administrator_client.get(f"/aanvraagrondes/{upcoming.pk}/verdeling/beleid/").content.decode()
    assert "Wordt van het subsidieplafond (€ 5.000.000,00) afgehouden" in page
    assert "Hoogstens het subsidieplafond (€ 5.000.000,00) min de reserve." in page


def test_a_criterions_points_read_the_dutch_way(call, administrator, administrator_client, start):
    run = start(call, administrator)
    line = run.lines.order_by("rank").first()
    type(line).objects.filter(pk=line.pk).update(
        breakdown=[{"kind": "criterion", "key": "1", "label": "Effectiviteit", "points": "25.50", "detail": ""}]
    )
    page = administrator_client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert "<dt>Effectiviteit</dt><dd>25,50</dd>" in page and "25.50" not in page
