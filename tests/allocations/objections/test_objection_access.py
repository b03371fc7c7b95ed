"""Who reaches which objection page and endpoint, as data: 404 outside one's organisation, 403 for a role that
may not use it at all, a login first for anonymous visitors. The case belongs to the ``officer`` fixture's
municipality; ``other_officer`` is another municipality."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from allocations.objections import services
from allocations.objections.models import ObjectionCase
from tests.allocations.objections.conftest import at

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "officer", "other_officer", "reviewer", "administrator")

PAGES = [
    # (url name, keywords, method, expected per role in ROLES order)
    ("objection_list", {}, "get", (302, 200, 200, 200, 200)),
    ("objection_register", {}, "get", (302, 403, 403, 403, 200)),
    ("objection_detail", {"pk": "case"}, "get", (302, 200, 404, 200, 200)),
    ("objection_lodge", {"pk": "application"}, "get", (302, 200, 404, 404, 404)),
    # Without input: the officer may withdraw (a redirect), staff steps are 403 for other roles and 400 for
    # the administrator (the form says what is missing).
    ("objection_step", {"pk": "case", "step": "uitkomst"}, "post", (302, 403, 404, 403, 400)),
]

API = [
    ("api-objections", {}, "get", (401, 200, 200, 200, 200)),
    ("api-objection-detail", {"pk": "case"}, "get", (401, 200, 404, 200, 200)),
    ("api-objection-outcome", {"pk": "case"}, "post", (401, 403, 404, 403, 400)),
    ("api-objection-postponement", {"pk": "case"}, "post", (401, 403, 404, 403, 400)),
]


@pytest.fixture
def world(decision, officer, other_officer, reviewer, administrator):
    with time_machine.travel(at(datetime.date(2027, 4, 1)), tick=False):
        case = services.lodge_objection(decision=decision, by=officer, grounds="Onjuist.")
    users = {"officer": officer, "other_officer": other_officer, "reviewer": reviewer, "administrator": administrator}
    return {"case": case.pk, "application": decision.application_id}, users


def _url(name, keywords, ids):
    return reverse(name, kwargs={key: ids.get(value, value) for key, value in keywords.items()})


@pytest.mark.parametrize(("name", "keywords", "method", "expected"), PAGES)
def test_pages(world, name, keywords, method, expected):
    ids, users = world
    before = list(ObjectionCase.objects.values_list("status", "outcome"))
    for role, status in zip(ROLES, expected, strict=True):
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        response = getattr(client, method)(_url(name, keywords, ids))
        assert response.status_code == status, (role, response.status_code)
    assert list(ObjectionCase.objects.values_list("status", "outcome")) == before


@pytest.mark.parametrize(("name", "keywords", "method", "expected"), API)
def test_api(world, name, keywords, method, expected):
    ids, users = world
    before = list(ObjectionCase.objects.values_list("status", "outcome", "postponed_weeks"))
    for role, status in zip(ROLES, expected, strict=True):
        client = APIClient()
        if role != "anonymous":
            client.force_authenticate(users[role])
        response = getattr(client, method)(_url(name, keywords, ids), {}, format="json")
        assert response.status_code == status, (role, response.status_code)
    assert list(ObjectionCase.objects.values_list("status", "outcome", "postponed_weeks")) == before
