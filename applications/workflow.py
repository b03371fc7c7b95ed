"""The lifecycle's one road for the decision steps (CONTRACT.md): a minimal version until the full one lands.

``move`` locks the application, checks the transition table, sets the status and records the audit event
``application.<verb>``. Only the four decision actions are here; the full version replaces this module.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import audit
from applications.models import Application
from applications.transitions import DECISIONS

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
    data: dict | None = None,
) -> Application:
    """Take one step of the lifecycle; PermissionDenied or TransitionNotAllowed when it may not be taken."""
    now = now or timezone.now()
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        transition = DECISIONS.check(action, by, application)
        previous = application.status
        application.status = transition.target
        application.updated_at = now
        application.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=by,
            verb=VERBS[action],
            target=application,
            before={"status": previous},
            after={"status": application.status},
            data=data,
        )
    return application
