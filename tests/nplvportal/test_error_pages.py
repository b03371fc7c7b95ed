"""The portal's own error pages (400, 403, 404, 500) are Dutch, in the portal's layout, English on request;
under /api/ errors stay JSON. /admin/ gives officers and reviewers a 403 instead of a redirect loop."""

import pytest
from django.template import loader
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role_client", ["officer_client", "reviewer_client"])
def test_admin_is_a_403_page_for_officers_and_reviewers_not_a_redirect_loop(request, role_client):
    client = request.getfixturevalue(role_client)
    response = client.get("/admin/", follow=True)
    assert len(response.redirect_chain) <= 1
    assert response.status_code == 403
    page = response.content.decode()
    assert "Geen toegang" in page
    assert 'class="nplv-header"' in page  # the portal's layout
    assert client.get("/admin/applications/call/").status_code in (302, 403)
    assert client.get("/admin/applications/call/", follow=True).status_code == 403


def test_admin_still_sends_anonymous_visitors_to_the_portal_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")
    assert response.status_code == 200


def test_admin_works_for_administrators(administrator_client):
    assert administrator_client.get("/admin/").status_code == 200


def test_404_page_is_dutch_in_the_layout_and_english_on_request(officer_client):
    response = officer_client.get("/bestaat-niet/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Pagina niet gevonden</h1>" in page
    assert 'lang="nl"' in page
    assert "Naar het overzicht" in page
    officer_client.cookies["django_language"] = "en"
    english = officer_client.get("/bestaat-niet/").content.decode()
    assert "<h1>Page not found</h1>" in english


def test_403_page_for_a_role_that_may_not_use_a_page(reviewer_client):
    response = reviewer_client.get("/beheer/gebruikers/")
    assert response.status_code == 403
    assert "<h1>Geen toegang</h1>" in response.content.decode()


def test_csrf_failure_is_a_dutch_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "x@example.nl", "password": "y"})
    assert response.status_code == 403
    assert "beveiligingscontrole mislukte" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    html = loader.get_template("500.html").render()
    assert "<h1>Er ging iets mis</h1>" in html
    assert "/static/favicon.svg" in html
    with translation.override("en"):
        assert "<h1>Something went wrong</h1>" in loader.get_template("500.html").render()


@pytest.mark.urls("tests.nplvportal.error_urls")
def test_a_bug_gives_the_portal_500_page_and_json_under_the_api(officer):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    page = client.get("/stuk/")
    assert page.status_code == 500
    assert "Er ging iets mis" in page.content.decode()
    api = client.get("/api/v1/stuk/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 500
    assert api.json() == {"detail": "Something went wrong on our side. Please try again later."}


def test_400_page_for_an_unreadable_form(officer_client):
    response = officer_client.post("/profiel/", b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "<h1>Ongeldig verzoek</h1>" in response.content.decode()


def test_favicon_is_served(client):
    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)


def test_every_page_links_its_icon(officer_client):
    assert '<link rel="icon" href="/static/favicon.svg"' in officer_client.get("/").content.decode()
