"""A week before an objection's decision term ends (Awb 7:10), its staff get one e-mail, so no term lapses
unseen. The staff of a case are the ministry people who took a step on it (its audit trail); a case nobody at
the ministry touched yet goes to every administrator."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import audit
from accounts.models import MINISTRY_ROLES, AuditEvent, Role, User
from accounts.sites import absolute_url
from allocations.objections.models import OPEN_STATUSES, ObjectionCase, TermReminder

REMIND_DAYS_BEFORE = 7


def staff_of(case: ObjectionCase) -> list[str]:
    """The e-mail addresses of the ministry people who took a step on ``case``, or of every administrator."""
    actors = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(ObjectionCase), target_id=str(case.pk), actor__isnull=False
    ).values_list("actor_id", flat=True)
    people = User.objects.filter(pk__in=actors, role__in=MINISTRY_ROLES, is_active=True)
    if not people.exists():
        people = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True)
    return sorted(people.values_list("email", flat=True))


def send_term_reminders(*, today: datetime.date) -> int:
    """Remind the staff of every open case whose decision term ends within a week (or has ended unseen);
    once per term end. Returns the number of cases reminded."""
    sent = 0
    cases = ObjectionCase.objects.filter(status__in=OPEN_STATUSES).select_related(
        "decision__application__municipality", "objector"
    )
    for case in cases:
        term_end = case.decision_term_end
        if term_end > today + datetime.timedelta(days=REMIND_DAYS_BEFORE):
            continue
        with transaction.atomic():
            _reminder, created = TermReminder.objects.get_or_create(case=case, term_end=term_end)
            if not created:
                continue
            recipients = staff_of(case)
            if recipients:
                _email(case, term_end, today, recipients)
            audit.record(
                actor=None,
                verb="objection.term_reminded",
                target=case,
                data={"term_end": term_end.isoformat(), "recipients": len(recipients)},
            )
        sent += 1
    return sent


def _email(case: ObjectionCase, term_end: datetime.date, today: datetime.date, recipients: list[str]) -> None:
    with translation.override("nl"):
        context = {
            "case": case,
            "term_end": term_end,
            "days_left": (term_end - today).days,
            "link": absolute_url(reverse("objection_detail", args=[case.pk])),
        }
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + render_to_string("allocations/objections/email/term_subject.txt", context).strip(),
            message=render_to_string("allocations/objections/email/term_body.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
