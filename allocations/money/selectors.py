"""The money after the award, per decision, per call and per municipality: awarded, paid, still due, lapsed,
spent, settled and reclaimed, adding up (DESIGN.md §7b).

One selector, ``money_overview``, reads every sent award a person may see in a fixed number of queries and
adds the rows up per call, per municipality and in total, in Decimal. Ministry staff see every municipality,
an officer only their own (scoped here, so pages, files and the API show the same rows).

What adds up, per decision (``DecisionMoney.adds_up``):
- not yet settled: awarded = paid + still due + lapsed + set off (awarded with what a founded objection added;
  set off: what another settlement's reclaim took from this decision's instalments);
- settled: settled = paid + set off − reclaimed + still due (the final payment is the only open instalment).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import Municipality, User
from accounts.permissions import is_ministry, is_officer
from allocations.accountability.models import Statement
from allocations.objections import awards as objection_awards
from allocations.payments.models import OPEN_STATES, InstalmentStatus
from allocations.runs.models import Decision
from allocations.settlements.models import Settlement, SettlementStatus
from allocations.settlements.selectors import Figures, instalments_with_set_offs, set_off_parts
from applications.models import Call

ZERO = Decimal("0.00")


def sent_awards() -> QuerySet[Decision]:
    """Every sent award with its call, municipality, instalments, statements and settlements (four queries)."""
    return (
        objection_awards.with_extra(Decision.objects.filter(objection_awards.awarded_or_extra(), sent_at__isnull=False))
        .select_related("application__municipality", "application__call__scheme")
        .prefetch_related(
            instalments_with_set_offs(),
            Prefetch("statements", queryset=Statement.objects.order_by("year")),
            Prefetch("settlements", queryset=Settlement.objects.order_by("sequence")),
        )
        .order_by("application__call__code", "application__municipality__name", "number")
    )


def sent_awards_for(user: User) -> QuerySet[Decision]:
    """The sent awards ``user`` may see the money of: ministry staff all, an officer their municipality's."""
    decisions = sent_awards()
    if is_ministry(user):
        return decisions
    if is_officer(user) and user.municipality_id:
        return decisions.filter(application__municipality_id=user.municipality_id)
    return decisions.none()


def _sum(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, ZERO)


def figures_of(decision: Decision) -> Figures:
    """One decision's money from its prefetched rows: spent is the cumulative spending last reported (the final
    account once it is in), settled the last approved settlement, reclaimed every approved reclaim."""
    instalments = list(decision.instalments.all())
    statements = list(decision.statements.all())
    approved = [s for s in decision.settlements.all() if s.status == SettlementStatus.APPROVED]
    set_off, set_off_away = set_off_parts(instalments)
    return Figures(
        awarded=objection_awards.annotated_award(decision),  # with what a founded objection added
        paid=_sum(i.amount for i in instalments if i.status == InstalmentStatus.PAID),
        still_due=_sum(i.amount for i in instalments if i.status in OPEN_STATES),
        lapsed=_sum(i.amount for i in instalments if i.status == InstalmentStatus.CANCELLED) - set_off_away,
        set_off=set_off,
        spent=statements[-1].spent_to_date if statements else None,
        settled=approved[-1].settled if approved else None,
        reclaimed=_sum(s.reclaim for s in approved),
    )


def adds_up(figures: Figures) -> bool:
    """The identity that holds for one decision's figures (see the module's docstring)."""
    if figures.settled is None:
        return figures.awarded == figures.paid + figures.still_due + figures.lapsed + figures.set_off
    return figures.settled == figures.paid + figures.set_off - figures.reclaimed + figures.still_due


@dataclass
class DecisionMoney:
    decision: Decision
    figures: Figures

    @property
    def call(self) -> Call:
        return self.decision.application.call

    @property
    def municipality(self) -> Municipality:
        return self.decision.application.municipality

    @property
    def adds_up(self) -> bool:
        return adds_up(self.figures)


@dataclass
class Group:
    """A call's or a municipality's decisions, added up."""

    key: int
    label: str
    code: str
    count: int = 0
    total: Figures = field(default_factory=Figures)


@dataclass
class MoneyOverview:
    rows: list[DecisionMoney] = field(default_factory=list)
    per_call: list[Group] = field(default_factory=list)
    per_municipality: list[Group] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)


def money_overview(user: User, *, call_id: int | None = None, municipality_id: int | None = None) -> MoneyOverview:
    """Every sent award ``user`` may see (of one call, of one municipality), with the totals per call, per
    municipality and overall; the same rows for the pages, the files and the API."""
    decisions = sent_awards_for(user)
    if call_id is not None:
        decisions = decisions.filter(application__call_id=call_id)
    if municipality_id is not None:
        decisions = decisions.filter(application__municipality_id=municipality_id)
    return overview_of(DecisionMoney(decision, figures_of(decision)) for decision in decisions)


def overview_of(rows: Iterable[DecisionMoney]) -> MoneyOverview:
    """Rows added up per call (in the order of the calls' codes) and per municipality (by name)."""
    overview = MoneyOverview()
    calls: dict[int, Group] = {}
    municipalities: dict[int, Group] = {}
    for row in rows:
        overview.rows.append(row)
        call, municipality = row.call, row.municipality
        _add(calls.setdefault(call.pk, Group(call.pk, call.title, call.code)), row.figures)
        group = Group(municipality.pk, municipality.name, municipality.cbs_code)
        _add(municipalities.setdefault(municipality.pk, group), row.figures)
        overview.total.add(row.figures)
    overview.per_call = sorted(calls.values(), key=lambda group: group.code)
    overview.per_municipality = sorted(municipalities.values(), key=lambda group: (group.label, group.code))
    return overview


def _add(group: Group, figures: Figures) -> None:
    group.count += 1
    group.total.add(figures)


def decision_money_for(user: User, pk: int) -> DecisionMoney | None:
    """One decision's money, or None when ``user`` may not see it (a 404 for the caller)."""
    decision = sent_awards_for(user).filter(pk=pk).first()
    return DecisionMoney(decision, figures_of(decision)) if decision else None
