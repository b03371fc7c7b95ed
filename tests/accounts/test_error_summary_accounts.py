"""The portal's one error summary on the account forms: inviting someone, accepting an invitation and making an
API key. A failed post opens on the summary at the top, with "Fout: " in the title and aria-invalid on the
fields, and changes nothing."""

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import ApiToken, Role, User
from tests.error_summary import assert_error_summary, assert_no_error_summary

pytestmark = pytest.mark.django_db


def test_a_failed_invitation_opens_on_the_summary_with_every_field_linked(administrator_client, officer):
    assert_no_error_summary(administrator_client.get(reverse("users")).content.decode())
    response = administrator_client.post(reverse("users"), {"email": "geen adres", "role": "koning"})
    body = response.content.decode()
    assert response.status_code == 200
    summary = assert_error_summary(body, links=["id_email", "id_role"], invalid=["id_email", "id_role"])
    assert "Er zijn 2 fouten; er is niets opgeslagen." in summary
    assert User.objects.count() == 2


def test_the_services_refusal_of_an_invitation_is_in_the_summary(administrator_client, officer):
    response = administrator_client.post(reverse("users"), {"email": officer.email, "role": Role.OFFICER})
    summary = assert_error_summary(response.content.decode(), links=["id_email", "id_municipality"])
    assert "Er bestaat al een account met dit e-mailadres." in summary
    assert "Een aanvrager hoort bij een gemeente; kies de gemeente." in summary


def test_a_failed_password_on_accepting_an_invitation_opens_on_the_summary(client, administrator):
    invitee = User.objects.create_user(email="nieuw@minvro.nl", role=Role.REVIEWER)
    invitee.set_unusable_password()
    invitee.save()
    uid = urlsafe_base64_encode(force_bytes(invitee.pk))
    url = reverse("accept_invitation", args=[uid, default_token_generator.make_token(invitee)])
    body = client.post(url, {"password1": "Lang-genoeg-wachtwoord-1", "password2": "iets anders"}).content.decode()
    summary = assert_error_summary(body, links=["id_password2"], invalid=["id_password2"])
    assert "De twee wachtwoorden zijn niet gelijk." in summary


def test_an_api_key_without_a_name_opens_on_the_summary(administrator_client, administrator):
    response = administrator_client.post(reverse("profile"), {"name": ""})
    assert_error_summary(response.content.decode(), links=["id_name"], invalid=["id_name"])
    assert not ApiToken.objects.filter(user=administrator).exists()


def test_a_failed_login_opens_on_the_summary(client, officer):
    response = client.post(reverse("account_login"), {"login": officer.email, "password": "fout"})
    body = response.content.decode()
    assert response.status_code == 200
    summary = assert_error_summary(body, links=["formulier-fouten"])
    assert "Er is 1 fout" in summary
    assert_no_error_summary(client.get(reverse("account_login")).content.decode())


def test_bad_audit_log_filters_open_on_the_summary(administrator_client):
    url = reverse("audit_trail")
    assert_no_error_summary(administrator_client.get(url).content.decode())
    body = administrator_client.get(url, {"van": "2026-02-01", "tot": "2026-01-01"}).content.decode()
    summary = assert_error_summary(body, links=["id_tot"], invalid=["id_tot"])
    assert "Tot en met: De einddatum ligt voor de begindatum." in summary
    assert "Er is 1 fout." in summary and "opgeslagen" not in summary  # a filter saves nothing
