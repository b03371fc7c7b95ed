"""Every change to settlements: the assessor's proposal, the internal auditor's check with the reclaim number,
the coordinator's approval (which lets the open instalments lapse, adds the final payment and records the
reclaim), and withdrawing a proposal. Keyword-only functions that check the permission, validate, write and
audit; each step is taken by a different person, on the inputs the proposal was computed from.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.money import cents, euros
from accounts.permissions import require
from accounts.workflow import SamePerson, TransitionNotAllowed
from allocations.accountability.models import Statement
from allocations.letters.deadlines import local_today
from allocations.objections import awards as objection_awards
from allocations.payments import services as payments
from allocations.payments.models import OPEN_STATES, Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements import rules, setoffs
from allocations.settlements.models import Settlement
from allocations.settlements.permissions import (
    can_approve_settlement,
    can_check_settlement,
    can_propose_settlement,
    can_withdraw_settlement,
)
from allocations.settlements.transitions import SETTLEMENTS

#: A final payment is due four weeks after the day of settlement, as an instalment of a late letter.
FINAL_PAYMENT_DAYS = 28


# --- Reading the inputs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Readiness:
    """Whether a decision can be settled today, and if not, why (in Dutch)."""

    ready: bool
    reason: str = ""


def final_statement(decision: Decision) -> Statement | None:
    return Statement.objects.filter(decision=decision, final=True).first()


def readiness(decision: Decision, *, today: datetime.date) -> Readiness:
    """A decision is ready to settle once it is a sent award, its spending period has ended and its final
    account is in (``allocations.accountability``)."""
    return readiness_of(decision, today=today, has_final=final_statement(decision) is not None)


def readiness_of(decision: Decision, *, today: datetime.date, has_final: bool) -> Readiness:
    """``readiness`` with whether the final account is in already read (a list reads it for all at once)."""
    if decision.sent_at is None or not decision.amount:
        return Readiness(False, _("Er is geen verzonden toekenning om vast te stellen."))
    year_to = decision.run.call.year_to
    if today.year <= year_to:
        return Readiness(False, _("De bestedingsperiode loopt nog tot en met %(year)s.") % {"year": year_to})
    if not has_final:
        return Readiness(False, _("De eindverantwoording is nog niet ontvangen."))
    return Readiness(True)


def inputs_of(decision: Decision, *, ground: str = "", proposed: int | None = None) -> rules.Inputs:
    """The settlement's inputs as the database holds them now: the award in force (with what a founded
    objection added, ``objections.awards``), what was paid (less what an earlier
    settlement reclaimed), the instalments still open and the final account's cumulative spending."""
    instalments = Instalment.objects.filter(decision=decision)
    paid = instalments.filter(status=InstalmentStatus.PAID).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    still_due = instalments.filter(status__in=OPEN_STATES).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    reclaimed = Settlement.objects.approved().filter(decision=decision).aggregate(total=Sum("reclaim"))["total"]
    statement = final_statement(decision)
    return rules.Inputs(
        kind=decision.run.call.scheme.kind,
        awarded=objection_awards.awarded_cents(decision),
        # What another settlement's reclaim set off against this decision's instalments was paid to it.
        paid=cents(paid) + cents(setoffs.received_by(decision)) - cents(reclaimed or Decimal(0)),
        open=cents(still_due),
        spent=cents(statement.spent_to_date) if statement else 0,
        ground=ground,
        proposed=proposed,
    )


def stored_inputs(settlement: Settlement) -> rules.Inputs:
    """The inputs a settlement was computed from, as it stored them."""
    return rules.Inputs(
        kind=settlement.kind,
        awarded=cents(settlement.awarded),
        paid=cents(settlement.paid),
        open=cents(settlement.open),
        spent=cents(settlement.spent),
        ground=settlement.ground,
        proposed=cents(settlement.proposed),
    )


