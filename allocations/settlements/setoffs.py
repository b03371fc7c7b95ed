"""Set-off of a reclaim against another grant of the same recipient (Awb 4:57): the open instalments of another
sent decision of the same municipality under the same scheme (the same activities, another period).

The assessor (at the proposal) or the internal auditor (at the check) chooses the instalments; ``rules.
plan_set_off`` splits the reclaim over them, the earliest due first, and what they cannot cover is paid back.
At the approval each chosen instalment lapses and what is left of it becomes a new instalment of its decision,
due on the same day. Then, to the cent: settled + reclaim (paid back + set off) = paid for this decision, and
awarded = paid + still due + set off (+ lapsed) for the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.money import cents, euros
from accounts.workflow import TransitionNotAllowed
from allocations.payments import services as payments
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements import rules
from allocations.settlements.models import SetOff, Settlement


def candidates(decision: Decision) -> QuerySet[Instalment]:
    """The instalments a reclaim on ``decision`` may be set off against: due and not yet ordered, of another
    sent decision of the same municipality under the same scheme; the earliest due first."""
    return (
        Instalment.objects.filter(
            status=InstalmentStatus.DUE,
            decision__sent_at__isnull=False,
            decision__application__municipality_id=decision.application.municipality_id,
            decision__run__call__scheme_id=decision.run.call.scheme_id,
        )
        .exclude(decision=decision)
        .select_related("decision")
        .order_by("due_on", "decision__number", "sequence")
    )


def _open_instalments(rows: Iterable[Instalment]) -> list[rules.OpenInstalment]:
    return [rules.OpenInstalment(key=row.pk, amount=cents(row.amount)) for row in rows]


def choose(*, settlement: Settlement, instalment_ids: Iterable[int]) -> rules.SetOffPlan:
    """Store the set-off a person chose for a settlement that is not approved (in the caller's transaction,
    which holds its lock), replacing an earlier choice; an empty choice clears it. An instalment that is not
    needed (the reclaim is covered already) is left out. 400 for an instalment that is not a candidate, or a
    settlement without a reclaim."""
    ids = list(dict.fromkeys(int(pk) for pk in instalment_ids))
    if ids and not settlement.reclaim:
        raise ValidationError({"set_off": [_("Deze vaststelling vordert niets terug: er valt niets te verrekenen.")]})
    chosen = list(candidates(settlement.decision).filter(pk__in=ids))
    if len(chosen) != len(ids):
        raise ValidationError(
            {
                "set_off": [
                    _(
                        "Verrekenen kan alleen met een termijn die nog moet worden betaald (zonder betaalopdracht) "
                        "van een andere beschikking van dezelfde gemeente onder dezelfde regeling."
                    )
                ]
            }
        )
    plan = rules.plan_set_off(cents(settlement.reclaim), _open_instalments(chosen))
    SetOff.objects.filter(settlement=settlement).delete()
    SetOff.objects.bulk_create(
        SetOff(settlement=settlement, instalment_id=line.key, amount=euros(line.amount)) for line in plan.lines
    )
    Settlement.objects.filter(pk=settlement.pk).update(set_off=euros(plan.set_off))
    settlement.set_off = euros(plan.set_off)
    return plan


def planned(settlement: Settlement) -> QuerySet[SetOff]:
    return settlement.set_offs.select_related("instalment__decision", "remainder").order_by(
        "instalment__due_on", "instalment__sequence"
    )


def check_still_possible(settlement: Settlement) -> None:
    """Refuse (409) when a chosen instalment was ordered, paid or cancelled since the choice, or the plan no
    longer follows from the reclaim: choose again (the auditor's check) or withdraw the proposal."""
    rows = list(planned(settlement))
    instalments = [row.instalment for row in rows]
    gone = [row.reference for row in instalments if row.status != InstalmentStatus.DUE]
    if gone:
        raise TransitionNotAllowed(
            _("Termijn %(references)s wordt al betaald of is vervallen; verrekenen is daarmee niet meer mogelijk.")
            % {"references": ", ".join(gone)}
        )
    plan = rules.plan_set_off(cents(settlement.reclaim), _open_instalments(instalments))
    stored = [(row.instalment_id, cents(row.amount)) for row in rows]
    if [(line.key, line.amount) for line in plan.lines] != stored or plan.set_off != cents(settlement.set_off):
        raise TransitionNotAllowed(_("De verrekening klopt niet meer met de terugvordering; kies haar opnieuw."))


def apply(*, settlement: Settlement, by: User, now: datetime.datetime) -> list[SetOff]:
    """At the approval, in its transaction: each chosen instalment lapses, and what is left of it becomes a new
    instalment of its decision on the same due date."""
    rows = list(planned(settlement))
    for decision_id in sorted({row.instalment.decision_id for row in rows}):
        Decision.objects.select_for_update().filter(pk=decision_id).first()
    check_still_possible(settlement)
    reason = _("verrekend met de terugvordering bij vaststelling %(reference)s") % {"reference": settlement.reference}
    for row in rows:
        instalment = payments.cancel_instalment(instalment=row.instalment, reason=reason, by=by, now=now)
        remainder = cents(instalment.amount) - cents(row.amount)
        if remainder:
            row.remainder = payments.add_instalment(
                decision=instalment.decision,
                amount_cents=remainder,
                due_on=instalment.due_on,
                reason=reason,
                by=by,
                now=now,
            )
        row.applied_at = now
        row.save(update_fields=["remainder", "applied_at"])
    return rows


def received_by(decision: Decision) -> Decimal:
    """What was set off against the decision's own instalments: it counts as paid to the decision."""
    total = SetOff.objects.filter(instalment__decision=decision, applied_at__isnull=False).aggregate(t=Sum("amount"))
    return total["t"] or Decimal(0)
