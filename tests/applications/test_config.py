"""Schemes and calls are saved and deleted by applications.config, for the API and the admin alike: the
admin's changes carry the same audit events as the API's."""

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from applications import config
from applications.models import Scheme
from tests.factories import CallFactory, SchemeFactory

pytestmark = pytest.mark.django_db


def scheme_form(scheme, **changes) -> dict:
    data = {
        "code": scheme.code,
        "name": scheme.name,
        "kind": scheme.kind,
        "description": scheme.description,
        "legal_basis": scheme.legal_basis,
        "themes-TOTAL_FORMS": "0",
        "themes-INITIAL_FORMS": "0",
        "themes-MIN_NUM_FORMS": "0",
        "themes-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_an_admin_change_of_a_scheme_goes_through_the_service(administrator_client):
    scheme = SchemeFactory(name="Oude naam")

    response = administrator_client.post(
        f"/admin/applications/scheme/{scheme.pk}/change/", scheme_form(scheme, name="Nieuwe naam")
    )

    assert response.status_code == 302, response.content[:500]
    scheme.refresh_from_db()
    assert scheme.name == "Nieuwe naam"
    event = AuditEvent.objects.get(verb="scheme.updated")
    assert (event.data["before"], event.data["after"]) == ({"name": "Oude naam"}, {"name": "Nieuwe naam"})
    assert not AuditEvent.objects.filter(verb__startswith="admin.scheme").exists()


def test_an_admin_deletion_of_a_scheme_goes_through_the_service(administrator_client):
    scheme = SchemeFactory()

    response = administrator_client.post(f"/admin/applications/scheme/{scheme.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Scheme.objects.filter(pk=scheme.pk).exists()
    assert AuditEvent.objects.get(verb="scheme.deleted").data["code"] == scheme.code


def test_a_scheme_in_use_is_not_deleted(administrator):
    call = CallFactory()

    with pytest.raises(TransitionNotAllowed):
        config.delete_scheme(scheme=call.scheme, by=administrator)

    assert Scheme.objects.filter(pk=call.scheme_id).exists()
    assert not AuditEvent.objects.filter(verb="scheme.deleted").exists()


def test_only_administrators_configure_schemes_and_calls(officer, reviewer):
    scheme = SchemeFactory(name="Blijft")
    call = CallFactory()
    for user in (officer, reviewer):
        with pytest.raises(PermissionDenied):
            config.save_scheme(scheme=scheme, values={"name": "Anders"}, by=user)
        with pytest.raises(PermissionDenied):
            config.save_call(call=call, values={"title": "Anders"}, by=user)
        with pytest.raises(PermissionDenied):
            config.delete_call(call=call, by=user)
    scheme.refresh_from_db()
    assert scheme.name == "Blijft"
    assert not AuditEvent.objects.exists()
