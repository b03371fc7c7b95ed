"""Who may reach every letter page and endpoint: 404 outside one's organisation, 403 for a role that may
not use it at all; the municipality sees its letter only once sent, and only the versions sent to it; every
download is audited."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from allocations.letters import batches, selectors, services
from allocations.letters.models import Letter, LetterText
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, SEND_ON, on_send_day, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(administrator, municipality, django_capture_on_commit_callbacks):
    """A run of three decisions; the first is addressed to the ``officer`` fixture's municipality."""
    run = letter_run(count=3, by=administrator, municipalities=[municipality, *_others()])
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run)
    own = selectors.current_letters(run=run).get(decision__application__municipality=municipality)
    return {"run": run, "letter": own, "application": own.decision.application}


def _others():
    from tests.factories import MunicipalityFactory

    return [MunicipalityFactory(postal_address="Postbus 1", postal_code="1000 AA", postal_city="X") for _ in range(2)]


def _clients(officer, other_officer, reviewer, administrator):
    from django.test import Client

    clients = {"anonymous": Client()}
    for name, user in {
        "officer": officer,
        "other_officer": other_officer,
        "reviewer": reviewer,
        "administrator": administrator,
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


PAGE_MATRIX = [
    # (url name, method, expected per role: anonymous, officer, other officer, reviewer, administrator)
    ("run_letters", "get", (302, 403, 403, 403, 200)),
    ("run_letters_progress", "get", (302, 403, 403, 403, 200)),
    ("run_letters_retry", "post", (302, 403, 403, 403, 302)),
    ("run_letters_prepare", "post", (302, 403, 403, 403, 400)),  # without a date: the form says so
    ("run_letters_regenerate", "post", (302, 403, 403, 403, 400)),  # without the summary's confirmation
    ("call_letter_texts", "get", (302, 403, 403, 403, 200)),
    ("application_letters", "get", (302, 200, 404, 200, 200)),
    ("letter_download", "get", (302, 404, 404, 200, 200)),  # before sending: hidden from the municipality
]
ROLES = ("anonymous", "officer", "other_officer", "reviewer", "administrator")


@pytest.mark.parametrize(("name", "method", "expected"), PAGE_MATRIX)
def test_page_matrix(world, officer, other_officer, reviewer, administrator, name, method, expected):
    clients = _clients(officer, other_officer, reviewer, administrator)
    arg = {
        "run_letters": world["run"].pk,
        "run_letters_progress": world["run"].pk,
        "run_letters_retry": world["run"].pk,
        "run_letters_prepare": world["run"].pk,
        "run_letters_regenerate": world["run"].pk,
        "call_letter_texts": world["run"].call_id,
        "application_letters": world["application"].pk,
        "letter_download": world["letter"].pk,
    }[name]
    url = reverse(name, args=[arg])
    for role, status in zip(ROLES, expected, strict=True):
        response = getattr(clients[role], method)(url)
        assert response.status_code == status, (name, role, response.status_code)


def test_pages_404_for_objects_that_do_not_exist(administrator_client):
    for name in ("run_letters", "run_letters_progress", "letter_download", "application_letters", "call_letter_texts"):
        assert administrator_client.get(reverse(name, args=[999_999])).status_code == 404


def test_progress_json_counts_from_the_database(world, administrator_client):
    data = administrator_client.get(reverse("run_letters_progress", args=[world["run"].pk])).json()
    assert data == {
        "total": 3, "done": 3, "failed": 0, "pending": 0, "claimed": 0, "sent": 0, "percent": 100, "finished": True
    }  # fmt: skip
    page = administrator_client.get(reverse("run_letters", args=[world["run"].pk]))
    assert page.status_code == 200 and world["letter"].decision.number in page.content.decode()


def test_the_municipality_downloads_only_after_sending_and_every_download_is_audited(
    world, officer_client, other_officer_client, administrator, administrator_client, django_capture_on_commit_callbacks
):
    url = reverse("letter_download", args=[world["letter"].pk])
    assert officer_client.get(url).status_code == 404
    assert officer_client.post(reverse("run_letters_send", args=[world["run"].pk])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True), on_send_day():
        administrator_client.force_login(administrator)  # a session of that day
        response = administrator_client.post(reverse("run_letters_send", args=[world["run"].pk]), {"bevestigd": "ja"})
    assert response.status_code == 302
    response = officer_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")
    assert other_officer_client.get(url).status_code == 404
    page = officer_client.get(reverse("application_letters", args=[world["application"].pk])).content.decode()
    assert world["letter"].decision.number in page
    events = AuditEvent.objects.filter(verb="letter.downloaded")
    assert events.count() == 1 and events.get().data["via"] == "page"


def test_sending_before_the_letters_are_ready_is_a_conflict(administrator, administrator_client):
    run = letter_run(count=2, by=administrator, prefix="C")
    prepare(run)  # queued only on commit: nothing rendered yet
    with on_send_day():
        administrator_client.force_login(administrator)  # a session of that day
        response = administrator_client.post(reverse("run_letters_send", args=[run.pk]), {"bevestigd": "ja"})
    assert response.status_code == 409
    assert "Nog niet alle brieven zijn gemaakt" in response.content.decode()
    assert run.decisions.filter(sent_at__isnull=False).count() == 0


def test_letter_texts_page_saves_versions_and_previews(world, administrator_client):
    call = world["run"].call
    url = reverse("call_letter_texts", args=[call.pk])
    bad = administrator_client.post(url, {"closing": "x" * 2001, "contact_email": "geen-adres", "save": "1"})
    assert bad.status_code == 400 and LetterText.objects.filter(call=call).count() == 1
    data = {name: getattr(services.texts_for(call), name) for name in services.TEXT_FIELDS}
    data["closing"] = "Een nieuwe slottekst."
    preview = administrator_client.post(url, {**data, "preview": "1", "decision": world["letter"].decision_id})
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert LetterText.objects.filter(call=call).count() == 1  # a preview stores nothing
    saved = administrator_client.post(url, {**data, "save": "1"})
    assert saved.status_code == 302
    assert services.texts_for(call).version == 2 and services.texts_for(call).closing == "Een nieuwe slottekst."


# --- API --------------------------------------------------------------------------------------------------
def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_api_matrix(world, officer, other_officer, reviewer, administrator, django_capture_on_commit_callbacks):
    run, letter, application = world["run"], world["letter"], world["application"]
    users = {"anonymous": None, "officer": officer, "other_officer": other_officer, "reviewer": reviewer,
             "administrator": administrator}  # fmt: skip
    matrix = {
        f"/api/v1/allocation-runs/{run.pk}/letters/": (403, 403, 403, 200, 200),
        f"/api/v1/applications/{application.pk}/letters/": (403, 200, 404, 200, 200),
        f"/api/v1/letters/{letter.pk}/": (403, 404, 404, 200, 200),
        f"/api/v1/letters/{letter.pk}/pdf/": (403, 404, 404, 200, 200),
        "/api/v1/letters/999999/": (403, 404, 404, 404, 404),
    }
    for url, expected in matrix.items():
        for role, status in zip(ROLES, expected, strict=True):
            response = _api(users[role]).get(url)
            assert response.status_code in ((401, 403) if status == 403 and role == "anonymous" else (status,)), (
                url,
                role,
                response.status_code,
            )
    assert _api(officer).get(f"/api/v1/applications/{application.pk}/letters/").json() == []
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
    listed = _api(officer).get(f"/api/v1/applications/{application.pk}/letters/").json()
    assert [item["decision_number"] for item in listed] == [letter.decision.number]
    assert listed[0]["sha256"] == letter.sha256 and listed[0]["is_current"] is True
    response = _api(officer).get(f"/api/v1/letters/{letter.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(verb="letter.downloaded", data__via="api").exists()


def test_run_letters_api_has_a_fixed_number_of_queries(world, reviewer, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = _api(reviewer).get(f"/api/v1/allocation-runs/{world['run'].pk}/letters/")
    assert len(response.json()) == 3


def test_the_batch_page_costs_the_same_queries_for_more_letters(
    administrator, administrator_client, django_capture_on_commit_callbacks, count_queries
):
    counts = []
    for prefix, count in (("Q", 2), ("R", 5)):
        run = letter_run(count=count, by=administrator, prefix=prefix)
        with django_capture_on_commit_callbacks(execute=True):
            prepare(run)
        counts.append(count_queries(administrator_client, reverse("run_letters", args=[run.pk])))
    assert counts[0] == counts[1]


def test_after_sending_the_municipality_sees_only_the_version_sent_to_it(
    world, officer, officer_client, administrator, administrator_client, django_capture_on_commit_callbacks
):
    run, application = world["run"], world["application"]
    unsent = world["letter"]  # version 1, dated 15 March, never sent
    tuesday = datetime.date(2027, 3, 16)
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run, send_on=tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY + datetime.timedelta(days=1))
    sent = Letter.objects.get(decision=unsent.decision, version=2)
    assert sent.is_sent and sent.letter_date == tuesday and not Letter.objects.get(pk=unsent.pk).is_sent
    assert unsent.letter_date == SEND_ON

    page = officer_client.get(reverse("application_letters", args=[application.pk])).content.decode()
    assert reverse("letter_download", args=[sent.pk]) in page
    assert reverse("letter_download", args=[unsent.pk]) not in page
    assert "16 maart 2027" in page and "15 maart 2027" not in page  # the date of the letter that went out
    assert officer_client.get(reverse("letter_download", args=[unsent.pk])).status_code == 404
    assert officer_client.get(reverse("letter_download", args=[sent.pk])).status_code == 200
    listed = _api(officer).get(f"/api/v1/applications/{application.pk}/letters/").json()
    assert [(item["version"], item["letter_date"]) for item in listed] == [(2, "2027-03-16")]
    assert listed[0]["sent_at"] is not None
    assert _api(officer).get(f"/api/v1/letters/{unsent.pk}/pdf/").status_code == 404
    # Ministry staff see every version, the one that was superseded before sending too.
    ministry = administrator_client.get(reverse("application_letters", args=[application.pk])).content.decode()
    assert reverse("letter_download", args=[unsent.pk]) in ministry
    assert [
        item["version"] for item in _api(administrator).get(f"/api/v1/applications/{application.pk}/letters/").json()
    ] == [2, 1]


def test_before_sending_the_municipality_sees_no_decision_and_no_letter(world, officer_client, administrator_client):
    application = world["application"]
    page = officer_client.get(reverse("application_letters", args=[application.pk])).content.decode()
    assert world["letter"].decision.number not in page and "Er is nog geen beschikking verzonden." in page
    assert "Toegekend" not in page and "Afgewezen" not in page
    ministry = administrator_client.get(reverse("application_letters", args=[application.pk])).content.decode()
    assert world["letter"].decision.number in ministry


def test_the_letters_a_person_may_see_are_one_queryset_and_the_rule_agrees(
    world, officer, other_officer, reviewer, administrator, django_capture_on_commit_callbacks
):
    """``Letter.objects.visible_to`` (pages, API, downloads) and ``can_view_letter`` (the service) say the same
    for every role and every letter, before and after sending."""
    from django.contrib.auth.models import AnonymousUser

    from allocations.letters.permissions import can_view_letter

    people = {
        "anonymous": AnonymousUser(),
        "officer": officer,
        "other_officer": other_officer,
        "reviewer": reviewer,
        "administrator": administrator,
    }

    def seen() -> dict[str, set[int]]:
        return {
            role: set(Letter.objects.visible_to(user).values_list("pk", flat=True)) for role, user in people.items()
        }

    everything = set(Letter.objects.values_list("pk", flat=True))
    before = seen()
    assert before == {
        "anonymous": set(),
        "officer": set(),
        "other_officer": set(),
        "reviewer": everything,
        "administrator": everything,
    }
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=world["run"], by=administrator, now=SEND_DAY)
    after = seen()
    assert after["officer"] == {world["letter"].pk}
    assert after["other_officer"] == set() and after["anonymous"] == set()
    for role, user in people.items():
        assert {letter.pk for letter in Letter.objects.all() if can_view_letter.test(user, letter)} == after[role], role
