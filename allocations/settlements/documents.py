"""The settlement letters, stored: made from the approved settlement, dated by the day of sending, and frozen
once sent, in the way of the award letters (``allocations.letters.services.store_letter``).

``make_letter`` stores a version dated a given day unless the current one already carries it; an unsent
version that must carry another date is superseded by a new one. ``send_letter`` sends the current version
today (making it again first when it carries another date), records the moment and who sent it, dates the
reclaim six weeks from the letter, and e-mails the municipality's officers. A sent version never changes: a
change is a correction of the settlement, with its own letter.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.letters.deadlines import local_today
from allocations.settlements import letters, rules
from allocations.settlements.models import DocumentFrozen, Settlement, SettlementDocument, SettlementStatus
from allocations.settlements.permissions import (
    can_make_settlement_letter,
    can_send_settlement_letter,
    can_view_settlement_document,
)


def current_document(settlement: Settlement) -> SettlementDocument | None:
    return SettlementDocument.objects.filter(settlement=settlement, superseded_at__isnull=True).first()


def sent_document(settlement: Settlement) -> SettlementDocument | None:
    return SettlementDocument.objects.filter(settlement=settlement, sent_at__isnull=False).first()


def _approved(settlement: Settlement) -> Settlement:
    """The settlement, locked, with what its letter reads; 409 unless it is approved."""
    settlement = (
        Settlement.objects.select_for_update(of=("self",))
        .select_related("decision__application__municipality", "decision__application__call__scheme", "corrects")
        .get(pk=settlement.pk)
    )
    if settlement.status != SettlementStatus.APPROVED:
        raise TransitionNotAllowed(_("Alleen een goedgekeurde vaststelling heeft een brief."))
    return settlement


def store_document(*, settlement: Settlement, letter_date: datetime.date, by: User | None) -> SettlementDocument:
    """Render and store the letter dated ``letter_date``, in the caller's transaction, which holds the
    settlement's lock. The current version is kept when it carries that date already or was sent."""
    current = current_document(settlement)
    if current is not None and (current.is_sent or current.letter_date == letter_date):
        return current
    content = letters.letter_pdf(letters.settlement_letter(settlement, letter_date=letter_date))
    digest = hashlib.sha256(content).hexdigest()
    version = (SettlementDocument.objects.filter(settlement=settlement).aggregate(v=Max("version"))["v"] or 0) + 1
    document = SettlementDocument(
        settlement=settlement, version=version, sha256=digest, size=len(content), letter_date=letter_date
    )
    document.file.save(f"{settlement.reference}-v{version}.pdf", ContentFile(content), save=False)
    now = timezone.now()
    try:
        if current is not None:
            SettlementDocument.objects.filter(pk=current.pk, sent_at__isnull=True).update(superseded_at=now)
        document.created_at = now
        document.save()
    except Exception:
        if document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    audit.record(
        actor=by,
        verb="settlement.letter_made",
        target=settlement,
        data={"version": version, "sha256": digest, "letter_date": letter_date.isoformat()},
    )
    return document


def make_letter(
    *, settlement: Settlement, by: User | None = None, now: datetime.datetime | None = None
) -> SettlementDocument:
    """The "make the letter" step (and what the approval queues): a version dated today, unless the current
    one already is, or was sent. ``by`` None is the system, after the approval."""
    if by is not None:
        require(can_make_settlement_letter(by))
    today = local_today(now)
    with transaction.atomic():
        settlement = _approved(settlement)
        return store_document(settlement=settlement, letter_date=today, by=by)


def send_letter(*, settlement: Settlement, by: User, now: datetime.datetime | None = None) -> SettlementDocument:
    """Send the settlement's letter today: the current version when it carries today's date, otherwise a new
    version dated today (the old one superseded); then it is frozen. The reclaim is due six weeks after the
    letter. Refused (409) once it was sent: a sent letter never changes."""
    require(can_send_settlement_letter(by))
    now = now or timezone.now()
    today = local_today(now)
    with transaction.atomic():
        settlement = _approved(settlement)
        if sent_document(settlement) is not None:
            raise DocumentFrozen
        document = store_document(settlement=settlement, letter_date=today, by=by)
        SettlementDocument.objects.filter(pk=document.pk, sent_at__isnull=True).update(sent_at=now, sent_by=by)
        document.sent_at, document.sent_by = now, by
        due = rules.reclaim_due(today) if settlement.reclaim_to_pay else None
        Settlement.objects.filter(pk=settlement.pk).update(reclaim_due_on=due)
        audit.record(
            actor=by,
            verb="settlement.letter_sent",
            target=settlement,
            data={
                "version": document.version,
                "sha256": document.sha256,
                "letter_date": today.isoformat(),
                "reclaim_due_on": due.isoformat() if due else None,
            },
        )
        _notify_officers(settlement)
    return document


def open_document(*, document: SettlementDocument, by: User, via: str = "page"):
    """The stored letter for download, after the permission check (404 for anyone else) and an audit."""
    require(can_view_settlement_document.test(by, document), not_found=True)
    audit.record(
        actor=by,
        verb="settlement.letter_downloaded",
        target=document.settlement,
        data={"document": document.pk, "version": document.version, "sha256": document.sha256, "via": via},
    )
    return document.file.open("rb")


def officers_of(settlement: Settlement) -> list[str]:
    return list(
        User.objects.filter(
            role=Role.OFFICER,
            municipality_id=settlement.decision.application.municipality_id,
            is_active=True,
        ).values_list("email", flat=True)
    )


def _notify_officers(settlement: Settlement) -> None:
    """Queued in the same transaction (the mail backend stores it), like the award letters' e-mail."""
    recipients = officers_of(settlement)
    if not recipients:
        return
    with translation.override("nl"):
        context = {
            "settlement": settlement,
            "decision": settlement.decision,
            "link": settings.SITE_URL + reverse("application_letters", args=[settlement.decision.application_id]),
        }
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + render_to_string("allocations/settlements/email/sent_subject.txt", context).strip(),
            message=render_to_string("allocations/settlements/email/sent_body.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
