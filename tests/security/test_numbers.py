"""Oversized, negative, over-precise and non-finite numbers and over-long texts (issue 13): the API answers
400 with the field's error, a page shows the error beside the field, and nothing changes."""

import json

import pytest
from django.test import Client

from tests.applications.test_pages_steps import errors_of, grid, post_step
from tests.factories import ApplicationFactory, CallFactory, ThemeFactory
from tests.security.conftest import World

pytestmark = pytest.mark.django_db

# Raw JSON fragments, so that bare numbers (1e20, NaN, Infinity) reach the parser as a client sent them.
HOSTILE_AMOUNTS = [
    '"1e20"',
    "1e20",
    '"1000000000000000.00"',  # 10^15 euros: over max_digits
    "1000000000000000",
    '"-1"',
    "-250000",
    '"-0.01"',
    '"1.001"',
    "0.125",
    '"NaN"',
    '"Infinity"',
    '"-Infinity"',
    "NaN",
    "Infinity",
    '"1_000"',
    '"0x10"',
    "true",
    "[]",
    '{"a": 1}',
]
PAGE_AMOUNTS = ["1e20", "1000000000000000", "-1", "-0,01", "1,001", "NaN", "Infinity", "-Infinity", "1_000", "0x10"]
LONG_TEXT = "x" * 100_001


@pytest.fixture
def draft(officer):
    call = CallFactory()
    theme = ThemeFactory(scheme=call.scheme, name="Veiligheid")
    application = ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer, title="Plan")
    return application, theme


def _patch(client, application, body: str):
    application.refresh_from_db()
    body = body.replace("REVISION", str(application.revision))
    return client.generic("PATCH", f"/api/v1/applications/{application.pk}/", body, content_type="application/json")


def test_api_refuses_every_hostile_amount_with_a_field_error_and_changes_nothing(officer_client, draft, tally):
    application, theme = draft
    cases, failures = 0, []
    for raw in HOSTILE_AMOUNTS:
        bodies = {
            "requested_amount": f'{{"revision": REVISION, "requested_amount": {raw}}}',
            "cofinancing_amount": f'{{"revision": REVISION, "cofinancing_amount": {raw}}}',
            "budget_lines": (
                f'{{"revision": REVISION, "budget_lines": [{{"theme": {theme.pk}, "year": {application.call.year_from},'
                f' "amount": {raw}}}]}}'
            ),
        }
        for field, body in bodies.items():
            before = World.snapshot()
            response = _patch(officer_client, application, body)
            cases += 1
            answer = response.json() if response.headers["Content-Type"].startswith("application/json") else {}
            if response.status_code != 400 or not (field in answer or "detail" in answer):
                failures.append(f"{field}={raw}: {response.status_code} {answer}")
            if World.snapshot() != before:
                failures.append(f"{field}={raw}: the database changed")
    tally("numbers", cases + len(PAGE_AMOUNTS) * 2 + 2)
    assert not failures, "\n".join(failures)


def test_api_refuses_an_over_long_title_with_a_field_error(officer_client, draft):
    application, _theme = draft
    before = World.snapshot()
    response = _patch(
        officer_client, application, json.dumps({"title": LONG_TEXT}).replace("}", ', "revision": REVISION}')
    )
    assert response.status_code == 400
    assert "title" in response.json()
    assert World.snapshot() == before


def test_pages_show_every_hostile_amount_beside_its_field_and_save_nothing(officer, draft):
    application, theme = draft
    client = Client()
    client.force_login(officer)
    cell = grid(theme, application.call.year_from)
    failures = []
    for value in PAGE_AMOUNTS:
        for field, data in (
            ("requested_amount", {"requested_amount": value}),
            (cell, {"requested_amount": "1000", cell: value}),
        ):
            before = World.snapshot()
            response = post_step(client, application, "begroting", data)
            if response.status_code != 200:
                failures.append(f"{field}={value}: {response.status_code}")
                continue
            try:
                messages = errors_of(response, f"id_{field}")
            except AssertionError:
                messages = []
            if not messages:
                failures.append(f"{field}={value}: no error beside the field")
            if World.snapshot() != before:
                failures.append(f"{field}={value}: the database changed")
    assert not failures, "\n".join(failures)


def test_an_over_long_title_on_the_page_is_refused_beside_the_field(officer, draft):
    application, _theme = draft
    client = Client()
    client.force_login(officer)
    before = World.snapshot()
    response = post_step(client, application, "gebied", {"title": LONG_TEXT})
    assert response.status_code == 200
    assert errors_of(response, "id_title")
    assert World.snapshot() == before
