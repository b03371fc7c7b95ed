"""The queries the payments pages, the payment order and the API read; each list costs a fixed number of
queries, whatever its length."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from allocations.payments.models import OPEN_STATES, Instalment, InstalmentStatus

#: The instalments a payment order lists: those ordered for its pay date (and, once paid, still on it).
IN_ORDER = (InstalmentStatus.ORDERED, InstalmentStatus.PAID)

ZERO = Decimal("0.00")


def instalments() -> QuerySet[Instalment]:
    """Instalments with what every list shows: the decision, its application, municipality and call."""
    return Instalment.objects.select_related(
        "decision__application__municipality", "decision__application__call", "paid_recorded_by", "ordered_by"
    )


def instalments_of_decision(decision) -> QuerySet[Instalment]:
    return instalments().filter(decision=decision).order_by("sequence")


def on_pay_date(pay_date: datetime.date) -> QuerySet[Instalment]:
    """Every instalment due on ``pay_date``, in the order of the decision numbers."""
    return instalments().filter(due_on=pay_date).order_by("decision__number", "sequence")


def order_lines(pay_date: datetime.date) -> QuerySet[Instalment]:
    """The lines of the pay date's payment order: the instalments ordered on it (``IN_ORDER``)."""
    return on_pay_date(pay_date).filter(status__in=IN_ORDER)


@dataclass
class Sums:
    """Money by state: awarded = paid + still due (+ cancelled, which a later decision explains)."""

    count: int = 0
    due: Decimal = ZERO
    ordered: Decimal = ZERO
    paid: Decimal = ZERO
    cancelled: Decimal = ZERO

    @property
    def still_due(self) -> Decimal:
        return self.due + self.ordered

    @property
    def awarded(self) -> Decimal:
        return self.paid + self.still_due + self.cancelled


def _sum(status: str):
    return Sum("amount", filter=Q(status=status))


SUMS = {
    "count": Count("pk"),
    "due": _sum(InstalmentStatus.DUE),
    "ordered": _sum(InstalmentStatus.ORDERED),
    "paid": _sum(InstalmentStatus.PAID),
    "cancelled": _sum(InstalmentStatus.CANCELLED),
}


def _sums(row: Mapping[str, Any]) -> Sums:
    """A row of ``SUMS`` as ``Sums``: a state without instalments sums to None in SQL, here to zero."""
    return Sums(
        count=row.get("count") or 0,
        due=row.get("due") or ZERO,
        ordered=row.get("ordered") or ZERO,
        paid=row.get("paid") or ZERO,
        cancelled=row.get("cancelled") or ZERO,
    )


@dataclass
class PayDate:
    on: datetime.date
    sums: Sums
    to_order: int  # instalments still due, without a payment order
    in_order: int  # instalments on the payment order (ordered or paid)


def pay_dates(*, only_open: bool = False) -> list[PayDate]:
    """Every due date with its money by state (one query)."""
    rows = Instalment.objects.values("due_on").order_by("due_on")
    if only_open:
        rows = rows.filter(status__in=OPEN_STATES)
    rows = rows.annotate(
        **SUMS,
        to_order=Count("pk", filter=Q(status=InstalmentStatus.DUE)),
        in_order=Count("pk", filter=Q(status__in=IN_ORDER)),
    )
    return [PayDate(row["due_on"], _sums(row), row["to_order"], row["in_order"]) for row in rows]


def sum_of(rows: list[Instalment]) -> Sums:
    """The same figures for instalments already read (a decision's few, on its page)."""
    sums = Sums(count=len(rows))
    for instalment in rows:
        setattr(sums, instalment.status, getattr(sums, instalment.status) + instalment.amount)
    return sums


def totals(queryset: QuerySet[Instalment] | None = None) -> Sums:
    return _sums((queryset if queryset is not None else Instalment.objects.all()).aggregate(**SUMS))


@dataclass
class CallPayments:
    call_id: int
    code: str
    title: str
    decided: Decimal  # the awards of the call's sent decisions
    sums: Sums = field(default_factory=Sums)


def per_call() -> list[CallPayments]:
    """Per call: the awards of its sent decisions and their instalments by state (two queries)."""
    from allocations.runs.models import Decision

    awards = (
        Decision.objects.filter(sent_at__isnull=False, amount__gt=0)
        .values("application__call_id", "application__call__code", "application__call__title")
        .annotate(total=Sum("amount"))
        .order_by("application__call__code")
    )
    sums = {
        row["decision__application__call_id"]: _sums(row)
        for row in Instalment.objects.values("decision__application__call_id").order_by().annotate(**SUMS)
    }
    return [
        CallPayments(
            call_id=row["application__call_id"],
            code=row["application__call__code"],
            title=row["application__call__title"],
            decided=row["total"],
            sums=sums.get(row["application__call_id"], Sums()),
        )
        for row in awards
    ]


@dataclass
class MunicipalityPayments:
    cbs_code: str
    name: str
    sums: Sums


def per_municipality(*, call_id: int | None = None) -> list[MunicipalityPayments]:
    """Per municipality (of one call, or of all): its instalments by state (one query)."""
    instalments = Instalment.objects.all()
    if call_id is not None:
        instalments = instalments.filter(decision__application__call_id=call_id)
    rows = (
        instalments.values("decision__application__municipality__cbs_code", "decision__application__municipality__name")
        .order_by("decision__application__municipality__name")
        .annotate(**SUMS)
    )
    return [
        MunicipalityPayments(
            row["decision__application__municipality__cbs_code"],
            row["decision__application__municipality__name"],
            _sums(row),
        )
        for row in rows
    ]
