"""The audit trail is append-only: neither code, the admin, nor (on PostgreSQL) the database may edit it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts import audit
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(administrator, officer):
    return audit.record(actor=administrator, verb="user.invited", target=officer, before={"a": 1}, after={"a": 2})


def test_record_keeps_who_what_when_and_before_after(event, administrator, officer):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == administrator
    assert stored.actor_label == administrator.email
    assert stored.verb == "user.invited"
    assert stored.target_id == str(officer.pk)
    assert stored.data == {"before": {"a": 1}, "after": {"a": 2}}
    assert list(AuditEvent.objects.for_target(officer)) == [stored]


def test_model_refuses_save_of_existing_event_and_delete(event):
    event.verb = "something.else"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).verb == "user.invited"


def test_queryset_refuses_bulk_update_and_delete(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(verb="user.invited").count() == 1


def test_admin_offers_no_add_change_or_delete(administrator_client, event):
    changelist = administrator_client.get(reverse("admin:accounts_auditevent_changelist"))
    assert changelist.status_code == 200
    detail = administrator_client.get(reverse("admin:accounts_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    post = administrator_client.post(reverse("admin:accounts_auditevent_change", args=[event.pk]), {"verb": "x"})
    assert post.status_code == 403
    delete = administrator_client.post(reverse("admin:accounts_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert administrator_client.get(reverse("admin:accounts_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).verb == "user.invited"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_trigger_refuses_raw_update_and_delete(event):
    for sql in ("UPDATE accounts_auditevent SET verb = 'x'", "DELETE FROM accounts_auditevent"):
        with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
        assert "append-only" in str(excinfo.value)
    assert AuditEvent.objects.get(pk=event.pk).verb == "user.invited"


def test_audit_trail_page_is_for_administrators_only(client, administrator_client, officer, reviewer, event):
    page = administrator_client.get(reverse("audit_trail"))
    assert page.status_code == 200
    assert "user.invited" in page.content.decode()
    for user in (officer, reviewer):
        client.force_login(user)
        assert client.get(reverse("audit_trail")).status_code == 403
