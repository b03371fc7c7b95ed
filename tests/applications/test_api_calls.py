"""Schemes and calls through the API: everyone logged in reads, administrators configure (with the model's
rules as 400s and an audit event), and a call with applications cannot be deleted."""

import pytest

from accounts.models import AuditEvent
from applications.models import Call, RequiredAttachment, Scheme, Theme
from tests.factories import (
    ApplicationFactory,
    BudgetLineFactory,
    CallFactory,
    NetworkFactory,
    RequiredAttachmentFactory,
    SchemeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_api(api_client, administrator):
    api_client.force_authenticate(administrator)
    return api_client


@pytest.fixture
def scheme():
    scheme = SchemeFactory(name="SPUK Kansrijke Wijk 2026-2028")
    ThemeFactory(scheme=scheme, name="School en omgeving", order=1)
    return scheme


def _call_body(scheme, **overrides):
    return {
        "scheme": scheme.pk,
        "code": "lbf-2027",
        "title": "Leefbaarheidsfonds 2027",
        "opens_at": "2027-01-05T09:00:00+01:00",
        "closes_at": "2027-03-01T17:00:00+01:00",
        "budget": "20000000.00",
        "year_from": 2027,
        "year_to": 2029,
        "eligible_networks": ["M50", "NEW_TOWN"],
        "multiple_per_municipality": False,
        "min_cofinancing_pct": "25.00",
        "max_per_application": "750000.00",
        "attachment_formats": "pdf_office",
        "max_attachment_mb": 20,
        "required_attachments": [{"name": "Plan van aanpak"}, {"name": "Begroting", "description": "In Excel"}],
        **overrides,
    }


def test_everyone_logged_in_reads_schemes_with_their_themes(api_client, officer, scheme):
    api_client.force_authenticate(officer)
    response = api_client.get("/api/v1/schemes/")
    assert response.status_code == 200
    [listed] = response.json()["results"]
    assert listed["name"] == "SPUK Kansrijke Wijk 2026-2028"
    assert [t["name"] for t in listed["themes"]] == ["School en omgeving"]
    assert listed["kind_display"] == "Specifieke uitkering (SPUK)"


def test_administrators_create_and_update_schemes_with_themes(admin_api, administrator):
    created = admin_api.post(
        "/api/v1/schemes/",
        {
            "code": "spuk-2026",
            "name": "SPUK 2026-2028",
            "legal_basis": "Regeling SPUK, artikel 3",
            "themes": [{"name": "Ontwikkeling jonge kind"}, {"name": "Financiële educatie"}],
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [(t["name"], t["order"]) for t in body["themes"]] == [
        ("Ontwikkeling jonge kind", 0),
        ("Financiële educatie", 1),
    ]
    kept = body["themes"][0]["id"]
    themes = [{"id": kept, "name": "Ontwikkeling van het jonge kind"}, {"name": "Programmaorganisatie"}]
    updated = admin_api.patch(f"/api/v1/schemes/{body['id']}/", {"themes": themes})
    assert updated.status_code == 200, updated.json()
    assert [t["name"] for t in updated.json()["themes"]] == [t["name"] for t in themes]
    assert updated.json()["themes"][0]["id"] == kept
    assert Theme.objects.filter(scheme_id=body["id"]).count() == 2
    verbs = AuditEvent.objects.filter(actor=administrator).values_list("verb", flat=True)
    assert sorted(verbs) == ["scheme.created", "scheme.updated"]


def test_a_theme_in_use_is_not_removed(admin_api):
    line = BudgetLineFactory()
    scheme = line.application.call.scheme
    response = admin_api.patch(f"/api/v1/schemes/{scheme.pk}/", {"themes": [{"name": "Iets anders"}]})
    assert response.status_code == 400
    assert "staat al in begrotingen" in response.json()["themes"][0]
    assert Theme.objects.filter(pk=line.theme_id).exists()
    assert not Theme.objects.filter(name="Iets anders").exists()


def test_administrators_configure_a_call(admin_api, administrator, scheme):
    NetworkFactory(code="M50")
    NetworkFactory(code="NEW_TOWN")
    response = admin_api.post("/api/v1/calls/", _call_body(scheme))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["eligible_networks"] == ["M50", "NEW_TOWN"]
    assert body["budget"] == "20000000.00"
    assert body["min_cofinancing_pct"] == "25.00"
    assert body["allowed_formats"] == ["pdf", "xlsx", "docx"]
    assert body["opens_at"] == "2027-01-05T09:00:00+01:00"
    assert [r["name"] for r in body["required_attachments"]] == ["Plan van aanpak", "Begroting"]
    assert [t["name"] for t in body["themes"]] == ["School en omgeving"]
    assert body["eligible"] is None
    assert AuditEvent.objects.filter(verb="call.created", actor=administrator).count() == 1

    plan = body["required_attachments"][0]["id"]
    updated = admin_api.patch(
        f"/api/v1/calls/{body['id']}/",
        {
            "title": "Leefbaarheidsfonds 2027 (eerste tranche)",
            "eligible_networks": [],
            "required_attachments": [{"id": plan, "name": "Plan van aanpak"}],
        },
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["title"] == "Leefbaarheidsfonds 2027 (eerste tranche)"
    assert updated.json()["eligible_networks"] == []
    assert [r["id"] for r in updated.json()["required_attachments"]] == [plan]
    assert AuditEvent.objects.filter(verb="call.updated").count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"closes_at": "2027-01-01T09:00:00+01:00"}, "closes_at", "De sluitingsdatum moet na de openingsdatum liggen."),
        ({"year_to": 2026}, "year_to", "Het laatste jaar mag niet voor het eerste jaar liggen."),
    ],
)
def test_call_writes_follow_the_model_rules(admin_api, scheme, overrides, field, message):
    NetworkFactory(code="M50")
    NetworkFactory(code="NEW_TOWN")
    response = admin_api.post("/api/v1/calls/", _call_body(scheme, **overrides))
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Call.objects.exists()


