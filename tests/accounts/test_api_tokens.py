"""Personal API tokens: created and revoked on the profile page or by command, stored only as a hash."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db


def test_profile_creates_a_token_that_authenticates_the_api(officer_client, officer, api_client):
    response = officer_client.post(reverse("profile"), {"name": "koppeling zaaksysteem"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("nplv_")
    token = ApiToken.objects.get(user=officer)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in str(ApiToken.objects.values_list("key_hash", "prefix", "name"))

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "email": officer.email,
        "full_name": officer.full_name,
        "role": "officer",
        "municipality": officer.municipality.cbs_code,
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_token_is_refused_with_a_clear_message(officer_client, officer, api_client):
    key = officer_client.post(reverse("profile"), {"name": "tijdelijk"}).context["new_key"]
    token = ApiToken.objects.get(user=officer)
    officer_client.post(reverse("revoke_token", args=[token.pk]))
    assert AuditEvent.objects.filter(verb="api_token.revoked").count() == 1
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Ongeldige of ingetrokken API-sleutel."


def test_token_needs_a_name(officer_client, officer):
    response = officer_client.post(reverse("profile"), {"name": ""})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_issue_api_token_command_prints_only_the_token(officer, api_client):
    out = io.StringIO()
    call_command("issue_api_token", "--email", officer.email, stdout=out)
    key = out.getvalue().strip()
    assert "\n" not in key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get("/api/v1/me/").json()["email"] == officer.email


def test_issue_api_token_command_for_unknown_user(db):
    with pytest.raises(CommandError, match="Geen actieve gebruiker"):
        call_command("issue_api_token", "--email", "niemand@example.nl")


def test_api_messages_follow_accept_language(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token onzin")
    dutch = api_client.get("/api/v1/me/")
    assert dutch.status_code == 401
    assert dutch.json()["detail"] == "Ongeldige of ingetrokken API-sleutel."
    english = api_client.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"] == "Invalid or revoked API key."