def first_settled_on(decision: Decision) -> datetime.date | None:
    """The day the decision was first settled: the five years of Awb 4:49 lid 3 and 4:57 lid 4 count from it."""
    first = Settlement.objects.approved().filter(decision=decision).order_by("sequence").first()
    return first.settled_on if first else None


def _guard(decision: Decision, result: rules.Result, today: datetime.date) -> None:
    settled_on = first_settled_on(decision)
    if settled_on is None:
        return
    refusals = [rules.guard(settled_on=settled_on, today=today, reclaim=False)]
    if result.reclaim:
        refusals.append(rules.guard(settled_on=settled_on, today=today, reclaim=True))
    if refusals[0]:
        raise TransitionNotAllowed(" ".join(message for message in refusals if message))


def _unchanged(settlement: Settlement) -> None:
    """Refuse a step on figures that changed since the proposal (a payment recorded, a correction of the final
    account): the proposal must be withdrawn and made again, on the new figures."""
    now = inputs_of(settlement.decision, ground=settlement.ground, proposed=cents(settlement.proposed))
    if now.sha256() != settlement.inputs_sha256:
        raise TransitionNotAllowed(
            _(
                "De cijfers van beschikking %(number)s zijn veranderd sinds het voorstel (betalingen of de "
                "verantwoording). Trek het voorstel in en stel opnieuw vast."
            )
            % {"number": settlement.decision.number},
            details={"inputs_sha256": now.sha256()},
        )


def _not_twice(settlement: Settlement, by: User) -> None:
    """Three steps, three people: the auditor is not the assessor, the coordinator neither of them."""
    if by.pk == settlement.proposed_by_id:
        raise SamePerson(
            _("U heeft deze vaststelling voorgesteld. Een ander moet de volgende stap zetten (vier-ogenprincipe).")
        )
    if by.pk == settlement.checked_by_id:
        raise SamePerson(
            _("U heeft deze vaststelling gecontroleerd. Een ander moet haar goedkeuren (vier-ogenprincipe).")
        )


# --- The three steps ---------------------------------------------------------------------------------------
def propose_settlement(
    *,
    decision: Decision,
    by: User,
    ground: str = "",
    proposed: Decimal | None = None,
    motivation: str = "",
    sample: bool = False,
    set_off: Iterable[int] = (),
    expected_sha256: str | None = None,
    now: datetime.datetime | None = None,
) -> Settlement:
    """The assessor's proposal: the settled amount as ``rules.settle`` computes it from the figures now, stored
    with its inputs and their hash. A second settlement of a settled decision is a correction, refused after
    five years. Refused (409) while another proposal of the decision is open, and when the figures' hash is not
    ``expected_sha256`` (a batch proposes only on the inputs it stored). ``set_off``: the ids of open
    instalments of another decision of the same municipality and scheme to set a reclaim off against."""
    require(can_propose_settlement(by))
    now = now or timezone.now()
    today = local_today(now)
    motivation = (motivation or "").strip()
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update()
            .select_related("run__call__scheme", "application__municipality")
            .get(pk=decision.pk)
        )
        state = readiness(decision, today=today)
        if not state.ready:
            raise TransitionNotAllowed(
                _("Beschikking %(number)s kan nog niet worden vastgesteld: %(reason)s")
                % {"number": decision.number, "reason": state.reason}
            )
        if Settlement.objects.open().filter(decision=decision).exists():
            raise TransitionNotAllowed(
                _("Voor beschikking %(number)s ligt al een voorstel tot vaststelling.") % {"number": decision.number}
            )
        if proposed is not None and proposed != proposed.quantize(Decimal("0.01")):
            raise ValidationError({"proposed": [_("Een bedrag heeft hoogstens twee decimalen.")]})
        inputs = inputs_of(decision, ground=ground or "", proposed=cents(proposed))
        if expected_sha256 is not None and inputs.sha256() != expected_sha256:
            raise TransitionNotAllowed(
                _(
                    "De cijfers van beschikking %(number)s zijn veranderd sinds de batch begon (betalingen of de "
                    "verantwoording). Stel deze beschikking opnieuw vast."
                )
                % {"number": decision.number},
                details={"inputs_sha256": inputs.sha256()},
            )
        try:
            result = rules.settle(inputs)
        except rules.NotSettleable as refused:
            raise ValidationError(
                {"proposed" if inputs.kind == rules.SUBSIDY else "__all__": refused.messages}
            ) from None
        if inputs.ground and not motivation:
            raise ValidationError({"motivation": [_("Motiveer de lagere vaststelling: wat is er gebleken?")]})
        _guard(decision, result, today)
        previous = Settlement.objects.approved().filter(decision=decision).order_by("-sequence").first()
        sequence = (Settlement.objects.filter(decision=decision).aggregate(last=Max("sequence"))["last"] or 0) + 1
        settlement = Settlement.objects.create(
            decision=decision,
            sequence=sequence,
            corrects=previous,
            kind=inputs.kind,
            awarded=euros(inputs.awarded),
            paid=euros(inputs.paid),
            open=euros(inputs.open),
            spent=euros(inputs.spent),
            ground=inputs.ground,
            proposed=euros(inputs.proposed),
            motivation=motivation,
            inputs_sha256=inputs.sha256(),
            settled=euros(result.settled),
            lapsed=euros(result.lapsed),
            final_payment=euros(result.final_payment),
            reclaim=euros(result.reclaim),
            sample=sample,
            proposed_by=by,
            proposed_at=now,
        )
        plan = setoffs.choose(settlement=settlement, instalment_ids=set_off)
        audit.record(
            actor=by,
            verb="settlement.proposed",
            target=settlement,
            data={
                "decision": decision.number,
                "settled": f"{settlement.settled:.2f}",
                "inputs_sha256": settlement.inputs_sha256,
                "correction": previous is not None,
                "sample": sample,
                "set_off": _plan_data(plan),
            },
            after=_figures(settlement),
        )
    return settlement


