"""The award in force after an objection. A (partly) founded decision on an objection that awards more revokes
the decision objected to and takes a new one (Awb 7:11): from then on the award is the re-run's amount, split
as the decision on the objection printed it, and the difference is paid as one more instalment
(``outcome.approve_decision``). Payments, accountability, settlement and the money overview read the award
here, so an objection's extra is neither reclaimed at settlement nor missing from the sums.

The decision row itself never changes (a sent decision is frozen); the case records the new one.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.money import cents
from allocations.objections.models import FOUNDED, CaseStatus, ObjectionCase
from allocations.runs.models import Decision

ZERO = Decimal("0.00")


def _revoking(decisions: Iterable[int] | None = None) -> QuerySet[ObjectionCase]:
    """The closed, founded cases whose approval paid extra money: each revoked its decision for a higher one."""
    cases = ObjectionCase.objects.filter(
        status=CaseStatus.CLOSED, outcome__in=FOUNDED, extra_instalment__isnull=False, reconsideration__isnull=False
    )
    return cases if decisions is None else cases.filter(decision_id__in=list(decisions))


def ruling(decision: Decision) -> ObjectionCase | None:
    """The decision on an objection that now carries ``decision``'s award, if any (the latest)."""
    return _revoking([decision.pk]).select_related("reconsideration").order_by("-decided_at", "-pk").first()


def extra_awarded(decision: Decision) -> Decimal:
    """What decisions on objections awarded on top of ``decision``'s own amount."""
    return _revoking([decision.pk]).aggregate(total=Sum("reconsideration__extra"))["total"] or ZERO


def awarded(decision: Decision) -> Decimal:
    """The award in force: the decision's own amount plus what decisions on objections added."""
    return decision.amount + extra_awarded(decision)


def per_year_cents(decision: Decision) -> dict[int, int] | None:
    """The award in force per year as the decision on the objection printed it (its theme × year split), or None
    when no objection changed the award (the decision's own split then holds)."""
    case = ruling(decision)
    if case is None or case.reconsideration is None:
        return None
    from allocations.objections.letters import new_split  # the split the letter printed, computed once there

    years: dict[int, int] = {}
    for part in new_split(case.reconsideration):
        years[part.year] = years.get(part.year, 0) + part.cents
    return years


def with_extra(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    """``decisions`` annotated with ``extra_awarded`` (one subquery): what decisions on objections added."""
    extra = (
        _revoking()
        .filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(total=Sum("reconsideration__extra"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return decisions.annotate(extra_awarded=Coalesce(Subquery(extra, output_field=money), ZERO, output_field=money))


def annotated_award(decision: Decision) -> Decimal:
    """The award in force of a decision read with ``with_extra`` (no query; one query without the annotation)."""
    extra = getattr(decision, "extra_awarded", None)
    return decision.amount + (extra if extra is not None else extra_awarded(decision))


def awarded_or_extra() -> Q:
    """A decision that awards money, on its own or after an objection (a rejection that an objection turned into
    an award)."""
    return Q(amount__gt=0) | Q(pk__in=_revoking().values("decision_id"))


def awarded_cents(decision: Decision) -> int:
    return cents(awarded(decision))
