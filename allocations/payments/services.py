"""Every change to instalments: making them from a sent letter's schedule, ordering a pay date's payments,
recording a paid date, and cancelling. Keyword-only functions that check the permission, validate, write and
audit; the status changes go through ``transitions.INSTALMENTS``.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.money import cents, euros
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.letters.deadlines import local_today
from allocations.letters.models import Letter
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource, instalment_reference
from allocations.payments.permissions import can_manage_payments
from allocations.payments.schedule import payment_schedule
from allocations.payments.transitions import INSTALMENTS
from allocations.runs.models import Decision, Outcome


# --- Making the instalments of sent decisions ------------------------------------------------------------
def schedule_instalments(*, decisions, by: User | None = None, now: datetime.datetime | None = None) -> int:
    """Store the payment schedule of each sent award as its instalments, dated from its sent letter: the same
    schedule the letter prints (``schedule.payment_schedule``). Called by sending a batch, in its transaction.

    Idempotent: a decision that has instalments gets none again, so sending twice, or running this again for
    decisions sent before, makes nothing extra (the database's unique decision + sequence guards it too). A
    refusal, or a decision whose letter is not sent, gets none. Returns the number of instalments made."""
    now = now or timezone.now()
    ids = [decision.pk for decision in decisions]
    candidates = list(
        Decision.objects.filter(pk__in=ids, sent_at__isnull=False, amount__gt=0)
        .exclude(outcome=Outcome.REJECTED)
        .exclude(instalments__isnull=False)
        .prefetch_related("line__splits")
        .order_by("number")
    )
    letter_dates = dict(
        Letter.objects.filter(decision__in=candidates, sent_at__isnull=False, superseded_at__isnull=True).values_list(
            "decision_id", "letter_date"
        )
    )
    made: list[Instalment] = []
    events = []
    for decision in candidates:
        letter_date = letter_dates.get(decision.pk)
        if letter_date is None:
            continue  # no sent letter: nothing was promised yet
        planned = payment_schedule(
            ((split.year, cents(split.awarded)) for split in decision.line.splits.all()), letter_date
        )
        if sum(p.cents for p in planned) != cents(decision.amount):
            raise ValueError(f"the splits of decision {decision.number} do not add up to its award")
        rows = [
            Instalment(
                decision=decision,
                sequence=p.sequence,
                year=p.year,
                due_on=p.due_on,
                amount=euros(p.cents),
                reference=instalment_reference(decision.number, p.sequence),
                created_at=now,
            )
            for p in planned
        ]
        made.extend(rows)
        events.append(
            audit.event_for(
                actor=by,
                verb="payments.scheduled",
                target=decision,
                data={
                    "instalments": len(rows),
                    "total": f"{decision.amount:.2f}",
                    "letter_date": letter_date.isoformat(),
                    "due": [p.due_on.isoformat() for p in planned],
                },
            )
        )
    Instalment.objects.bulk_create(made)
    audit.record_all(events)
    return len(made)


# --- Ordering, paying, cancelling ----------------------------------------------------------------------------
def long_date(day: datetime.date) -> str:
    return formats.date_format(day, "j F Y")


def order_payments(*, pay_date: datetime.date, by: User, now: datetime.datetime | None = None) -> list[Instalment]:
    """Give the payment order for every instalment due on ``pay_date`` that has none yet: each moves to
    ``ordered`` (audited one by one), and the pay date's payment order file lists them. Refused (409) when
    nothing on that date is left to order."""
    require(can_manage_payments(by))
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Instalment.objects.select_for_update()
            .filter(due_on=pay_date, status=InstalmentStatus.DUE)
            .order_by("decision__number", "sequence")
        )
        if not due:
            raise TransitionNotAllowed(
                _("Op %(date)s staat geen termijn meer die nog een betaalopdracht nodig heeft.")
                % {"date": long_date(pay_date)}
            )
        for instalment in due:
            INSTALMENTS.move(
                instalment,
                "order",
                by=by,
                fields={"ordered_at": now, "ordered_by": by},
                data={"pay_date": pay_date.isoformat(), "amount": f"{instalment.amount:.2f}"},
                locked=True,
            )
    return due


def check_paid_on(instalment: Instalment, paid_on: datetime.date | None, *, now: datetime.datetime | None = None):
    """A paid date is a day between the sending of the letter and today (Netherlands time)."""
    if paid_on is None:
        raise ValidationError({"paid_on": [_("Vul de datum in waarop de termijn is betaald.")]})
    today = local_today(now)
    if paid_on > today:
        raise ValidationError(
            {"paid_on": [_("%(date)s ligt in de toekomst. Een betaling is al gedaan.") % {"date": long_date(paid_on)}]}
        )
    sent_on = local_today(instalment.decision.sent_at) if instalment.decision.sent_at else None
    if sent_on is not None and paid_on < sent_on:
        raise ValidationError(
            {
                "paid_on": [
                    _("%(date)s ligt vóór de verzending van de beschikking (%(sent)s).")
                    % {"date": long_date(paid_on), "sent": long_date(sent_on)}
                ]
            }
        )


def record_paid(
    *,
    instalment: Instalment,
    paid_on: datetime.date | None,
    by: User,
    source: str = PaidSource.PAGE,
    now: datetime.datetime | None = None,
) -> Instalment:
    """Record the day an ordered instalment was paid (409 for one not ordered, or already paid or cancelled)."""
    require(can_manage_payments(by))
    now = now or timezone.now()
    with transaction.atomic():
        instalment = Instalment.objects.select_for_update().select_related("decision").get(pk=instalment.pk)
        INSTALMENTS.workflow.check("pay", by, instalment)
        check_paid_on(instalment, paid_on, now=now)
        assert paid_on is not None  # check_paid_on refuses a missing date
        return INSTALMENTS.move(
            instalment,
            "pay",
            by=by,
            fields={"paid_on": paid_on, "paid_source": source, "paid_recorded_at": now, "paid_recorded_by": by},
            data={"paid_on": paid_on.isoformat(), "amount": f"{instalment.amount:.2f}", "source": source},
            locked=True,
        )


def cancel_instalment(
    *, instalment: Instalment, reason: str, by: User, now: datetime.datetime | None = None
) -> Instalment:
    """Let an unpaid instalment lapse, with the reason (a later decision that changes the award)."""
    require(can_manage_payments(by))
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        instalment = Instalment.objects.select_for_update().get(pk=instalment.pk)
        INSTALMENTS.workflow.check("cancel", by, instalment)
        if not reason:
            raise ValidationError({"reason": [_("Geef de reden waarom deze termijn vervalt.")]})
        if len(reason) > 500:
            raise ValidationError({"reason": [_("De reden is te lang (hoogstens 500 tekens).")]})
        return INSTALMENTS.move(
            instalment,
            "cancel",
            by=by,
            fields={"cancelled_at": now, "cancelled_by": by, "cancel_reason": reason},
            data={"reason": reason, "amount": f"{instalment.amount:.2f}"},
            locked=True,
        )


def add_instalment(
    *,
    decision: Decision,
    amount_cents: int,
    due_on: datetime.date,
    reason: str,
    by: User,
    now: datetime.datetime | None = None,
) -> Instalment:
    """One more instalment of a sent decision, after its schedule (a settlement's final payment): the next
    number, due on ``due_on``. Like every instalment, what it promises never changes once it is made. Called in
    the caller's transaction, which holds the decision's lock."""
    require(can_manage_payments(by))
    now = now or timezone.now()
    if amount_cents <= 0:
        raise ValueError("an instalment pays a positive amount")
    if decision.sent_at is None:
        raise TransitionNotAllowed(_("Een beschikking die niet is verzonden, krijgt geen termijn."))
    last = Instalment.objects.filter(decision=decision).order_by("-sequence").values_list("sequence", flat=True).first()
    sequence = (last or 0) + 1
    instalment = Instalment.objects.create(
        decision=decision,
        sequence=sequence,
        year=due_on.year,
        due_on=due_on,
        amount=euros(amount_cents),
        reference=instalment_reference(decision.number, sequence),
        created_at=now,
    )
    audit.record(
        actor=by,
        verb="instalment.added",
        target=instalment,
        data={"amount": f"{instalment.amount:.2f}", "due_on": due_on.isoformat(), "reason": reason},
    )
    return instalment