def check_settlement(
    *,
    settlement: Settlement,
    by: User,
    reclaim_number: str = "",
    set_off: Iterable[int] | None = None,
    now: datetime.datetime | None = None,
) -> Settlement:
    """The internal auditor's check: another person than the assessor, on unchanged figures; a reclaim gets its
    reclaim number (vorderingsnummer) here. ``set_off`` (the instalments' ids) replaces the assessor's choice of
    set-off; None keeps it."""
    require(can_check_settlement(by))
    now = now or timezone.now()
    reclaim_number = (reclaim_number or "").strip()
    with transaction.atomic():
        settlement = _locked(settlement)
        SETTLEMENTS.workflow.check("check", by, settlement)
        _not_twice(settlement, by)
        _unchanged(settlement)
        _guard(settlement.decision, _result_of(settlement), local_today(now))
        if settlement.reclaim and not reclaim_number:
            raise ValidationError({"reclaim_number": [_("Vul het vorderingsnummer van de terugvordering in.")]})
        if not settlement.reclaim and reclaim_number:
            raise ValidationError(
                {"reclaim_number": [_("Deze vaststelling vordert niets terug: laat het vorderingsnummer leeg.")]}
            )
        if len(reclaim_number) > 40:
            raise ValidationError({"reclaim_number": [_("Het vorderingsnummer is te lang (hoogstens 40 tekens).")]})
        if reclaim_number and Settlement.objects.filter(reclaim_number=reclaim_number).exists():
            raise ValidationError(
                {"reclaim_number": [_("Vorderingsnummer %(number)s is al gebruikt.") % {"number": reclaim_number}]}
            )
        if set_off is not None:
            setoffs.choose(settlement=settlement, instalment_ids=set_off)
        setoffs.check_still_possible(settlement)
        return SETTLEMENTS.move(
            settlement,
            "check",
            by=by,
            fields={"checked_by": by, "checked_at": now, "reclaim_number": reclaim_number},
            data={"reclaim_number": reclaim_number, "set_off": _stored_plan_data(settlement)},
            locked=True,
        )


