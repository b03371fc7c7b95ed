"""Organisation boundaries: an officer never reaches another municipality's pages or data."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_officer_sees_own_municipality_page(officer_client, municipality):
    response = officer_client.get(reverse("municipality_detail", args=[municipality.cbs_code]))
    assert response.status_code == 200
    assert "Gemeente Nieuwegein" in response.content.decode()


def test_officer_gets_404_for_another_municipality_page(officer_client, other_municipality):
    response = officer_client.get(reverse("municipality_detail", args=[other_municipality.cbs_code]))
    assert response.status_code == 404


def test_officer_gets_404_for_another_municipality_in_the_api(officer_client, other_municipality, municipality):
    assert officer_client.get(f"/api/v1/municipalities/{other_municipality.cbs_code}/").status_code == 404
    listing = officer_client.get("/api/v1/municipalities/").json()
    assert listing["count"] == 1
    assert [m["cbs_code"] for m in listing["results"]] == [municipality.cbs_code]


@pytest.mark.parametrize("fixture", ["reviewer_client", "administrator_client"])
def test_ministry_sees_every_municipality(request, fixture, municipality, other_municipality):
    client = request.getfixturevalue(fixture)
    assert client.get(reverse("municipality_detail", args=[other_municipality.cbs_code])).status_code == 200
    assert client.get("/api/v1/municipalities/").json()["count"] == 2


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client, municipality):
    page = client.get(reverse("municipality_detail", args=[municipality.cbs_code]))
    assert page.status_code == 302
    assert page.headers["Location"].startswith(reverse("account_login"))
    api = client.get("/api/v1/municipalities/")
    assert api.status_code in (401, 403)


@pytest.mark.parametrize("url_name", ["users", "audit_trail"])
def test_administration_pages_are_403_for_other_roles(client, url_name, officer, reviewer, administrator):
    for user in (officer, reviewer):
        client.force_login(user)
        assert client.get(reverse(url_name)).status_code == 403
    client.force_login(administrator)
    assert client.get(reverse(url_name)).status_code == 200


def test_officer_cannot_revoke_someone_elses_token(officer_client, other_officer):
    from accounts.services import issue_api_token

    token, _key = issue_api_token(user=other_officer, name="koppeling")
    response = officer_client.post(reverse("revoke_token", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
