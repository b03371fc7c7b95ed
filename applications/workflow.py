"""The one road for every status change of an application: lock the row, check the transition table,
write the new status and record the audit event. Nothing else assigns ``Application.status``.

``move`` takes one application; ``move_each`` takes the same road for many at once (an approval decides
every application of a call, a batch of letters is sent in one go) with a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from applications.models import Application
from applications.permissions import can_view_application, is_officer_of
from applications.transitions import WORKFLOW


def move(
    application: Application,
    action: str,
    *,
    by: User,
    now: datetime.datetime | None = None,
    data: dict[str, Any] | None = None,
    check: Callable[[Application], None] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    after_fields: Iterable[str] = (),
) -> Application:
    """Take ``action`` (a transition of ``WORKFLOW``) and return the application, locked and saved.

    Refreshes ``application`` in place from the locked row, so the caller's object stays current. A row
    the caller may not see is a 404, a rule that says no a PermissionDenied (403), a state that forbids
    the step ``TransitionNotAllowed`` (409). ``check`` runs on the locked row once the table allows the
    step and before anything is written: the step's own validation and the fields it stamps.
    ``before``/``after`` add to the audited status change; ``after_fields`` are read from the saved row.
    Runs inside the caller's transaction, or opens one.
    """
    if transaction.get_connection().in_atomic_block:
        return _move(application, action, by, now, data, check, before, after, after_fields)
    with transaction.atomic():
        return _move(application, action, by, now, data, check, before, after, after_fields)


def _move(application, action, by, now, data, check, before, after, after_fields) -> Application:
    now = now or timezone.now()
    try:
        application.refresh_from_db(
            from_queryset=Application.objects.select_for_update().select_related(
                "call", "call__scheme", "municipality", "updated_by"
            )
        )
    except Application.DoesNotExist:
        require(False, not_found=True)
    require(can_view_application(by, application), not_found=True)
    transition = WORKFLOW.check(action, by, application)
    if check is not None:
        check(application)
    previous = application.status
    application.status = transition.target
    if is_officer_of(by, application):
        # "Laatst bewerkt door" credits the municipality's own work only; ministry actions are in the history.
        application.updated_by = by
        application.updated_at = now
    application.save()
    audit.record(
        actor=by,
        verb=transition.verb,
        target=application,
        before={"status": previous, **(before or {})},
        after={
            "status": application.status,
            **{field: getattr(application, field) for field in after_fields},
            **(after or {}),
        },
        data=data,
    )
    return application


def move_each(
    moves: Sequence[tuple[Application, str, dict[str, Any] | None]],
    *,
    by: User,
    now: datetime.datetime | None = None,
) -> list[Application]:
    """Take each ``(application, action, data)`` step as ``move`` does, all or none, in a fixed number of
    queries: the rows are locked and read in one query, every step is checked against the table before any
    is written, the statuses are written in one statement per new status and the audit events in one. Returns the
    applications, refreshed from their locked rows, in the order given."""
    if not moves:
        return []
    now = now or timezone.now()
    with transaction.atomic():
        ids = [application.pk for application, _, _ in moves]
        locked = {
            application.pk: application
            for application in Application.objects.select_for_update()
            .select_related("call", "call__scheme", "municipality", "updated_by")
            .filter(pk__in=ids)
        }
        events = []
        changed = []
        groups: dict[tuple[str, bool], list[int]] = defaultdict(list)
        for application, action, data in moves:
            row = locked.get(application.pk)
            if row is None:
                raise Http404  # gone, as ``move`` answers for a row it cannot lock
            require(can_view_application(by, row), not_found=True)
            transition = WORKFLOW.check(action, by, row)
            previous = row.status
            row.status = transition.target
            credited = is_officer_of(by, row)
            if credited:
                row.updated_by = by
                row.updated_at = now
            groups[(row.status, credited)].append(row.pk)
            changed.append(row)
            events.append(
                audit.event_for(
                    actor=by,
                    verb=transition.verb,
                    target=row,
                    before={"status": previous},
                    after={"status": row.status},
                    data=data,
                )
            )
        # One UPDATE per new status (an approval has three outcomes): cheaper than one CASE per row.
        for (status, credited), pks in groups.items():
            fields: dict[str, Any] = {"status": status}
            if credited:
                fields.update(updated_by=by, updated_at=now)
            Application.objects.filter(pk__in=pks).update(**fields)
        audit.record_all(events)
    for application, _, _ in moves:
        row = locked[application.pk]
        application.status, application.updated_by, application.updated_at = row.status, row.updated_by, row.updated_at
    return changed
