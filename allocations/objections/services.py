"""Every change to an objection case: keyword-only functions that check the rule, validate, write and record
the audit event, in one transaction. Pages and the API only call these.

The municipality's officer lodges an objection in the portal against its own sent decision; an administrator
registers one that came by post or e-mail, and takes every step of the handling. Dates are Amsterdam days.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Municipality, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines, selectors
from allocations.objections.letter_models import LetterKind
from allocations.objections.letter_services import queue_letter
from allocations.objections.models import CaseOutcome, CaseStatus, Channel, ObjectionCase, WaiverGround
from allocations.objections.permissions import (
    can_handle_objections,
    can_lodge_objection,
    can_view_case,
    can_withdraw_objection,
)
from allocations.objections.transitions import amend, move
from allocations.runs.models import Decision


def _not_sent() -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _(
            "Tegen deze beschikking kan nog geen bezwaar worden gemaakt: ze is nog niet verzonden. De bezwaartermijn "
            "begint de dag na de verzending."
        )
    )


def _already_open(decision: Decision) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("Er loopt al een bezwaar van deze gemeente tegen beschikking %(number)s. Stuur aanvullingen naar die zaak.")
        % {"number": decision.number}
    )


def _long(day: datetime.date) -> str:
    """A day as a person reads it, in the request's language: 10 mei 2027."""
    return date_format(day, "j F Y")


def required(field: str, message: str, value) -> None:
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        raise ValidationError({field: message})


# --- lodging and registering ---------------------------------------------------------------------------------


def lodge_objection(
    *, decision: Decision, by: User, grounds: str, pro_forma: bool = False, now: datetime.datetime | None = None
) -> ObjectionCase:
    """The officer's objection in the portal against their municipality's sent decision, received today.

    Another municipality's decision is a 404; an unsent one a 409. A late objection is registered all the same,
    marked late: whether the lateness is excusable (6:11) is for the ministry to say."""
    require(can_lodge_objection.test(by, decision), not_found=True)
    now = now or timezone.now()
    return _open_case(
        decision=decision,
        by=by,
        objector=decision.application.municipality,
        channel=Channel.PORTAL,
        received_on=local_today(now),
        posted_on=None,
        grounds=grounds,
        pro_forma=pro_forma,
        advisory_committee=False,
        now=now,
        verb="objection.lodged",
    )


def register_objection(
    *,
    decision: Decision,
    by: User,
    objector: Municipality,
    channel: str,
    received_on: datetime.date,
    posted_on: datetime.date | None = None,
    grounds: str = "",
    pro_forma: bool = False,
    advisory_committee: bool = False,
    now: datetime.datetime | None = None,
) -> ObjectionCase:
    """An objection that reached the ministry by post or e-mail (or on paper at the desk), registered by an
    administrator with the day it was received and, for post, the postmark (6:9 lid 2)."""
    require(can_handle_objections.test(by, None))
    now = now or timezone.now()
    today = local_today(now)
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Kies hoe het bezwaar binnenkwam.")})
    required("received_on", _("Vul in op welke dag het bezwaar is ontvangen."), received_on)
    if received_on > today:
        raise ValidationError({"received_on": _("De ontvangstdatum kan niet in de toekomst liggen.")})
    if posted_on is not None:
        if channel != Channel.POST:
            raise ValidationError({"posted_on": _("Een poststempel hoort alleen bij een bezwaar per post.")})
        if posted_on > received_on:
            raise ValidationError({"posted_on": _("De poststempel kan niet na de ontvangstdatum liggen.")})
    return _open_case(
        decision=decision,
        by=by,
        objector=objector,
        channel=channel,
        received_on=received_on,
        posted_on=posted_on,
        grounds=grounds,
        pro_forma=pro_forma,
        advisory_committee=advisory_committee,
        now=now,
        verb="objection.registered",
    )


def _open_case(
    *,
    decision: Decision,
    by: User,
    objector: Municipality,
    channel: str,
    received_on: datetime.date,
    posted_on: datetime.date | None,
    grounds: str,
    pro_forma: bool,
    advisory_committee: bool,
    now: datetime.datetime,
    verb: str,
) -> ObjectionCase:
    grounds = (grounds or "").strip()
    if not grounds and not pro_forma:
        raise ValidationError(
            {
                "grounds": _(
                    "Schrijf waarom de gemeente het niet eens is met de beschikking, of kies ‘pro forma’ als de "
                    "gronden later volgen."
                )
            }
        )
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("application__municipality").get(pk=decision.pk)
        if decision.sent_at is None:
            raise _not_sent()
        sent_on = local_today(decision.sent_at)
        if received_on < sent_on or (posted_on is not None and posted_on < sent_on):
            field = "posted_on" if posted_on is not None and posted_on < sent_on else "received_on"
            raise ValidationError({field: _("Deze datum ligt vóór de verzending van de beschikking.")})
        if ObjectionCase.objects.open().filter(decision=decision, objector=objector).exists():
            raise _already_open(decision)
        timeliness = deadlines.timeliness(sent_on=sent_on, received_on=received_on, posted_on=posted_on)
        case = ObjectionCase(
            number=f"{decision.number}-B{decision.objections.count() + 1}",
            decision=decision,
            objector=objector,
            channel=channel,
            received_on=received_on,
            posted_on=posted_on,
            lodged_by=by,
            lodged_at=now,
            grounds=grounds,
            pro_forma=pro_forma,
            timely_computed=timeliness.timely,
            advisory_committee=advisory_committee,
        )
        case.full_clean(exclude=["decision", "objector", "lodged_by"])
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as exc:  # a double click that passed the check above at the same moment
            raise _already_open(decision) from exc
        audit.record(
            actor=by,
            verb=verb,
            target=case,
            data={
                "decision": decision.number,
                "channel": channel,
                "received_on": received_on,
                "posted_on": posted_on,
                "timely": timeliness.timely,
                "timeliness": timeliness.code,
                "last_day": timeliness.last_day,
                "pro_forma": pro_forma,
            },
        )
        queue_letter(case, LetterKind.ACKNOWLEDGEMENT)  # Awb 6:14: the receipt is confirmed in writing
    return case


