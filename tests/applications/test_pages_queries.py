"""The list pages cost a fixed number of queries, however many calls and applications there are, and
the lists show what each role needs to see."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    MunicipalityFactory,
    NetworkFactory,
    OfficerFactory,
    RequiredAttachmentFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def _add_calls(count, municipality, officer):
    m50 = NetworkFactory(code="M50", name="M50")
    for index in range(count):
        call = CallFactory(max_per_application=Decimal("250000"))
        ThemeFactory(scheme=call.scheme)
        RequiredAttachmentFactory(call=call)
        if index % 2:
            call.eligible_networks.set([m50])
        if index % 3 == 0:
            ApplicationFactory(call=call, municipality=municipality, created_by=officer)


@pytest.mark.parametrize("role", ["officer", "reviewer", "administrator"])
def test_call_list_costs_the_same_queries_for_2_and_10_calls(count_queries, request, role, officer, municipality):
    client = request.getfixturevalue(f"{role}_client")
    MembershipFactory(municipality=municipality, network=NetworkFactory(code="M50", name="M50"))
    _add_calls(2, municipality, officer)
    few = count_queries(client, reverse("call_list"))
    _add_calls(8, municipality, officer)
    assert count_queries(client, reverse("call_list")) == few


def _add_applications(count, *, municipality=None, status=Status.DRAFT):
    for _index in range(count):
        place = municipality or MunicipalityFactory()
        editor = OfficerFactory(municipality=place)
        submitted_at = timezone.now() if status != Status.DRAFT else None
        ApplicationFactory(
            municipality=place,
            created_by=editor,
            status=status,
            submitted_at=submitted_at,
            requested_amount=Decimal("1000"),
        )


def test_my_applications_costs_the_same_queries_for_2_and_10_rows(count_queries, officer_client, municipality):
    _add_applications(2, municipality=municipality)
    few = count_queries(officer_client, reverse("application_list"))
    _add_applications(8, municipality=municipality, status=Status.SUBMITTED)
    assert count_queries(officer_client, reverse("application_list")) == few


@pytest.mark.parametrize("url", ["/aanvragen/", "/aanvragen/?status=submitted"])
def test_the_administrators_list_costs_the_same_queries_for_2_and_10_rows(count_queries, administrator_client, url):
    _add_applications(2, status=Status.SUBMITTED)
    few = count_queries(administrator_client, url)
    _add_applications(8, status=Status.SUBMITTED)
    assert count_queries(administrator_client, url) == few


def test_the_call_list_shows_status_time_left_eligibility_and_the_existing_application(
    officer_client, officer, municipality
):
    now = timezone.now()
    open_call = CallFactory(title="Open ronde", budget=Decimal("1234567.89"))
    CallFactory(
        title="Komt nog",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=40),
    )
    closed = CallFactory(
        title="Voorbij",
        opens_at=now - datetime.timedelta(days=40),
        closes_at=now - datetime.timedelta(days=2),
    )
    restricted = CallFactory(title="Alleen M50")
    restricted.eligible_networks.set([NetworkFactory(code="M50", name="M50")])
    CallFactory(title="Verborgen", is_published=False)
    mine = ApplicationFactory(call=open_call, municipality=municipality, created_by=officer)
    page = officer_client.get(reverse("call_list")).content.decode()
    assert "Binnenkort open" in page and "Gesloten" in page and ">Open</span>" in page
    assert "nog 4\xa0weken" in page
    assert "€ 1.234.567,89" in page
    assert f'<a href="{reverse("application_detail", args=[mine.pk])}">Uw aanvraag {mine.reference}</a>' in page
    assert "Komt niet in aanmerking" in page
    assert "Verborgen" not in page
    assert closed.closes_at.astimezone(timezone.get_current_timezone()).strftime("%H:%M") in page


def test_my_applications_shows_the_next_step_and_last_editor(officer_client, officer, municipality, administrator):
    draft = ApplicationFactory(municipality=municipality, created_by=officer, title="Concept")
    waiting = ApplicationFactory(
        municipality=municipality,
        created_by=officer,
        title="Ingediend",
        status=Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    asked = ApplicationFactory(
        municipality=municipality,
        created_by=officer,
        updated_by=administrator,
        title="Aanvulling",
        status=Status.INFO_REQUESTED,
        submitted_at=timezone.now(),
    )
    ApplicationFactory(title="Van een ander")
    page = officer_client.get(reverse("application_list")).content.decode()
    check = reverse("application_check", args=[draft.pk])
    assert f'href="{check}" aria-label="Aanvullen en indienen: {draft.reference}">' in page
    assert "Wacht op beoordeling" in page
    check = reverse("application_check", args=[asked.pk])
    assert f'href="{check}" aria-label="Aanvullen en opnieuw indienen: {asked.reference}">' in page
    assert waiting.reference in page
    assert "Van een ander" not in page
    assert administrator.display_name not in page  # officers see the ministry, not its staff


def test_the_administrator_sees_every_non_draft_application_and_filters_by_status(administrator_client):
    ApplicationFactory(title="Geheim concept")
    ApplicationFactory(title="Ingediend plan", status=Status.SUBMITTED, submitted_at=timezone.now())
    ApplicationFactory(title="In beoordeling plan", status=Status.IN_REVIEW, submitted_at=timezone.now())
    page = administrator_client.get(reverse("application_list")).content.decode()
    assert "Ingediend plan" in page and "In beoordeling plan" in page
    assert "Geheim concept" not in page
    assert '<th scope="col" class="utrecht-table__header-cell">Gemeente</th>' in page
    filtered = administrator_client.get(reverse("application_list") + "?status=in_review").content.decode()
    assert "In beoordeling plan" in filtered and "Ingediend plan" not in filtered
    assert '<option value="in_review" selected>' in filtered
    assert 'value="draft"' not in filtered
    ignored = administrator_client.get(reverse("application_list") + "?status=onzin").content.decode()
    assert "Ingediend plan" in ignored


def test_the_menu_offers_the_new_pages_per_role(officer_client, administrator_client, reviewer_client):
    officer_menu = officer_client.get(reverse("home")).content.decode()
    assert ">Aanvraagrondes</a>" in officer_menu and ">Mijn aanvragen</a>" in officer_menu
    admin_menu = administrator_client.get(reverse("home")).content.decode()
    assert ">Aanvragen</a>" in admin_menu and ">Aanvraagrondes</a>" in admin_menu
    assert ">Mijn aanvragen</a>" not in reviewer_client.get(reverse("home")).content.decode()
