"""CSRF on every state-changing form (issue 13), found by walking the URL resolver.

Every route of the portal, allauth's account pages, the language switch, the admin and the API is sent a
POST without a CSRF token, by a browser-like client that enforces the checks, as each role (and anonymous):
every one is a 403 from the CSRF check (not a permission 403 that could hide a missing check), and nothing
in the database changes. The only exemption is the API's catch-all 404, which changes nothing.
"""

import re

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.conftest import World, walk
from tests.security.test_idor import CASES

pytestmark = pytest.mark.django_db

EXEMPT = {"api-not-found": "the API's JSON 404 for unknown addresses: it reads nothing and writes nothing"}
# Read-only views whose refusal is rendered as the generic 403 page, without the CSRF reason.
GENERIC_403 = {"swagger-ui": "Swagger UI renders DRF's CSRF refusal with its HTML template; it only serves GET"}
PAGE_MESSAGE = "beveiligingscontrole mislukte"
REGEX_DEFAULTS = {"content_id": "0" * 32, "app_label": "applications"}
CONVERTER_DEFAULTS = {"int": 1, "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _kwargs(route: str, name: str | None, world: World, role: str) -> dict:
    kwargs = {}
    if name in CASES:
        kwargs = {key: world.ids.get(value, value) for key, value in CASES[name][1].items()}
        if role == "officer" and kwargs.get("pk") == world.ids["application"]:
            kwargs["pk"] = world.own["application"]  # the officer's own draft: the view would accept the POST
    for converter, key in re.findall(r"(?<!\?P)<(?:(\w+):)?(\w+)>", route):
        kwargs.setdefault(key, CONVERTER_DEFAULTS.get(converter or "str", "x"))
    for key in re.findall(r"\(\?P<(\w+)>", route):
        kwargs.setdefault(key, REGEX_DEFAULTS.get(key, 1))
    return kwargs


def _url(route: str, name: str | None, world: World, role: str) -> str | None:
    kwargs = _kwargs(route, name, world, role)
    if name:
        return reverse(name, kwargs=kwargs)
    # An unnamed pattern (the admin's per-app catch-alls): fill in its route by hand.
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), url)
    return "/" + url.replace("^", "").replace("$", "")


def _urls(world: World, role: str):
    for route, name, _pattern in walk():
        if name in EXEMPT:
            continue
        try:
            yield name or route, _url(route, name, world, role)
        except NoReverseMatch:
            yield name or route, None


@pytest.mark.parametrize("role", ["anonymous", "officer", "reviewer", "administrator"])
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(role, world, request, tally):
    client = Client(enforce_csrf_checks=True)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    tried, failures, unresolved = 0, [], []
    before = world.snapshot()
    for name, url in _urls(world, role):
        if url is None:
            unresolved.append(name)
            continue
        response = client.post(url, {"title": "CSRF", "reason": "CSRF", "confirm": "on"})
        tried += 1
        body = response.content.decode(errors="replace")
        if role == "anonymous" and url.startswith("/api/"):
            # No session, so no CSRF to check: without credentials the API refuses (401), or the method.
            ok = response.status_code in (401, 405)
        else:
            reason_shown = "CSRF" in body or PAGE_MESSAGE in body or name in GENERIC_403
            ok = response.status_code == 403 and reason_shown
        if not ok:
            failures.append(f"POST {url} ({name}): {response.status_code}")
    assert world.snapshot() == before
    assert not unresolved, f"routes the sweep could not build: {unresolved}"
    assert not failures, "\n".join(failures)
    assert tried > 150
    tally("csrf", tried * 4)  # four roles, the same routes each
