"""API tokens have a maximum lifetime (API_TOKEN_MAX_AGE_DAYS) shown on the profile page, and end when their
owner's password or second factor changes. A scripted set-up gives a ministry account a working token with
``invite_user --password P --totp-secret BASE32`` (DESIGN.md §10)."""

import datetime
import io

import pyotp
import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, AuditEvent, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Een-heel-nieuw-wachtwoord-2027"


def _api(key: str, **headers) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", **headers)
    return client


def test_a_token_expires_after_the_configured_number_of_days(officer, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 30
    made = timezone.now()
    with time_machine.travel(made, tick=False):
        token, key = services.issue_api_token(user=officer, name="koppeling")
    assert token.expires_at == made + datetime.timedelta(days=30)
    with time_machine.travel(made + datetime.timedelta(days=29, hours=23)):
        assert _api(key).get("/api/v1/me/").status_code == 200
    with time_machine.travel(made + datetime.timedelta(days=30, seconds=1)):
        expired = _api(key).get("/api/v1/me/")
        assert expired.status_code == 401
        assert expired.json() == {"detail": "Deze API-sleutel is verlopen. Maak een nieuwe aan op uw profielpagina."}
        english = _api(key, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me/")
        assert english.json() == {"detail": "This API token has expired. Create a new one on your profile page."}
        assert not ApiToken.objects.active().exists()


def test_the_default_lifetime_is_90_days():
    from django.conf import settings

    assert settings.API_TOKEN_MAX_AGE_DAYS == 90


def test_the_profile_shows_the_lifetime_and_each_tokens_end(officer_client, officer, settings):
    settings.API_TOKEN_MAX_AGE_DAYS = 90
    token, _key = services.issue_api_token(user=officer, name="koppeling")
    page = officer_client.get(reverse("profile")).content.decode()
    assert "Een sleutel is 90 dagen geldig." in page
    assert "Geldig tot" in page
    local_end = timezone.localtime(token.expires_at)
    assert local_end.strftime("%d-%m-%Y") in page
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - datetime.timedelta(days=91))
    assert "Verlopen" in officer_client.get(reverse("profile")).content.decode()


def test_changing_the_password_revokes_every_token(officer_client, officer):
    _first, first_key = services.issue_api_token(user=officer, name="een")
    _second, second_key = services.issue_api_token(user=officer, name="twee")
    response = officer_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    for key in (first_key, second_key):
        assert _api(key).get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(verb="api_token.revoked_all")
    assert event.data["reason"] == "password_changed"
    assert len(event.data["tokens"]) == 2
    # A token made after the change works.
    _third, third_key = services.issue_api_token(user=officer, name="drie")
    assert _api(third_key).get("/api/v1/me/").status_code == 200


def _log_in_with_totp(client, user):
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(user.totp_secret).now()}).status_code == 302
    # Changing the second factor asks for the password again.
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302


def test_switching_off_the_authenticator_revokes_every_token(client, reviewer):
    _log_in_with_totp(client, reviewer)
    _token, key = services.issue_api_token(user=reviewer, name="koppeling")
    assert _api(key).get("/api/v1/me/").status_code == 200
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.TOTP).exists()
    assert _api(key).get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.get(verb="api_token.revoked_all").data["reason"] == "two_factor_removed"


def test_new_recovery_codes_revoke_every_token(client, reviewer, django_capture_on_commit_callbacks):
    _log_in_with_totp(client, reviewer)
    _token, key = services.issue_api_token(user=reviewer, name="koppeling")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    assert _api(key).get("/api/v1/me/").status_code == 401


# --- invite_user --totp-secret -----------------------------------------------------------------------


def test_invite_user_with_a_totp_secret_gives_a_ministry_account_a_working_token(db):
    secret = pyotp.random_base32()
    out = io.StringIO()
    call_command(
        "invite_user",
        "--email",
        "beheer@minvro.nl",
        "--role",
        "administrator",
        "--password",
        NEW_PASSWORD,
        "--totp-secret",
        secret,
        stdout=out,
    )
    assert "Authenticator-app ingericht" in out.getvalue()
    user = User.objects.get(email="beheer@minvro.nl")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).count() == 1
    assert AuditEvent.objects.filter(verb="user.totp_enrolled", target_id=user.pk).exists()

    token_out = io.StringIO()
    call_command("issue_api_token", "--email", user.email, stdout=token_out)
    api = _api(token_out.getvalue().strip())
    assert api.get("/api/v1/me/").json()["role"] == "administrator"
    assert api.get("/api/v1/reviewers/").status_code == 200

    # The same secret logs in through the browser's 2FA step.
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.post(reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_without_the_secret_a_ministry_token_is_refused(db):
    call_command(
        "invite_user", "--email", "r@minvro.nl", "--role", "reviewer", "--password", NEW_PASSWORD, stdout=io.StringIO()
    )
    out = io.StringIO()
    call_command("issue_api_token", "--email", "r@minvro.nl", stdout=out)
    assert _api(out.getvalue().strip()).get("/api/v1/me/").status_code == 403


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--role", "reviewer", "--totp-secret", "JBSWY3DPEHPK3PXPJBSWY3DP"], "alleen samen met --password"),
        (["--role", "reviewer", "--password", NEW_PASSWORD, "--totp-secret", "kort"], "minstens 16 tekens"),
        (["--role", "reviewer", "--password", NEW_PASSWORD, "--totp-secret", "!!!!!!!!!!!!!!!!!!"], "Base32"),
        (
            [
                "--role",
                "officer",
                "--municipality",
                "GM0356",
                "--password",
                NEW_PASSWORD,
                "--totp-secret",
                "JBSWY3DPEHPK3PXPJBSWY3DP",
            ],
            "Alleen ministeriemedewerkers",
        ),
    ],
)
def test_invite_user_refuses_a_bad_totp_secret_and_creates_nothing(municipality, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("invite_user", "--email", "x@minvro.nl", *arguments, stdout=io.StringIO())
    assert not User.objects.filter(email="x@minvro.nl").exists()
    assert not Authenticator.objects.exists()


def test_a_password_set_outside_the_profile_pages_revokes_every_token(officer, capsys):
    """The admin's password form and ``manage.py changepassword`` call set_password and save, without
    allauth's signals: the model ends the tokens all the same."""
    _token, key = services.issue_api_token(user=officer, name="koppeling")
    officer.set_password(NEW_PASSWORD)
    officer.save()
    assert _api(key).get("/api/v1/me/").status_code == 401
    event = AuditEvent.objects.get(verb="api_token.revoked_all")
    assert event.data["reason"] == "password_changed"
    # Saving again without a new password leaves a new token alone.
    _new, new_key = services.issue_api_token(user=officer, name="nieuw")
    officer.full_name = "Andere Naam"
    officer.save()
    assert _api(new_key).get("/api/v1/me/").status_code == 200


def test_the_admin_password_form_revokes_every_token(officer, administrator):
    from django.contrib.auth.forms import AdminPasswordChangeForm

    _token, key = services.issue_api_token(user=officer, name="koppeling")
    form = AdminPasswordChangeForm(officer, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert form.is_valid(), form.errors
    form.save()
    assert _api(key).get("/api/v1/me/").status_code == 401
    assert User.objects.get(pk=officer.pk).check_password(NEW_PASSWORD)
