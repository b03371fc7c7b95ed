"""Failed logins are rate limited per account, through the shared cache."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(client, officer):
    for _attempt in range(5):
        response = client.post(reverse("account_login"), {"login": officer.email, "password": "fout-wachtwoord"})
        assert response.status_code == 200
        assert "niet correct" in response.content.decode()
    blocked = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD})
    assert blocked.status_code in (200, 429)
    assert "Te veel inlogpogingen" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_affected(client, officer, other_officer):
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": officer.email, "password": "fout-wachtwoord"})
    response = client.post(reverse("account_login"), {"login": other_officer.email, "password": PASSWORD})
    assert response.status_code == 302
