"""The letter batch of a final run: prepared with the day it will be sent, made again before sending when
needed, and sent on that day. Its lifecycle is the table in ``transitions.BATCH_WORKFLOW``.

The send date is the date every letter prints and the day the objection term counts from (Awb 6:8), so the
batch can only be marked as sent on that day, with every letter made with that date. Once sent, nothing here
makes a letter again: a sent letter never changes.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.letters import deadlines, selectors, services
from allocations.letters.models import BatchStatus, JobStatus, Letter, LetterBatch
from allocations.letters.permissions import can_manage_letters
from allocations.letters.transitions import ALREADY_SENT, BATCH_WORKFLOW, NOT_PREPARED
from allocations.payments import services as payments
from allocations.runs.models import AllocationRun, Decision
from applications.workflow import move_each


def batch_of(run: AllocationRun) -> LetterBatch:
    """The run's batch; an unsaved one in ``BatchStatus.NEW`` when the letters were never prepared."""
    return LetterBatch.objects.filter(run=run).first() or LetterBatch(run=run, status=BatchStatus.NEW)


def _check(action: str, by: User, batch: LetterBatch) -> None:
    """The batch's lifecycle table decides; the refusal says what to do (prepare first) or why not (sent)."""
    message = str(NOT_PREPARED)
    if batch.status == BatchStatus.SENT:
        message = _("De brieven van %(date)s zijn verzonden.") % {"date": long_date(batch.send_on)}
        message += " " + str(ALREADY_SENT)
    BATCH_WORKFLOW.check(action, by, batch, state_message=message)


def long_date(day: datetime.date) -> str:
    """A date in words in the active language ("15 december 2026"), for messages."""
    return formats.date_format(day, "j F Y")


def check_send_on(send_on: datetime.date | None, *, now: datetime.datetime | None = None) -> None:
    """A send date is a working day (no weekend, no holiday of the Algemene termijnenwet) from today on."""
    if send_on is None:
        raise ValidationError({"send_on": [_("Vul de datum in waarop de brieven worden verzonden.")]})
    today = deadlines.local_today(now)
    if send_on < today:
        raise ValidationError(
            {"send_on": [_("%(date)s is voorbij. Kies vandaag of een latere werkdag.") % {"date": long_date(send_on)}]}
        )
    if not deadlines.is_working_day(send_on):
        weekend = {5: _("een zaterdag"), 6: _("een zondag")}
        kind = weekend.get(send_on.weekday()) or _("een feestdag (Algemene termijnenwet)")
        raise ValidationError(
            {
                "send_on": [
                    _("%(date)s is %(kind)s. Kies een werkdag, bijvoorbeeld %(next)s.")
                    % {
                        "date": long_date(send_on),
                        "kind": kind,
                        "next": long_date(deadlines.next_working_day(send_on)),
                    }
                ]
            }
        )


def prepare_letters(
    *, run: AllocationRun, send_on: datetime.date, by: User, now: datetime.datetime | None = None
) -> LetterBatch:
    """Plan the sending of a final run's letters on ``send_on`` and make them, each dated that day.

    Another date than the planned one (before sending) makes the letters again: new versions with the new
    date, the unsent older versions superseded. The same date again makes nothing new. Refused (409) once
    the batch is sent, and while letters of another date are still being made.
    """
    require(can_manage_letters.test(by, run))
    now = now or timezone.now()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        if not run.is_final:
            raise TransitionNotAllowed(_("Alleen van een definitieve verdeling worden brieven gemaakt."))
        batch = batch_of(run)
        _check("prepare", by, batch)
        check_send_on(send_on, now=now)
        previous = batch.send_on if batch.pk else None
        if previous is not None and previous != send_on and selectors.batch_progress(run).open:
            raise TransitionNotAllowed(
                _("De brieven van %(date)s worden nog gemaakt. Wijzig de datum als ze klaar zijn.")
                % {"date": long_date(previous)}
            )
        if previous != send_on:
            batch.send_on, batch.status, batch.prepared_by, batch.prepared_at = send_on, BatchStatus.PREPARED, by, now
            batch.save()
        count = services.create_letter_jobs(run=run, letter_date=send_on, by=by)
        if previous != send_on or count:  # the same date again, with every letter made, records nothing
            audit.record(
                actor=by,
                verb="letters.prepared",
                target=run,
                data={
                    "send_on": send_on.isoformat(),
                    "previous": previous.isoformat() if previous else None,
                    "jobs": count,
                },
            )
    return batch


def retry_failed(*, run: AllocationRun, by: User) -> int:
    """Reopen the failed jobs of the prepared run, with its send date."""
    require(can_manage_letters.test(by, run))
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        batch = batch_of(run)
        _check("retry", by, batch)
        decisions = Decision.objects.filter(letter_jobs__run=run, letter_jobs__status=JobStatus.FAILED).distinct()
        count = services.create_letter_jobs(run=run, letter_date=batch.send_on, decisions=decisions, by=by)
        audit.record(actor=by, verb="letters.retried", target=run, data={"jobs": count})
    return count