def test_call_field_errors(admin_api, scheme):
    response = admin_api.post(
        "/api/v1/calls/",
        _call_body(
            scheme,
            eligible_networks=["ONBEKEND"],
            budget="-1",
            max_attachment_mb=500,
            required_attachments=[{"name": "Plan"}, {"name": "plan"}],
        ),
    )
    assert response.status_code == 400
    assert set(response.json()) == {"eligible_networks", "budget", "max_attachment_mb", "required_attachments"}


def test_a_partial_update_is_checked_against_the_stored_call(admin_api):
    call = CallFactory()
    response = admin_api.patch(f"/api/v1/calls/{call.pk}/", {"closes_at": call.opens_at.isoformat()})
    assert response.status_code == 400
    assert list(response.json()) == ["closes_at"]


def test_a_requirement_in_use_is_not_removed(admin_api, officer):
    requirement = RequiredAttachmentFactory()
    application = ApplicationFactory(call=requirement.call)
    from applications.models import Attachment

    Attachment.objects.create(
        application=application,
        requirement=requirement,
        file="attachments/x",
        original_name="plan.pdf",
        file_format="pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=application.created_by,
    )
    response = admin_api.patch(f"/api/v1/calls/{requirement.call_id}/", {"required_attachments": []})
    assert response.status_code == 400
    assert list(response.json()) == ["required_attachments"]
    assert RequiredAttachment.objects.filter(pk=requirement.pk).exists()


def test_the_scheme_of_a_call_with_applications_stays(admin_api):
    application = ApplicationFactory()
    response = admin_api.patch(f"/api/v1/calls/{application.call_id}/", {"scheme": SchemeFactory().pk})
    assert response.status_code == 400
    assert list(response.json()) == ["scheme"]


def test_only_a_call_without_applications_can_be_deleted(admin_api, administrator):
    empty = CallFactory()
    used = ApplicationFactory().call
    assert admin_api.delete(f"/api/v1/calls/{empty.pk}/").status_code == 204
    assert not Call.objects.filter(pk=empty.pk).exists()
    assert AuditEvent.objects.filter(verb="call.deleted", actor=administrator).count() == 1
    response = admin_api.delete(f"/api/v1/calls/{used.pk}/")
    assert response.status_code == 409
    assert "heeft al aanvragen" in response.json()["detail"]
    assert Call.objects.filter(pk=used.pk).exists()


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_other_roles_cannot_configure(api_client, request, role, scheme):
    api_client.force_authenticate(request.getfixturevalue(role))
    call = CallFactory(scheme=scheme)
    for method, url, data in [
        ("post", "/api/v1/calls/", _call_body(scheme)),
        ("patch", f"/api/v1/calls/{call.pk}/", {"title": "Gekaapt"}),
        ("put", f"/api/v1/calls/{call.pk}/", _call_body(scheme)),
        ("delete", f"/api/v1/calls/{call.pk}/", None),
        ("post", "/api/v1/schemes/", {"code": "x", "name": "X", "legal_basis": "Y"}),
        ("patch", f"/api/v1/schemes/{scheme.pk}/", {"name": "Gekaapt"}),
    ]:
        response = getattr(api_client, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert response.json() == {"detail": "Uw rol heeft geen toegang tot dit onderdeel."}
    call.refresh_from_db()
    assert call.title != "Gekaapt"
    assert Scheme.objects.count() == 1


def test_schemes_cannot_be_deleted_through_the_api(admin_api, scheme):
    assert admin_api.delete(f"/api/v1/schemes/{scheme.pk}/").status_code == 405
