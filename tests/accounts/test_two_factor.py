"""Two-factor authentication is required for ministry roles, never for grant officers."""

import pyotp
import pytest
from django.urls import reverse

from tests.factories import PASSWORD, AdministratorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_officer_logs_in_with_password_only_and_sees_home_in_dutch(client, officer):
    response = _login(client, officer.email)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.headers["Content-Language"] == "nl"
    assert "Aanvraagrondes voor uw gemeente" in home.content.decode()


def test_ministry_login_asks_for_the_authenticator_code(client, reviewer):
    response = _login(client, reviewer.email)
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("mfa_authenticate")
    # Not logged in yet: the home page still sends to the login page.
    assert client.get(reverse("home")).headers["Location"].startswith(reverse("account_login"))


def test_wrong_code_is_refused_and_right_code_logs_in(client, reviewer):
    _login(client, reviewer.email)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Ongeldige code" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    code = pyotp.TOTP(reviewer.totp_secret).now()
    right = client.post(reverse("mfa_authenticate"), {"code": code})
    assert right.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Uw werkvoorraad" in home.content.decode()


@pytest.mark.parametrize("factory", [ReviewerFactory, AdministratorFactory])
def test_ministry_user_without_authenticator_must_set_it_up_before_any_page(client, factory):
    user = factory(totp=False)
    response = _login(client, user.email)
    assert response.status_code == 302
    for url in [reverse("home"), reverse("profile"), "/admin/"]:
        blocked = client.get(url)
        assert blocked.status_code == 302, url
        assert blocked.headers["Location"] == reverse("mfa_activate_totp")
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "Tweestapsverificatie is verplicht" in setup.content.decode()


def test_ministry_user_without_authenticator_is_refused_by_the_api(client):
    user = ReviewerFactory(totp=False)
    client.force_login(user)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "Tweestapsverificatie" in response.json()["detail"]


def test_activating_an_authenticator_right_after_login_opens_the_portal(client):
    user = AdministratorFactory(totp=False)
    _login(client, user.email)
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_admin_site_requires_an_administrator(client, officer, reviewer, administrator):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302  # to the portal login, not the admin
    client.force_login(reviewer)
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Configuratie en referentiegegevens" in response.content.decode()


def test_changing_an_existing_authenticator_requires_reauthentication(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_reauthenticate"))