def regenerate(*, run: AllocationRun, by: User) -> int:
    """Re-render every letter of the prepared run with the call's latest texts and its send date; changed
    letters get a new version. Refused (409) once the batch is sent: a sent letter never changes."""
    require(can_manage_letters.test(by, run))
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        batch = batch_of(run)
        _check("regenerate", by, batch)
        count = services.create_letter_jobs(run=run, letter_date=batch.send_on, correction=True, by=by)
        audit.record(actor=by, verb="letters.regenerated", target=run, data={"jobs": count})
    return count


def send_refusal(run: AllocationRun, batch: LetterBatch, *, now: datetime.datetime | None = None) -> str:
    """Why the batch cannot be marked as sent now ("" when it can): the page shows it beside the button's
    place, and ``mark_batch_sent`` refuses with it. Every letter must be made with the batch's date, and
    that date must be today, since the letter says it was sent on that day."""
    if batch.status == BatchStatus.NEW:
        return str(NOT_PREPARED)
    if batch.status == BatchStatus.SENT:
        return _("Alle beschikkingen van deze verdeling zijn verzonden.")
    progress = selectors.batch_progress(run)
    made = selectors.current_letters(run=run).filter(letter_date=batch.send_on).count()
    decisions = Decision.objects.filter(run=run).count()
    if progress.open or progress.failed or made != decisions:
        return _(
            "Nog niet alle brieven zijn gemaakt (%(made)d van %(total)d met de datum %(date)s); de batch kan nog "
            "niet worden verzonden."
        ) % {"made": made, "total": decisions, "date": long_date(batch.send_on)}
    today = deadlines.local_today(now)
    if batch.send_on > today:
        return _(
            "De brieven zijn gedateerd op %(date)s. Markeer de batch op die dag als verzonden, of wijzig eerst "
            "de datum."
        ) % {"date": long_date(batch.send_on)}
    if batch.send_on < today:
        return _(
            "De brieven zijn gedateerd op %(date)s, een dag die voorbij is. Wijzig eerst de datum: bereid de "
            "brieven opnieuw voor met de dag waarop u ze verzendt."
        ) % {"date": long_date(batch.send_on)}
    return ""


def mark_batch_sent(*, run: AllocationRun, by: User, now: datetime.datetime | None = None) -> int:
    """Mark the run's letters as sent, on the day they are dated: each current letter and its decision get
    the moment, the application moves to "Beschikking verzonden", the objection period starts, each award's
    payment schedule becomes its instalments, and the municipality's officers get an e-mail. A batch already
    sent changes nothing (a double click)."""
    require(can_manage_letters.test(by, run))
    now = now or timezone.now()
    with transaction.atomic():
        run = AllocationRun.objects.select_for_update().get(pk=run.pk)
        batch = batch_of(run)
        if batch.status == BatchStatus.SENT:
            return 0
        _check("send", by, batch)
        refusal = send_refusal(run, batch, now=now)
        if refusal:  # letters still being made or failed, or today is not the day they are dated
            progress = selectors.batch_progress(run)
            raise TransitionNotAllowed(
                refusal,
                details={"send_on": batch.send_on.isoformat(), "open": progress.open, "failed": progress.failed},
            )
        decisions = list(
            Decision.objects.select_for_update()
            .filter(run=run, sent_at__isnull=True)
            .select_related("application__municipality")
            .order_by("number")
        )
        move_each(
            [(decision.application, "send_letter", {"decision": decision.number}) for decision in decisions],
            by=by,
            now=now,
        )
        Decision.objects.filter(pk__in=[decision.pk for decision in decisions]).update(sent_at=now)
        for decision in decisions:
            decision.sent_at = now
            _notify_officers(decision)
        Letter.objects.filter(decision__run=run, superseded_at__isnull=True, sent_at__isnull=True).update(sent_at=now)
        # The payment schedule each award letter states becomes its instalments, in the same transaction.
        instalments = payments.schedule_instalments(decisions=decisions, by=by, now=now)
        batch.status, batch.sent_by, batch.sent_at = BatchStatus.SENT, by, now
        batch.save(update_fields=["status", "sent_by", "sent_at"])
        audit.record(
            actor=by,
            verb="letters.sent",
            target=run,
            data={"decisions": len(decisions), "send_on": batch.send_on.isoformat(), "instalments": instalments},
        )
    return len(decisions)


def _notify_officers(decision: Decision) -> None:
    """Queued in the same transaction (the mail backend stores it), delivered after commit."""
    recipients = list(
        User.objects.filter(
            role=Role.OFFICER, municipality_id=decision.application.municipality_id, is_active=True
        ).values_list("email", flat=True)
    )
    if not recipients:
        return
    with translation.override("nl"):
        context = {
            "decision": decision,
            "application": decision.application,
            "link": settings.SITE_URL + reverse("application_letters", args=[decision.application_id]),
        }
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + render_to_string("allocations/letters/email/sent_subject.txt", context).strip(),
            message=render_to_string("allocations/letters/email/sent_body.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
