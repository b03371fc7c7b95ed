"""The lifecycle's one road: every status change of an application goes through ``move``.

A minimal version with the signature agreed in CONTRACT.md, for the decision actions; the full lifecycle
replaces it at merge.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts import audit
from applications.models import Application
from applications.transitions import WORKFLOW

VERBS = {
    "award": "application.awarded",
    "partially_award": "application.partially_awarded",
    "reject": "application.rejected",
    "send_letter": "application.letter_sent",
}


def move(
    application: Application,
    action: str,
    *,
    by,
    now: datetime.datetime | None = None,
    data: dict[str, Any] | None = None,
) -> Application:
    """Lock the row, check the transition table, set the status, save and audit; returns the saved row."""
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        transition = WORKFLOW.check(action, by, application)
        before = application.status
        application.status = transition.target
        application.updated_at = now
        application.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=by,
            verb=VERBS.get(action, f"application.{action}"),
            target=application,
            data=dict(data or {}),
            before={"status": before},
            after={"status": application.status},
        )
    return application
