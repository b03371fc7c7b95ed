"""The one way to write to the audit trail. Services call ``record`` for every state change."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from accounts.models import AuditEvent, User


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any]:
    """Round-trip through Django's encoder so Decimals, dates and UUIDs are stored as strings, never floats."""
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``before``/``after`` hold the changed fields, so a reader sees what changed."""
    event = event_for(actor=actor, verb=verb, target=target, data=data, before=before, after=after)
    event.save()
    return event


def record_all(events: list[AuditEvent]) -> list[AuditEvent]:
    """Append many events (made by ``event_for``) in one statement: a step taken on hundreds of objects at
    once, such as an approval that decides every application of a call, records one event for each."""
    return AuditEvent.objects.bulk_create(events)


def event_for(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event ``record`` appends, not yet saved."""
    payload = dict(data or {})
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    return AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.email if actor is not None and actor.is_authenticated else "systeem"),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=_jsonable(payload),
    )
