"""The end of an objection case: its outcome, the re-run it rests on, and the second administrator's approval
of an outcome that changes money (four eyes). Keyword-only functions like ``services``: check, write, audit,
in one transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.money import cents
from accounts.workflow import SamePerson, TransitionNotAllowed
from allocations.letters.deadlines import local_today
from allocations.objections.letter_models import LetterKind
from allocations.objections.letter_services import queue_letter
from allocations.objections.models import MERITS, RULING_SUFFIX, CaseOutcome, CaseStatus, ObjectionCase
from allocations.objections.services import lock_case, required, staff_only
from allocations.objections.transitions import AWAITS_APPROVAL, CLOSED, NOT_PREPARED, REPAIR_RUNNING, amend, move
from allocations.payments import services as payments
from allocations.runs.models import Decision
from allocations.runs.reconsideration_models import Reconsideration

#: The extra payment of a founded decision on an objection falls due four weeks after its approval.
EXTRA_PAYMENT_AFTER = datetime.timedelta(weeks=4)


def decide(
    *, case: ObjectionCase, by: User, outcome: str, reason: str, now: datetime.datetime | None = None
) -> ObjectionCase:
    """The outcome of the case. On the merits only after a hearing or its waiver (7:2, 7:3), and only for an
    objection that came in time or whose lateness was excused (6:9, 6:11) and that has its grounds (6:5);
    otherwise it is inadmissible. A closed case takes no second outcome."""
    staff_only(by)
    now = now or timezone.now()
    if outcome not in CaseOutcome.values:
        raise ValidationError({"outcome": _("Kies de uitkomst.")})
    required("reason", _("Schrijf de motivering van de uitkomst."), reason)
    with transaction.atomic():
        case = lock_case(case, by)
        if case.status == CaseStatus.CLOSED:
            raise TransitionNotAllowed(CLOSED)
        if case.status == CaseStatus.REPAIR:
            raise TransitionNotAllowed(REPAIR_RUNNING)
        if case.awaits_approval:
            raise TransitionNotAllowed(AWAITS_APPROVAL)
        if outcome == CaseOutcome.WITHDRAWN:
            raise ValidationError({"outcome": _("Een ingetrokken bezwaar wordt vastgelegd met ‘Bezwaar intrekken’.")})
        if outcome in MERITS:
            if not case.is_timely:
                raise ValidationError(
                    {
                        "outcome": _(
                            "Dit bezwaar is te laat en de termijnoverschrijding is niet verschoonbaar verklaard: "
                            "het is niet-ontvankelijk (Awb 6:9, 6:11)."
                        )
                    }
                )
            if not case.grounds:
                raise ValidationError(
                    {"outcome": _("Dit bezwaar heeft geen gronden: het is niet-ontvankelijk (Awb 6:5, 6:6).")}
                )
            if case.status != CaseStatus.READY:
                raise TransitionNotAllowed(
                    _(
                        "Hoor eerst de indiener en de belanghebbenden, of leg vast op welke grond van artikel 7:3 Awb "
                        "dat niet nodig is."
                    )
                )
        if _changes_money(case, outcome):
            # Four eyes: prepared here, closed by another administrator's approval (``approve_decision``).
            fields = {
                "proposed_outcome": outcome,
                "proposed_reason": reason.strip(),
                "prepared_by_id": by.pk,
                "prepared_at": now,
            }
            assert case.reconsideration is not None  # _changes_money checked it
            data = {"outcome": outcome, "extra": f"{case.reconsideration.extra:.2f}"}
            return amend(case, "prepare_decision", by=by, fields=fields, data=data)
        fields = {
            "outcome": outcome,
            "outcome_reason": reason.strip(),
            "decided_by": by,
            "decided_at": now,
            "ruling_number": case.number + RULING_SUFFIX,
        }
        case = move(case, "decide", by=by, fields=fields, locked=True, data={"outcome": outcome})
        queue_letter(case, LetterKind.DECISION)
    return case


FOUNDED_OUTCOMES = (CaseOutcome.FOUNDED, CaseOutcome.PARTLY_FOUNDED)


def _changes_money(case: ObjectionCase, outcome: str) -> bool:
    """A (partly) founded outcome whose re-run awards more: it revokes the decision and pays the difference, so a
    second administrator approves it (four eyes on the decision on the objection)."""
    return outcome in FOUNDED_OUTCOMES and case.reconsideration is not None and case.reconsideration.extra > 0


def attach_reconsideration(*, case: ObjectionCase, reconsideration: Reconsideration, by: User) -> ObjectionCase:
    """Record the re-run as of the original decision (Awb 4:25 lid 3, 7:11) that the case decides on: a
    reconsideration of the decision's own run and application, on an open case whose outcome is not yet
    prepared. Another run or application, or a closed case, is a 409 and changes nothing."""
    staff_only(by)
    with transaction.atomic():
        case = lock_case(case, by)
        if case.status == CaseStatus.CLOSED:
            raise TransitionNotAllowed(CLOSED)
        if case.awaits_approval:
            raise TransitionNotAllowed(AWAITS_APPROVAL)
        decision = case.decision
        if reconsideration.run_id != decision.run_id or reconsideration.application_id != decision.application_id:
            raise TransitionNotAllowed(
                _(
                    "Deze heroverweging hoort niet bij beschikking %(number)s: ze gaat over een andere verdeling of "
                    "een andere aanvraag."
                )
                % {"number": decision.number}
            )
        data = {
            "reconsideration": reconsideration.pk,
            "sha256": reconsideration.sha256,
            "extra": f"{reconsideration.extra:.2f}",
        }
        return amend(
            case, "attach_reconsideration", by=by, fields={"reconsideration_id": reconsideration.pk}, data=data
        )


def approve_decision(*, case: ObjectionCase, by: User, now: datetime.datetime | None = None) -> ObjectionCase:
    """Four eyes: an administrator other than the one who prepared it approves the founded outcome, which closes
    the case. The decision is revoked and the new one taken (Awb 7:11): the extra award is scheduled as one more
    instalment of the decision, due four weeks after approval, so awarded + extra = paid + still due. Nothing
    else of the run, its decisions or letters changes (Awb 4:25 lid 3)."""
    staff_only(by)
    now = now or timezone.now()
    with transaction.atomic():
        case = lock_case(case, by)
        if case.status == CaseStatus.CLOSED:
            raise TransitionNotAllowed(CLOSED)
        if not case.awaits_approval:
            raise TransitionNotAllowed(NOT_PREPARED)
        if case.prepared_by_id == by.pk:
            raise SamePerson(
                _(
                    "U hebt deze beslissing op bezwaar zelf voorbereid. Een andere beheerder keurt haar goed "
                    "(vier-ogenprincipe)."
                )
            )
        record = case.reconsideration
        assert record is not None  # a prepared decision has its reconsideration (``decide``)
        if Reconsideration.objects.filter(replaces=record).exists():
            raise TransitionNotAllowed(
                _(
                    "De gekoppelde heroverweging is vervangen door een nieuwere. Koppel die en bereid de beslissing "
                    "opnieuw voor."
                )
            )
        decision = Decision.objects.select_for_update().get(pk=case.decision_id)
        instalment = payments.add_instalment(
            decision=decision,
            amount_cents=cents(record.extra),
            due_on=local_today(now) + EXTRA_PAYMENT_AFTER,
            reason=_("Extra toekenning na beslissing op bezwaar %(number)s (Awb 7:11).") % {"number": case.number},
            by=by,
            now=now,
        )
        fields = {
            "outcome": case.proposed_outcome,
            "outcome_reason": case.proposed_reason,
            "decided_by": by,
            "decided_at": now,
            "ruling_number": case.number + RULING_SUFFIX,
            "extra_instalment": instalment,
        }
        data = {"outcome": case.proposed_outcome, "prepared_by": case.prepared_by_id, "extra": f"{record.extra:.2f}"}
        case = move(case, "approve_decision", by=by, fields=fields, locked=True, data=data)
        queue_letter(case, LetterKind.DECISION)  # revokes the decision and takes the new one (Awb 7:11)
    return case