def approve_settlement(*, settlement: Settlement, by: User, now: datetime.datetime | None = None) -> Settlement:
    """The coordinator's approval: a third person, on unchanged figures. The settlement sets off the advances
    (Awb 4:95): every open instalment lapses, a final payment becomes one more instalment, a chosen set-off
    lowers the other decision's instalments, and the rest of a reclaim is due within six weeks (4:57). The
    letter is made after commit (and at the latest when it is sent)."""
    require(can_approve_settlement(by))
    now = now or timezone.now()
    today = local_today(now)
    with transaction.atomic():
        # The decision first, as a proposal locks it: its instalments change here.
        decision = Decision.objects.select_for_update().get(pk=settlement.decision_id)
        settlement = _locked(settlement)
        SETTLEMENTS.workflow.check("approve", by, settlement)
        _not_twice(settlement, by)
        _unchanged(settlement)
        _guard(settlement.decision, _result_of(settlement), today)
        reason = _("vastgesteld bij %(reference)s") % {"reference": settlement.reference}
        for instalment in Instalment.objects.filter(decision=decision, status__in=OPEN_STATES).order_by("sequence"):
            payments.cancel_instalment(instalment=instalment, reason=reason, by=by, now=now)
        final = None
        if settlement.final_payment:
            final = payments.add_instalment(
                decision=decision,
                amount_cents=cents(settlement.final_payment),
                due_on=today + datetime.timedelta(days=FINAL_PAYMENT_DAYS),
                reason=reason,
                by=by,
                now=now,
            )
        setoffs.apply(settlement=settlement, by=by, now=now)
        transaction.on_commit(lambda: _make_letter(settlement.pk), robust=True)
        return SETTLEMENTS.move(
            settlement,
            "approve",
            by=by,
            fields={
                "approved_by": by,
                "approved_at": now,
                "settled_on": today,
                "reclaim_due_on": rules.reclaim_due(today) if settlement.reclaim_to_pay else None,
                "final_instalment": final,
            },
            data={
                "decision": decision.number,
                "settled": f"{settlement.settled:.2f}",
                "final_payment": f"{settlement.final_payment:.2f}",
                "reclaim": f"{settlement.reclaim:.2f}",
                "set_off": f"{settlement.set_off:.2f}",
                "reclaim_number": settlement.reclaim_number,
            },
            locked=True,
        )


def withdraw_settlement(*, settlement: Settlement, by: User, now: datetime.datetime | None = None) -> Settlement:
    """Withdraw a proposal that is not approved (figures changed, or a mistake), so a new one can be made."""
    require(can_withdraw_settlement(by))
    now = now or timezone.now()
    with transaction.atomic():
        settlement = _locked(settlement)
        return SETTLEMENTS.move(
            settlement, "withdraw", by=by, fields={"withdrawn_by": by, "withdrawn_at": now}, locked=True
        )


def _locked(settlement: Settlement) -> Settlement:
    return Settlement.objects.select_for_update().select_related("decision__run__call__scheme").get(pk=settlement.pk)


def _result_of(settlement: Settlement) -> rules.Result:
    return rules.settle(stored_inputs(settlement))


def _make_letter(settlement_id: int) -> None:
    from allocations.settlements.tasks import make_settlement_letter

    make_settlement_letter.delay(settlement_id)


def _plan_data(plan: rules.SetOffPlan) -> list[dict[str, object]]:
    return [{"instalment": line.key, "amount": f"{euros(line.amount):.2f}"} for line in plan.lines]


def _stored_plan_data(settlement: Settlement) -> list[dict[str, object]]:
    return [{"instalment": row.instalment_id, "amount": f"{row.amount:.2f}"} for row in settlement.set_offs.all()]


def _figures(settlement: Settlement) -> dict[str, str]:
    names = ("awarded", "paid", "open", "spent", "settled", "lapsed", "final_payment", "reclaim")
    return {name: f"{getattr(settlement, name):.2f}" for name in names}