# --- the handling --------------------------------------------------------------------------------------------


def staff_only(by: User) -> None:
    """Every step of the handling is an administrator's: another role gets a 403 before its input is read."""
    require(can_handle_objections.test(by, None))


def lock_case(case: ObjectionCase, by: User) -> ObjectionCase:
    """The row, locked, and visible to ``by`` (a 404 otherwise)."""
    locked = ObjectionCase.objects.select_for_update().filter(pk=case.pk).first()
    require(locked is not None and can_view_case.test(by, locked), not_found=True)
    assert locked is not None  # require() stopped otherwise
    return locked


def request_repair(
    *, case: ObjectionCase, by: User, missing: str, deadline: datetime.date, now: datetime.datetime | None = None
) -> ObjectionCase:
    """A term to repair what Awb 6:5 demands (or, for a pro forma objection, to give the grounds): 6:6. It
    suspends the decision term from the next day (7:10 lid 2)."""
    staff_only(by)
    today = local_today(now)
    required("missing", _("Schrijf wat er ontbreekt."), missing)
    required("deadline", _("Vul de laatste dag van de hersteltermijn in."), deadline)
    if deadline <= today:
        raise ValidationError({"deadline": _("De hersteltermijn eindigt na vandaag.")})
    with transaction.atomic():
        case = lock_case(case, by)
        fields = {
            "repair_requested_on": today,
            "repair_deadline": deadline,
            "repair_missing": missing.strip(),
            "repair_ended_on": None,
            "repaired": None,
        }
        case = move(case, "request_repair", by=by, fields=fields, data={"deadline": deadline}, locked=True)
        queue_letter(case, LetterKind.REPAIR)
    return case


def end_repair(
    *,
    case: ObjectionCase,
    by: User,
    repaired: bool,
    on: datetime.date | None = None,
    grounds: str = "",
    now: datetime.datetime | None = None,
) -> ObjectionCase:
    """The repair came in on ``on`` (with the grounds, for a pro forma objection), or the term passed unused
    (then it ended on its last day, and only once that day is over). Either way the decision term runs again."""
    staff_only(by)
    today = local_today(now)
    with transaction.atomic():
        case = lock_case(case, by)
        if case.status != CaseStatus.REPAIR:
            move(case, "end_repair", by=by, locked=True)  # refuses with the table's 409
        fields: dict = {"repaired": repaired}
        if repaired:
            required("on", _("Vul in op welke dag het verzuim is hersteld."), on)
            assert on is not None and case.repair_requested_on is not None  # required; set with the repair term
            if on < case.repair_requested_on or on > today:
                raise ValidationError({"on": _("De dag van herstel ligt tussen het verzoek om herstel en vandaag.")})
            fields["repair_ended_on"] = on
            if grounds.strip():
                fields["grounds"] = grounds.strip()
                fields["pro_forma"] = False
        else:
            assert case.repair_deadline is not None  # a case in repair has its term
            if today <= case.repair_deadline:
                running = _("De hersteltermijn loopt nog tot en met %(day)s.") % {"day": _long(case.repair_deadline)}
                raise ValidationError({"repaired": running})
            fields["repair_ended_on"] = case.repair_deadline
        return move(case, "end_repair", by=by, fields=fields, data={"repaired": repaired}, locked=True)


