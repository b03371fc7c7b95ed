"""The page benchmark measures real pages: the data it generates opens every page it times with a 200 for the
sessions it makes (not a login redirect or an error page), and its p95 and sampling are what they claim."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from applications.models import Application, PointsBreakdown, ReviewAssignment, Status
from bench import pagedata, pages
from bench.common import FIGURES


def test_p95_is_the_nearest_rank_sample():
    assert pages.p95([float(n) for n in range(1, 41)]) == 38.0  # 40 samples: the 38th fastest
    assert pages.p95([float(n) for n in range(100, 0, -1)]) == 95.0  # order of arrival does not matter
    assert pages.p95([7.0, 1.0, 3.0]) == 7.0  # too few samples to leave one out: the slowest
    assert pages.p95([0.25]) == 0.25
    with pytest.raises(ValueError):
        pages.p95([])


class FakeServer:
    """A page that takes ``seconds`` per request on a clock that only moves when it is asked."""

    def __init__(self, seconds: float):
        self.seconds, self.now, self.calls = seconds, 0.0, 0

    def clock(self) -> float:
        return self.now

    def fetch(self) -> float:
        self.calls += 1
        self.now += self.seconds
        return self.seconds


def test_a_fast_page_gets_the_full_count_after_the_warm_up():
    server = FakeServer(0.01)
    times = pages.sample(server.fetch, warmup=5, count=40, budget=12, minimum=5, clock=server.clock)
    assert len(times) == 40
    assert server.calls == 45


def test_a_slow_page_stops_at_the_time_budget():
    server = FakeServer(1.0)
    times = pages.sample(server.fetch, warmup=5, count=40, budget=12, minimum=5, clock=server.clock)
    # Warm-up stops once two are done and more than a quarter of the budget (3 s) has passed: after 4 s.
    # Then measuring stops when 12 s have passed.
    assert server.calls == 4 + 12
    assert len(times) == 12


def test_a_very_slow_page_still_gets_the_minimum_and_then_stops():
    server = FakeServer(100.0)
    times = pages.sample(server.fetch, warmup=5, count=40, budget=12, minimum=5, clock=server.clock)
    assert len(times) == 5
    assert server.calls == 2 + 5


def test_without_postgresql_the_benchmark_says_skip_and_measures_nothing(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    before = len(FIGURES)
    pages.run()
    assert capsys.readouterr().out.startswith("SKIP bench.pages: needs PostgreSQL")
    assert len(FIGURES) == before


def test_too_few_applications_are_refused_before_anything_is_written(db):
    with pytest.raises(ValueError):
        pagedata.generate(applications=2, calls=3)
    assert not Application.objects.exists()


@pytest.fixture
def data(db):
    pagedata.load_reference()
    return pagedata.generate(applications=6, calls=1, reviewers=3)


def _client(user) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = pagedata.session_for(user)
    return client


def test_every_measured_page_answers_200_for_the_generated_sessions(data):
    clients = {role: _client(getattr(data, role)) for role in ("administrator", "reviewer", "officer")}
    for page in [pages.FLOOR, *pages.PAGES]:
        url = page.url(data)
        accept = "application/json" if url.startswith("/api/") else "text/html"
        response = clients[page.role].get(url, HTTP_ACCEPT=accept)
        assert response.status_code == 200, f"{page.name} {url}: {response.status_code}"
        if url.startswith("/api/"):
            visible = Application.objects.exclude(status=Status.DRAFT).count()
            assert response.json()["count"] == visible > 0
        elif page is not pages.FLOOR:
            assert response.context["user"] == getattr(data, page.role)  # signed in, not an anonymous page
    # The officer's session works too (the load test will use it).
    assert clients["officer"].get("/aanvragen/").status_code == 200


def test_the_pages_get_the_records_they_are_meant_to_show(data):
    applications = Application.objects.filter(call_id=data.biggest_call)
    assert set(applications.values_list("status", flat=True)) >= {Status.IN_REVIEW, Status.REVIEWED}
    # Stored points for every reviewed application, none yet for the provisional points page.
    reviewed = applications.filter(status=Status.REVIEWED)
    assert PointsBreakdown.objects.filter(application__in=reviewed).count() == reviewed.count()
    provisional = Application.objects.get(pk=data.provisional_application)
    assert provisional.status == Status.IN_REVIEW
    assert not PointsBreakdown.objects.filter(application=provisional).exists()
    # The review page is the reviewer's own review still in progress.
    assignment = ReviewAssignment.objects.get(pk=data.open_assignment)
    assert assignment.reviewer == data.reviewer and assignment.active
    assert not hasattr(assignment, "review") or assignment.review.status == "draft"
    # Budget lines add up to the requested amount.
    for application in applications:
        assert application.budget_total == application.requested_amount


def test_a_ministry_session_without_the_authenticator_is_not_let_in(data):
    """The 2FA middleware is really passed, not bypassed: without an authenticator the same session is sent
    to set one up, so a 200 in the test above means a two-factor session."""
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=data.administrator).delete()
    response = _client(data.administrator).get(pages.PAGES[0].url(data))
    assert response.status_code == 302


def test_the_spuk_policy_page_is_the_demo_call_with_its_twenty_reservations_and_under_100_kb(data):
    from applications.models import Call

    call = Call.objects.get(pk=data.spuk_call)
    assert call.allocation_policy.reservations.count() == 20
    assert call.applications.count() == 20
    # Its reviews are not the measured reviewer's: that queue stays as it was.
    assert not ReviewAssignment.objects.filter(application__call=call, reviewer=data.reviewer).exists()
    response = _client(data.administrator).get(f"/aanvraagrondes/{call.pk}/verdeling/beleid/")
    assert response.status_code == 200
    assert len(response.content) < pages.SPUK_KB_TARGET * 1024


def test_the_spuk_figures_are_printed_in_the_house_format(capsys):
    before = len(FIGURES)
    pages.emit_spuk({"spuk_policy": 120.0, "application_list": 60.0}, {"spuk_policy": 58.25, "application_list": 41.0})
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "BENCH page_spuk_policy_kb 58.25 KB target=100 floor=41",
        "BENCH page_spuk_policy_vs_application_list 2.00 x target=3 floor=1",
    ]
    assert [(f.name, f.met) for f in FIGURES[before:]] == [
        ("page_spuk_policy_kb", True),
        ("page_spuk_policy_vs_application_list", True),
    ]
    del FIGURES[before:]
