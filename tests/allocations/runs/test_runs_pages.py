"""The allocation pages: policy form, start, run page with progress, approval, verification, comparison,
the decision on the application page, the role matrix, and constant query counts."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from allocations.runs import snapshot
from allocations.runs.models import AllocationLine, AllocationPolicy, AllocationRun, Decision, RunStatus
from applications.models import Application, Status
from tests.allocations.runs.builders import allocation_call, network, reviewed
from tests.factories import UpcomingCallFactory

pytestmark = pytest.mark.django_db

CONFIRMED = {"bevestigd": "ja"}  # what the summary page's form sends


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def call():
    call = allocation_call(budget=Decimal("400000.00"))
    reviewed(call, requested=Decimal("150000.00"), total=Decimal("80"), networks=("M50",))
    reviewed(call, requested=Decimal("200000.00"), total=Decimal("70"))
    reviewed(call, requested=Decimal("120000.00"), total=Decimal("60"), networks=("NEW_TOWN",))
    return call


@pytest.fixture
def page_start(django_capture_on_commit_callbacks):
    def go(client, call):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/")
        assert response.status_code == 302
        return AllocationRun.objects.filter(call=call).order_by("-number").first()

    return go


def test_overview_shows_policy_rule_and_start_button(call, administrator_client):
    response = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Verdeling berekenen" in content
    assert "valt in de eerste pot (op volgorde) die hem neemt" in content


def test_policy_form_saves_pots_and_shows_dutch_errors(administrator_client):
    """Before the window opens; from the opening on the policy is frozen (tests/applications/test_published_rules)."""
    call = UpcomingCallFactory(budget=Decimal("400000.00"))
    network("M50")
    url = f"/aanvraagrondes/{call.pk}/verdeling/beleid/"
    assert administrator_client.get(url).status_code == 200
    base = {
        "method": "ranked",
        "reserve": "0",
        "cap_amount": "",
        "cap_pct": "",
        "min_points": "",
        "partial_last": "on",
        "unit": "1",
        "tiebreak": "need_score",
        "seed": "3",
        "formula_weight": "",
        "pot-TOTAL_FORMS": "2",
        "pot-INITIAL_FORMS": "0",
        "pot-MIN_NUM_FORMS": "0",
        "pot-MAX_NUM_FORMS": "1000",
        "reservering-TOTAL_FORMS": "0",
        "reservering-INITIAL_FORMS": "0",
        "reservering-MIN_NUM_FORMS": "0",
        "reservering-MAX_NUM_FORMS": "1000",
        "pot-0-name": "algemeen",
        "pot-0-budget": "300.000,00",
        "pot-0-network": "",
        "pot-0-spill_to": "",
        "pot-1-name": "M50",
        "pot-1-budget": "200.000,00",
        "pot-1-network": "M50",
        "pot-1-spill_to": "algemeen",
    }
    response = administrator_client.post(url, base)
    content = response.content.decode()
    assert response.status_code == 200
    assert "kan alleen naar een latere pot gaan" in content and "De potten samen" in content
    assert not AllocationPolicy.objects.exists()
    fixed = {
        **base,
        "pot-0-name": "M50",
        "pot-0-network": "M50",
        "pot-0-spill_to": "algemeen",
        "pot-0-budget": "100.000",
        "pot-1-name": "algemeen",
        "pot-1-network": "",
        "pot-1-spill_to": "",
    }
    response = administrator_client.post(url, fixed)
    assert response.status_code == 302
    policy = AllocationPolicy.objects.get(call=call)
    assert [(p.name, p.budget, p.spill_to.name if p.spill_to else None) for p in policy.pots.all()] == [
        ("M50", Decimal("100000.00"), "algemeen"),
        ("algemeen", Decimal("200000.00"), None),
    ]
    assert policy.seed == 3
    assert call.rules_versions.count() == 1  # published as the call's rules


def test_run_page_marks_the_cutoff_and_the_starter_cannot_approve(call, administrator, page_start):
    client = client_for(administrator)
    run = page_start(client, call)
    response = client.get(f"/verdelingen/{run.pk}/")
    content = response.content.decode()
    assert "hier raakte het geld op" in content and "nplv-cutoff" in content
    assert "U hebt deze verdeling zelf gestart" in content
    assert "Verdeling goedkeuren" not in content
    refused = client.post(f"/verdelingen/{run.pk}/goedkeuren/")
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.content.decode()
    assert AllocationRun.objects.get(pk=run.pk).status == RunStatus.DRAFT


def test_run_page_pages_the_lines_and_totals_count_every_line(call, administrator, page_start, monkeypatch):
    from allocations.runs import views

    monkeypatch.setattr(views, "LINES_PER_PAGE", 2)
    client = client_for(administrator)
    run = page_start(client, call)
    references = list(run.lines.order_by("rank").values_list("application__reference", flat=True))
    first = client.get(f"/verdelingen/{run.pk}/").content.decode()
    second = client.get(f"/verdelingen/{run.pk}/", {"pagina": 2}).content.decode()
    assert all(ref in first for ref in references[:2]) and references[2] not in first
    assert references[2] in second and "Pagina 2 van 2" in second
    # The totals per network are over the whole run: the New Town application (third) counts on page 1 too.
    assert "€ 120.000,00" in first


def test_second_administrator_approves_and_the_decision_shows(
    call, administrator, second_administrator, officer, page_start
):
    run = page_start(client_for(administrator), call)
    approver = client_for(second_administrator)
    assert "Verdeling goedkeuren" in approver.get(f"/verdelingen/{run.pk}/").content.decode()
    response = approver.post(f"/verdelingen/{run.pk}/goedkeuren/", CONFIRMED)
    assert response.status_code == 302
    decision = Decision.objects.select_related("application").order_by("number").first()
    page = approver.get(f"/aanvragen/{decision.application_id}/").content.decode()
    assert decision.number in page and "Toekenning per bestedingsdoel per jaar" in page
    # The municipality sees it only once the letter is sent.
    application = decision.application
    officer.municipality = application.municipality
    officer.save()
    officer_client = client_for(officer)
    assert decision.number not in officer_client.get(f"/aanvragen/{application.pk}/").content.decode()
    Application.objects.filter(pk=application.pk).update(status=Status.LETTER_SENT)
    assert decision.number in officer_client.get(f"/aanvragen/{application.pk}/").content.decode()


def test_changed_inputs_are_listed_on_the_refused_approval(call, administrator, second_administrator, page_start):
    run = page_start(client_for(administrator), call)
    application = Application.objects.order_by("pk").first()
    Application.objects.filter(pk=application.pk).update(requested_amount=Decimal("1.00"))
    response = client_for(second_administrator).post(f"/verdelingen/{run.pk}/goedkeuren/", CONFIRMED)
    content = response.content.decode()
    assert response.status_code == 409
    assert f"{application.reference}: het aangevraagde bedrag." in content


def test_the_page_reuses_a_recent_unchanged_finding_but_approval_compares_again(
    call, administrator, second_administrator, page_start, monkeypatch
):
    run = page_start(client_for(administrator), call)
    builds = []
    real_build = snapshot.build
    monkeypatch.setattr(snapshot, "build", lambda *a, **k: builds.append(1) or real_build(*a, **k))
    approver = client_for(second_administrator)
    # The run itself just read the inputs: that is the first finding, and the page takes it.
    for _ in range(2):
        page = approver.get(f"/verdelingen/{run.pk}/").content.decode()
        assert "De invoer was ongewijzigd bij de controle van" in page
    assert builds == []
    # Once the finding is older than UNCHANGED_SECONDS, the page compares again, and keeps the new finding.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=snapshot.UNCHANGED_SECONDS + 1)):
        approver.get(f"/verdelingen/{run.pk}/")
        approver.get(f"/verdelingen/{run.pk}/")
    assert len(builds) == 1
    # The inputs change within that while: the page may not know yet, approval does.
    application = Application.objects.order_by("pk").first()
    Application.objects.filter(pk=application.pk).update(requested_amount=Decimal("1.00"))
    response = approver.post(f"/verdelingen/{run.pk}/goedkeuren/", CONFIRMED)
    assert response.status_code == 409
    assert f"{application.reference}: het aangevraagde bedrag" in response.content.decode()
    assert len(builds) == 2
    # A change found is never remembered, and ends the earlier finding: every view looks again and lists it.
    for _ in range(2):
        page = approver.get(f"/verdelingen/{run.pk}/").content.decode()
        assert f"{application.reference}: het aangevraagde bedrag" in page
    assert len(builds) == 4


def test_progress_json_and_refresh_while_running(call, administrator_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        administrator_client.post(f"/aanvraagrondes/{call.pk}/verdeling/berekenen/")
    run = AllocationRun.objects.get(call=call)
    data = administrator_client.get(f"/verdelingen/{run.pk}/voortgang/").json()
    assert data["status"] == "queued" and data["progress"] == 0
    assert data["text"] == "In de wachtrij"  # once, not "In de wachtrij: in de wachtrij (0%)"
    page = administrator_client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' in page and "data-run-progress" in page and "run_progress.js" in page
    assert 'aria-live="polite">In de wachtrij</span>' in page
    overview = administrator_client.get(f"/aanvraagrondes/{call.pk}/verdeling/").content.decode()
    runs_table = overview[overview.index("Alle verdelingen van deze ronde") :]
    assert "nog niet berekend" in runs_table and "€ 0,00" not in runs_table  # no totals before there are any
    AllocationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, phase="engine", progress=60)
    data = administrator_client.get(f"/verdelingen/{run.pk}/voortgang/").json()
    assert data["text"] == "Bezig: verdelen (60%)"
    page = administrator_client.get(f"/verdelingen/{run.pk}/").content.decode()
    assert 'aria-live="polite">Bezig: verdelen (60%)</span>' in page


def test_verify_page_confirms(call, administrator, page_start):
    client = client_for(administrator)
    run = page_start(client, call)
    response = client.post(f"/verdelingen/{run.pk}/controleren/")
    assert "elke regel is gelijk" in response.content.decode()


def test_compare_page_has_table_and_accessible_chart(call, administrator, page_start):
    client = client_for(administrator)
    a = page_start(client, call)
    AllocationPolicy.objects.create(call=call, method="pro_rata")
    b = page_start(client, call)
    content = client.get(f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/?a={a.pk}&b={b.pk}").content.decode()
    assert 'role="img"' in content and "<title" in content and "<desc" in content
    assert 'id="vergelijking-gemeenten"' in content and "Verschil" in content
    assert "New Town" in content and "geen netwerk" in content


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_other_roles_get_403_on_every_page(call, administrator, page_start, role, request):
    run = page_start(client_for(administrator), call)
    client = client_for(request.getfixturevalue(role))
    for method, url in [
        ("get", f"/aanvraagrondes/{call.pk}/verdeling/"),
        ("get", f"/aanvraagrondes/{call.pk}/verdeling/beleid/"),
        ("post", f"/aanvraagrondes/{call.pk}/verdeling/beleid/"),
        ("post", f"/aanvraagrondes/{call.pk}/verdeling/berekenen/"),
        ("get", f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/"),
        ("get", f"/verdelingen/{run.pk}/"),
        ("get", f"/verdelingen/{run.pk}/voortgang/"),
        ("post", f"/verdelingen/{run.pk}/goedkeuren/"),
        ("post", f"/verdelingen/{run.pk}/controleren/"),
        ("post", f"/verdelingen/{run.pk}/opnieuw/"),
    ]:
        assert getattr(client, method)(url).status_code == 403, url
    assert AllocationRun.objects.count() == 1


def test_unknown_objects_are_404(administrator_client):
    assert administrator_client.get("/aanvraagrondes/999999/verdeling/").status_code == 404
    assert administrator_client.get("/verdelingen/999999/").status_code == 404


def test_run_and_compare_pages_cost_the_same_queries_as_lines_grow(call, administrator, page_start, count_queries):
    client = client_for(administrator)
    a, b = page_start(client, call), page_start(client, call)
    runs_url = f"/verdelingen/{b.pk}/"
    compare_url = f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/?a={a.pk}&b={b.pk}"
    small = (count_queries(client, runs_url), count_queries(client, compare_url))
    for n in range(6):
        reviewed(call, requested=Decimal("10000.00"), total=Decimal(10 + n), networks=("M50",) if n % 2 else ())
    c, d = page_start(client, call), page_start(client, call)
    runs_url = f"/verdelingen/{d.pk}/"
    compare_url = f"/aanvraagrondes/{call.pk}/verdeling/vergelijken/?a={c.pk}&b={d.pk}"
    assert (count_queries(client, runs_url), count_queries(client, compare_url)) == small
    assert "nplv-cutoff" in client.get(runs_url).content.decode()


def test_admin_shows_policies_runs_and_decisions_read_only(call, administrator_client, page_start, administrator):
    page_start(client_for(administrator), call)
    AllocationPolicy.objects.create(call=call)
    for url in (
        "/admin/allocations/allocationpolicy/",
        "/admin/allocations/allocationrun/",
        "/admin/allocations/decision/",
    ):
        assert administrator_client.get(url).status_code == 200, url
    policy = AllocationPolicy.objects.get(call=call)
    page = administrator_client.get(f"/admin/allocations/allocationpolicy/{policy.pk}/change/").content.decode()
    assert f"/aanvraagrondes/{call.pk}/verdeling/beleid/" in page
    assert administrator_client.get("/admin/allocations/allocationpolicy/add/").status_code == 403


def test_the_kept_rows_of_a_run_follow_the_language_and_the_page(call, administrator, page_start, settings):
    run = page_start(client_for(administrator), call)
    viewer = client_for(administrator)
    dutch = viewer.get(f"/verdelingen/{run.pk}/").content.decode()
    assert "volledig toegekend" in dutch
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = viewer.get(f"/verdelingen/{run.pk}/").content.decode()
    assert "volledig toegekend" not in english and "fully awarded" in english
    # Another run of the same call has rows of its own, never the first run's.
    second = page_start(client_for(administrator), call)
    AllocationLine.objects.filter(run=second).update(
        reason="capped", ground={"code": "capped", "cap": 1_000_00, "cap_pct": None, "cap_amount": 1_000_00}
    )
    viewer.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = viewer.get(f"/verdelingen/{second.pk}/").content.decode()
    assert "toegekend tot het maximum per aanvraag" in page and "volledig toegekend" not in page
