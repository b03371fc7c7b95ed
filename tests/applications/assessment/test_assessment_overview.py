"""A call's assessment overview at volume: one page of applications at a time, filtered by status, signal and
municipality, with no form per row; the forms live on the application's own assessment page. Both pages cost
a fixed number of queries whatever the number of applications and reviewers."""

import importlib

import pytest
from django.urls import reverse

from applications.assessment import services as assessment
from tests.factories import CallFactory, OfficerFactory, ReviewerFactory, submitted_application

pytestmark = pytest.mark.django_db
# The module, not the view of the same name that the package exports.
call_assessment_view = importlib.import_module("applications.assessment.views.call_assessment")


@pytest.fixture
def call(db):
    return CallFactory()


def _references(page: str, applications) -> set[str]:
    """The applications listed in the overview's table (not the conflicts below it)."""
    overview = page[page.index('id="aanvragen-titel"') : page.index('id="conflicten-titel"')]
    return {a.reference for a in applications if f">{a.reference}<" in overview}


def test_the_overview_renders_no_form_per_application(administrator_client, administrator, call):
    applications = [submitted_application(OfficerFactory(), call=call) for _ in range(3)]
    reviewer = ReviewerFactory(full_name="Rita Rij")
    assessment.assign_reviewer(application=applications[0], reviewer=reviewer, by=administrator)
    page = administrator_client.get(reverse("call_assessment", args=[call.pk])).content.decode()
    assert "Rita Rij: Nog niet begonnen" in page  # the reviewers and their states, as text
    for application in applications:
        assert reverse("application_assessment", args=[application.pk]) in page
        assert reverse("assign_reviewer", args=[application.pk]) not in page
        assert f'name="toewijzen{application.pk}-reviewer"' not in page
    assert 'name="intrek' not in page and 'name="heropen' not in page
    overview = page[page.index('id="aanvragen-titel"') : page.index('id="conflicten-titel"')]
    assert overview.count("<form") == 1  # the filter, nothing per row


def test_the_overview_is_paginated_and_keeps_the_filter_on_the_next_page(administrator_client, call, monkeypatch):
    monkeypatch.setattr(call_assessment_view, "PAGE_SIZE", 2)
    officer = OfficerFactory()
    applications = sorted(
        (submitted_application(officer, call=call, area_name=f"Wijk {i}") for i in range(3)), key=lambda a: a.reference
    )
    url = reverse("call_assessment", args=[call.pk])
    first = administrator_client.get(url).content.decode()
    assert _references(first, applications) == {a.reference for a in applications[:2]}
    assert "3 aanvragen in deze ronde zijn ingediend of verder." in first
    assert "Pagina 1 van 2" in first
    second = administrator_client.get(url, {"pagina": 2}).content.decode()
    assert _references(second, applications) == {applications[2].reference}

    filtered = administrator_client.get(url, {"gemeente": officer.municipality_id}).content.decode()
    assert f"gemeente={officer.municipality_id}&amp;pagina=2" in filtered


def test_the_overview_filters_by_status_signal_and_municipality(administrator_client, administrator, call):
    here, there = OfficerFactory(), OfficerFactory()
    assigned = submitted_application(here, call=call, area_name="Noord")
    waiting = submitted_application(here, call=call, area_name="Zuid")
    elsewhere = submitted_application(there, call=call)
    everyone = [assigned, waiting, elsewhere]
    conflicted = ReviewerFactory()
    ended = assessment.assign_reviewer(application=assigned, reviewer=conflicted, by=administrator)
    assessment.declare_conflict(assignment=ended, by=conflicted, reason="Familie.")
    assessment.assign_reviewer(application=assigned, reviewer=ReviewerFactory(), by=administrator)
    assigned.refresh_from_db()
    url = reverse("call_assessment", args=[call.pk])

    def shown(**query) -> set[str]:
        response = administrator_client.get(url, query)
        assert response.status_code == 200
        return _references(response.content.decode(), everyone)

    assert shown() == {a.reference for a in everyone}
    assert shown(status="in_review") == {assigned.reference}
    assert shown(status="submitted") == {waiting.reference, elsewhere.reference}
    assert shown(signaal="conflict") == {assigned.reference}
    # The call wants more reviewers than any has: every application still misses one or more.
    assert shown(signaal="missing") == {a.reference for a in everyone}
    assert shown(gemeente=there.municipality_id) == {elsewhere.reference}
    assert shown(gemeente=here.municipality_id, status="submitted") == {waiting.reference}
    assert shown(signaal="spread") == set()
    assert shown(signaal="below_minimum") == set()
    # Nonsense in the query string is ignored, never an error.
    assert shown(status="bestaat-niet", signaal="<script>", gemeente="x", pagina="-1") == {
        a.reference for a in everyone
    }
    page = administrator_client.get(url, {"status": "rejected"}).content.decode()
    assert "Geen aanvragen voldoen aan dit filter." in page


def test_the_overview_costs_the_same_queries_on_a_full_page_as_on_a_small_one(
    count_queries, administrator_client, administrator, call, monkeypatch
):
    monkeypatch.setattr(call_assessment_view, "PAGE_SIZE", 3)
    reviewers = [ReviewerFactory() for _ in range(3)]
    first = submitted_application(OfficerFactory(), call=call)
    assessment.assign_reviewer(application=first, reviewer=reviewers[0], by=administrator)
    url = reverse("call_assessment", args=[call.pk])
    few = count_queries(administrator_client, url, warm=True)
    for _ in range(5):
        application = submitted_application(OfficerFactory(), call=call)
        for reviewer in reviewers:
            assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    assert count_queries(administrator_client, url, warm=True) == few
    assert count_queries(administrator_client, url + "?signaal=missing&pagina=2", warm=True) == few


def test_the_application_assessment_page_costs_the_same_queries_for_1_and_5_reviewers(
    count_queries, administrator_client, administrator, call
):
    application = submitted_application(OfficerFactory(), call=call)
    assessment.assign_reviewer(application=application, reviewer=ReviewerFactory(), by=administrator)
    url = reverse("application_assessment", args=[application.pk])
    few = count_queries(administrator_client, url, warm=True)
    for _ in range(4):
        assessment.assign_reviewer(application=application, reviewer=ReviewerFactory(), by=administrator)
    conflicted = ReviewerFactory()
    ended = assessment.assign_reviewer(application=application, reviewer=conflicted, by=administrator)
    assessment.declare_conflict(assignment=ended, by=conflicted, reason="Familie.")
    assert count_queries(administrator_client, url, warm=True) == few


def test_the_application_assessment_page_is_for_administrators_only(client, officer, call):
    application = submitted_application(officer, call=call)
    client.force_login(officer)
    assert client.get(reverse("application_assessment", args=[application.pk])).status_code == 403
    client.force_login(ReviewerFactory())
    assert client.get(reverse("application_assessment", args=[application.pk])).status_code in (403, 404)
