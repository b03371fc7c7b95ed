"""Links in e-mails point at the portal as it runs: the configured SITE_URL, or without it the address and
port the request came in on (a portal started on another port than 8000 sends links that work)."""

import pytest
from django.urls import reverse
from post_office.models import Email

from accounts.sites import absolute_url
from tests.factories import complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    return complete_application(municipality=officer.municipality, created_by=officer)


def test_without_site_url_links_use_the_requests_host_and_port(settings, officer_client, draft):
    settings.SITE_URL_CONFIGURED = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    response = officer_client.post(
        reverse("application_transition", args=[draft.pk, "submit"]), HTTP_HOST="127.0.0.1:8123"
    )
    assert response.status_code == 302
    body = Email.objects.latest("id").message
    assert f"http://127.0.0.1:8123/aanvragen/{draft.pk}/" in body
    assert ":8000" not in body


def test_a_configured_site_url_wins(settings, officer_client, draft):
    settings.SITE_URL_CONFIGURED = True
    settings.SITE_URL = "https://nplv.example.nl"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    officer_client.post(reverse("application_transition", args=[draft.pk, "submit"]), HTTP_HOST="127.0.0.1:8123")
    assert f"https://nplv.example.nl/aanvragen/{draft.pk}/" in Email.objects.latest("id").message


def test_outside_a_request_the_default_applies(settings):
    settings.SITE_URL_CONFIGURED = False
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert absolute_url("/x/") == "http://127.0.0.1:8000/x/"


def test_invitations_sent_from_the_users_page_use_the_requests_port(settings, administrator_client):
    settings.SITE_URL_CONFIGURED = False
    settings.ALLOWED_HOSTS = ["localhost"]
    administrator_client.post(
        reverse("users"),
        {"email": "nieuw@minvro.nl", "role": "reviewer", "full_name": "Nieuw"},
        HTTP_HOST="localhost:9000",
    )
    assert "http://localhost:9000/uitnodiging/" in Email.objects.latest("id").message
