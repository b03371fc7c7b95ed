"""Publishing a call's rules: a new version each time a change before opening alters the document."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import User
from applications.models import Call, RulesVersion
from applications.published_rules import document
from applications.published_rules.freeze import is_frozen


def record_version(*, call: Call, by: User | None, now: datetime.datetime | None = None) -> RulesVersion | None:
    """Publish the call's rules as they are now, as a new version when they differ from the latest one.

    Only before the window opens: after that the rules cannot change through the portal, and a document
    that differs then was written past its services; it is never published (``verify`` reports it). Returns
    the version now in force, or None when there is none."""
    now = now or timezone.now()
    with transaction.atomic():
        Call.objects.select_for_update().filter(pk=call.pk).first()  # one number per version, also at once
        latest = RulesVersion.objects.filter(call=call).order_by("-number").first()
        if is_frozen(call, now):
            return latest
        content = document.canonical(document.build(call))
        digest = document.sha256_of(content)
        if latest is not None and latest.sha256 == digest:
            return latest
        number = (RulesVersion.objects.filter(call=call).aggregate(n=Max("number"))["n"] or 0) + 1
        version = RulesVersion.objects.create(
            call=call,
            number=number,
            sha256=digest,
            document=content.decode(),
            published_at=now,
            published_by=by if by is not None and by.is_authenticated else None,
        )
        audit.record(
            actor=by,
            verb="call_rules.published",
            target=call,
            data={"version": number, "sha256": digest},
        )
    return version
