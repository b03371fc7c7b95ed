"""Making, sending and downloading the letters of an objection case.

The step that calls for a letter (lodging or registering, a repair term, a postponement, the outcome or its
approval) writes the letter's row in its own transaction with ``queue_letter``; after commit a task renders it.
The row is a leased job (``allocations.jobs``): a worker claims it, renders the PDF dated by the day of sending,
and stores, marks sent and e-mails the objector's officers under the lease, so a redelivered or re-queued message
never makes or sends a letter twice, and the beat sweeper picks up what a dead worker left. A sent letter never
changes (``letter_models``).
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import require
from allocations import jobs
from allocations.letters.deadlines import local_today
from allocations.objections.letter_jobs import OBJECTION_LETTER_KIND
from allocations.objections.letter_models import LetterKind, ObjectionLetter
from allocations.objections.letters import letter_content, letter_pdf
from allocations.objections.models import ObjectionCase
from allocations.objections.permissions import can_view_objection_letter

logger = logging.getLogger(__name__)


def _enqueue(letter_ids: list[int]) -> None:
    from allocations.objections.tasks import send_objection_letter

    for letter_id in letter_ids:
        send_objection_letter.delay(letter_id)


def queue_letter(case: ObjectionCase, kind: str) -> ObjectionLetter:
    """A new letter of ``kind`` for ``case``, in the caller's transaction (which holds the case's lock), queued
    after commit: a rolled-back step queues nothing, and the sweeper re-queues a message that got lost."""
    last = ObjectionLetter.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"] or 0
    letter = ObjectionLetter.objects.create(case=case, kind=LetterKind(kind), version=last + 1)
    transaction.on_commit(lambda: _enqueue([letter.pk]), robust=True)
    return letter


def case_for_letter(case_id: int) -> ObjectionCase:
    """Everything a letter reads, in one query (the splits and the texts are read by the composer)."""
    return ObjectionCase.objects.select_related(
        "objector",
        "decision__application__call__scheme",
        "decision__line",
        "reconsideration__run",
        "extra_instalment",
    ).get(pk=case_id)


def send_job(letter_id: int, *, now: datetime.datetime | None = None) -> ObjectionLetter | None:
    """Claim, render, store and send one letter; safe to run any number of times for the same letter."""
    lease = jobs.claim(OBJECTION_LETTER_KIND, letter_id, now=now)
    if lease is None:
        return None
    letter = lease.job
    now = now or timezone.now()
    letter_date = local_today(now)
    try:
        content = letter_pdf(letter_content(case_for_letter(letter.case_id), letter.kind, letter_date=letter_date))
        return _store_and_send(lease, content, letter_date=letter_date, now=now)
    except Exception as exc:  # kept on the letter, shown on the case page, tried again up to the attempt limit
        logger.exception("Objection letter %s failed", letter_id)
        jobs.finish(lease, "retry", error=f"{type(exc).__name__}: {exc}")
        return None


def _store_and_send(
    lease: jobs.Lease, content: bytes, *, letter_date: datetime.date, now: datetime.datetime
) -> ObjectionLetter | None:
    """Under the lease: store the PDF, mark it sent (dated today), audit and e-mail the objector's officers."""
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        row = jobs.hold(lease)
        if row is None:  # another attempt took the letter over
            return None
        row.file.save(row.filename, ContentFile(content), save=False)
        try:
            fields = {"file": row.file, "sha256": digest, "size": len(content), "letter_date": letter_date}
            jobs.finish(lease, "done", job=row, now=now, fields={**fields, "sent_at": now})
        except Exception:
            row.file.storage.delete(row.file.name)
            raise
        audit.record(
            actor=None,
            verb="objection.letter_sent",
            target=row.case,
            data={"letter": row.pk, "kind": row.kind, "version": row.version, "sha256": digest},
        )
        _notify_officers(row)
    return row


def _notify_officers(letter: ObjectionLetter) -> None:
    """Queued in the same transaction (the mail backend stores it), delivered after commit."""
    case = letter.case
    recipients = list(
        User.objects.filter(role=Role.OFFICER, municipality_id=case.objector_id, is_active=True).values_list(
            "email", flat=True
        )
    )
    if not recipients:
        return
    with translation.override("nl"):
        context = {
            "case": case,
            "letter": letter,
            "kind": LetterKind(letter.kind).label,
            "link": settings.SITE_URL + reverse("objection_detail", args=[case.pk]),
        }
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + render_to_string("allocations/objections/email/letter_subject.txt", context).strip(),
            message=render_to_string("allocations/objections/email/letter_body.txt", context),
            from_email=None,
            recipient_list=recipients,
        )


def sweep_letters(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Re-queue letters whose message got lost and those whose worker died (``jobs.stale``); those out of attempts
    fail, with the reason."""
    ids = jobs.stale(OBJECTION_LETTER_KIND, now=now, limit=limit)
    _enqueue(ids)
    return len(ids)


def open_letter(*, letter: ObjectionLetter, by: User, via: str = "page"):
    """The letter's file for download, after the permission check (404 for anyone else) and an audit."""
    require(can_view_objection_letter.test(by, letter) and bool(letter.file), not_found=True)
    audit.record(
        actor=by,
        verb="objection.letter_downloaded",
        target=letter.case,
        data={"letter": letter.pk, "kind": letter.kind, "version": letter.version, "sha256": letter.sha256, "via": via},
    )
    return letter.file.open("rb")