def plan_hearing(
    *,
    case: ObjectionCase,
    by: User,
    on: datetime.date,
    invited: Iterable[Municipality] = (),
    now: datetime.datetime | None = None,
) -> ObjectionCase:
    """A hearing (Awb 7:2) on ``on``, to which the objector is always invited, and the competing municipalities
    of the same run whose award could change as interested parties (only those: ``selectors.interested_parties``)."""
    staff_only(by)
    today = local_today(now)
    required("on", _("Vul de datum van de hoorzitting in."), on)
    if on < today:
        raise ValidationError({"on": _("De hoorzitting ligt vandaag of later.")})
    with transaction.atomic():
        case = lock_case(case, by)
        allowed = {m.pk for m in selectors.interested_parties(case)}
        chosen = {m.pk for m in invited}
        if chosen - allowed - {case.objector_id}:
            raise ValidationError(
                {"invited": _("Nodig alleen de indiener en de gemeenten uit dezelfde verdeling uit.")}
            )
        case = move(case, "plan_hearing", by=by, fields={"hearing_on": on}, locked=True, data={"on": on})
        everyone = sorted(chosen | {case.objector_id})
        case.invited.set(everyone)
        audit.record(actor=by, verb="objection.invited", target=case, data={"municipalities": everyone})
    return case


def record_hearing(
    *, case: ObjectionCase, by: User, held_on: datetime.date, notes: str = "", now: datetime.datetime | None = None
) -> ObjectionCase:
    staff_only(by)
    today = local_today(now)
    required("held_on", _("Vul in op welke dag is gehoord."), held_on)
    if held_on > today:
        raise ValidationError({"held_on": _("Een hoorzitting die nog moet komen, kan niet worden vastgelegd.")})
    with transaction.atomic():
        case = lock_case(case, by)
        fields = {"hearing_held_on": held_on, "hearing_notes": notes.strip()}
        return move(case, "record_hearing", by=by, fields=fields, locked=True, data={"held_on": held_on})


def waive_hearing(*, case: ObjectionCase, by: User, ground: str, reason: str) -> ObjectionCase:
    """No hearing, on one of the grounds of Awb 7:3 only, recorded with its explanation."""
    staff_only(by)
    if ground not in WaiverGround.values:
        raise ValidationError({"ground": _("Kies de grond uit artikel 7:3 Awb waarop niet wordt gehoord.")})
    required("reason", _("Licht toe waarom deze grond van toepassing is."), reason)
    with transaction.atomic():
        case = lock_case(case, by)
        fields = {"waiver_ground": ground, "waiver_reason": reason.strip(), "hearing_on": None}
        case = move(case, "waive_hearing", by=by, fields=fields, locked=True, data={"ground": ground})
        case.invited.clear()
    return case


def postpone(
    *, case: ObjectionCase, by: User, weeks: int, reason: str, now: datetime.datetime | None = None
) -> ObjectionCase:
    """The one postponement of the decision term, by at most six weeks (Awb 7:10 lid 3), while it still runs."""
    staff_only(by)
    today = local_today(now)
    if not isinstance(weeks, int) or not 1 <= weeks <= deadlines.MAX_POSTPONEMENT_WEEKS:
        raise ValidationError({"weeks": _("Verdaag met 1 tot en met 6 weken.")})
    required("reason", _("Schrijf waarom de beslissing wordt verdaagd."), reason)
    with transaction.atomic():
        case = lock_case(case, by)
        if case.postponed_weeks and case.is_open:
            raise TransitionNotAllowed(_("De beslistermijn is al eens verdaagd; dat kan maar één keer."))
        if case.is_open and today > case.decision_term_end:
            raise TransitionNotAllowed(
                _("De beslistermijn is op %(day)s verstreken; verdagen kan alleen zolang hij loopt.")
                % {"day": _long(case.decision_term_end)}
            )
        fields = {"postponed_weeks": weeks, "postponed_on": today, "postponement_reason": reason.strip()}
        case = amend(case, "postpone", by=by, fields=fields)
        queue_letter(case, LetterKind.POSTPONEMENT)  # Awb 7:10 lid 3: with written notice
    return case


def set_committee(*, case: ObjectionCase, by: User, committee: bool) -> ObjectionCase:
    """An advisory committee (Awb 7:13) hears the objection: the decision term is twelve weeks, not six."""
    staff_only(by)
    with transaction.atomic():
        case = lock_case(case, by)
        return amend(case, "set_committee", by=by, fields={"advisory_committee": bool(committee)})


def override_timeliness(*, case: ObjectionCase, by: User, timely: bool, reason: str) -> ObjectionCase:
    """A person's finding on timeliness with its reason: an excusable lateness (Awb 6:11), or a correction."""
    staff_only(by)
    required("reason", _("Schrijf waarom het bezwaar als tijdig of te laat wordt aangemerkt."), reason)
    with transaction.atomic():
        case = lock_case(case, by)
        fields = {"timely_override": bool(timely), "timely_reason": reason.strip()}
        return amend(case, "override_timeliness", by=by, fields=fields)


def withdraw(*, case: ObjectionCase, by: User, now: datetime.datetime | None = None) -> ObjectionCase:
    """The objector withdraws its objection (or the administrator records that it did): the case closes."""
    now = now or timezone.now()
    with transaction.atomic():
        case = lock_case(case, by)
        require(can_withdraw_objection.test(by, case))
        fields = {"outcome": CaseOutcome.WITHDRAWN, "decided_by": by, "decided_at": now}
        return move(case, "withdraw", by=by, fields=fields, locked=True)
