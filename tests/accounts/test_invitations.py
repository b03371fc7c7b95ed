"""No open sign-up: administrators invite, and the invitee sets a password through a one-time link."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from post_office.models import Email

from accounts.models import AuditEvent, Role, User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nieuw-sterk-wachtwoord-2026"


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "gesloten" in response.content.decode().lower()
    client.post(
        reverse("account_signup"),
        {"email": "x@example.nl", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(email="x@example.nl").exists()


def test_administrator_invites_an_officer_who_activates_and_logs_in(
    administrator_client, client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post(
            reverse("users"),
            {
                "email": "Nieuw@Nieuwegein.nl",
                "full_name": "Nieuwe Collega",
                "role": Role.OFFICER,
                "municipality": municipality.pk,
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nieuw@nieuwegein.nl")
    assert (user.role, user.municipality, user.has_usable_password()) == (Role.OFFICER, municipality, False)
    assert AuditEvent.objects.filter(verb="user.invited", target_id=str(user.pk)).exists()

    # The e-mail is queued in the database and sent by the task after commit.
    queued = Email.objects.get(to="nieuw@nieuwegein.nl")
    assert queued.subject.endswith("Uitnodiging voor het NPLV-portaal")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/uitnodiging/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]

    page = client.get(path)
    assert page.status_code == 200
    assert "Welkom bij het NPLV-portaal" in page.content.decode()
    too_short = client.post(path, {"password1": "kort", "password2": "kort"})
    assert too_short.status_code == 200
    assert "Dit wachtwoord is te kort" in too_short.content.decode()
    done = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert client.get(path).status_code == 400
    login = client.post(reverse("account_login"), {"login": "nieuw@nieuwegein.nl", "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_invite_form_shows_field_errors_in_dutch(administrator_client, officer):
    response = administrator_client.post(reverse("users"), {"email": officer.email, "role": Role.OFFICER})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Er bestaat al een account met dit e-mailadres." in body
    assert "Een aanvrager hoort bij een gemeente; kies de gemeente." in body
    assert User.objects.count() == 2  # officer and administrator, nothing added


def test_invite_user_command_prints_the_link_and_creates_active_accounts_with_password(municipality):
    out = io.StringIO()
    call_command("invite_user", "--email", "a@b.nl", "--role", "officer", "--municipality", "gm0356", stdout=out)
    assert "/uitnodiging/" in out.getvalue()
    assert not User.objects.get(email="a@b.nl").has_usable_password()

    out = io.StringIO()
    call_command("invite_user", "--email", "r@minvro.nl", "--role", "reviewer", "--password", NEW_PASSWORD, stdout=out)
    reviewer = User.objects.get(email="r@minvro.nl")
    assert reviewer.check_password(NEW_PASSWORD)
    assert "actief" in out.getvalue()


def test_invite_user_command_explains_bad_input(municipality):
    with pytest.raises(CommandError, match="Gemeente GM9999 bestaat niet"):
        call_command("invite_user", "--email", "a@b.nl", "--role", "officer", "--municipality", "GM9999")
    with pytest.raises(CommandError, match="Een aanvrager hoort bij een gemeente"):
        call_command("invite_user", "--email", "a@b.nl", "--role", "officer")
    assert not User.objects.filter(email="a@b.nl").exists()
