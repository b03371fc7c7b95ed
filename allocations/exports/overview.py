"""Selectors for the administrator's overview of a call and the portfolio across calls and years.

Each reads a fixed number of queries whatever the number of applications, and sums money in Decimal.
A municipality can belong to several networks (Nieuwegein is NPLV, M50 and New Town Alliantie), so the totals
per network overlap; "geen netwerk" holds the municipalities in none of them. The networks are those on the
call's closing date, as its run reads them (``allocations.runs.selectors.network_date``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Municipality
from accounts.networks import NETWORK_ORDER, NO_NETWORK, Memberships, groups, label
from allocations.runs.models import AllocationLine, AllocationRun, Decision
from allocations.runs.selectors import NOT_COMPETING, network_date, networks_in_call
from allocations.settlements.selectors import Figures
from applications.models import Application, Call, Status

ZERO = Decimal("0.00")
# The lifecycle from draft to letter sent (DESIGN.md §4), with withdrawn last.
PIPELINE = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.INFO_REQUESTED,
    Status.IN_REVIEW,
    Status.REVIEWED,
    Status.AWARDED,
    Status.PARTIALLY_AWARDED,
    Status.REJECTED,
    Status.LETTER_SENT,
    Status.WITHDRAWN,
]


@dataclass
class Totals:
    requested: Decimal = ZERO
    awarded: Decimal = ZERO
    count: int = 0


@dataclass
class CallOverview:
    call: Call
    run: AllocationRun | None
    requested: Decimal
    awarded: Decimal
    oversubscription: Decimal | None
    per_network: list[tuple[str, Totals]]
    per_province: list[tuple[str, Totals]]
    pipeline: list[tuple[str, int]]
    points: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)


def calls_for_overview() -> QuerySet[Call]:
    return Call.objects.select_related("scheme").order_by("-opens_at", "pk")


def final_runs_by_call(calls: list[Call]) -> dict[int, AllocationRun]:
    runs = AllocationRun.objects.final().filter(call__in=calls)
    return {run.call_id: run for run in runs}


def _by_network(entries, networks: dict[int, list[str]]) -> list[tuple[str, Totals]]:
    """entries: (municipality_id, requested, awarded) triples."""
    totals = {code: Totals() for code in (*NETWORK_ORDER, NO_NETWORK)}
    for municipality_id, requested, awarded in entries:
        for code in groups(networks.get(municipality_id, ())):
            group = totals.setdefault(code, Totals())
            group.requested += requested
            group.awarded += awarded
            group.count += 1
    return [(label(code), group) for code, group in totals.items()]


def call_overview(call: Call) -> CallOverview:
    """Budget, requests, awards and the pipeline of one call; the awards come from its final run."""
    applications = list(
        Application.objects.filter(call=call).values_list(
            "pk", "status", "requested_amount", "municipality_id", "municipality__province"
        )
    )
    run = AllocationRun.objects.final_of(call)
    lines = (
        list(
            AllocationLine.objects.filter(run=run, included=True).values_list(
                "application_id", "awarded", "total_points", "application__reference", "application__municipality__name"
            )
        )
        if run
        else []
    )
    awarded_by_application = {application_id: awarded for application_id, awarded, *_rest in lines}
    networks = networks_in_call(call, {municipality_id for _pk, _s, _r, municipality_id, _p in applications})

    requested = ZERO
    entries = []
    provinces: dict[str, Totals] = defaultdict(Totals)
    pipeline = dict.fromkeys(PIPELINE, 0)
    for pk, status, amount, municipality_id, province in applications:
        pipeline[status] = pipeline.get(status, 0) + 1
        if status in NOT_COMPETING:  # not a request (yet): the applications a run takes are the requests
            continue
        amount = amount or ZERO
        awarded = awarded_by_application.get(pk, ZERO)
        requested += amount
        entries.append((municipality_id, amount, awarded))
        provinces[province].requested += amount
        provinces[province].awarded += awarded
        provinces[province].count += 1
    awarded_total = run.total_awarded if run else ZERO
    oversubscription = (requested / call.budget).quantize(Decimal("0.01")) if call.budget else None
    labels = dict(Status.choices)
    return CallOverview(
        call=call,
        run=run,
        requested=requested,
        awarded=awarded_total,
        oversubscription=oversubscription,
        per_network=_by_network(entries, networks),
        per_province=sorted(provinces.items()),
        pipeline=[(str(labels[status]), count) for status, count in pipeline.items()],
        points=[(f"{name} ({reference})", points, awarded) for _pk, awarded, points, reference, name in lines],
    )


# -------------------------------------------------------------------------------------------- portfolio


@dataclass
class PortfolioEntry:
    year: int
    scheme: str
    call: str
    call_id: int
    reference: str
    decision_number: str
    outcome: str
    amount: Decimal
    money: Figures | None = None  # the money after the award, once the letter is sent (``attach_money``)


@dataclass
class PortfolioMunicipality:
    municipality: Municipality
    networks: list[str]
    entries: list[PortfolioEntry] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((e.amount for e in self.entries), ZERO)


@dataclass
class Portfolio:
    municipalities: list[PortfolioMunicipality]
    years: list[int]
    per_network_year: dict[str, dict[int, Decimal]]  # network label -> year -> awarded
    total: Decimal

    @property
    def network_sum(self) -> Decimal:
        """The networks' totals added up: more than ``total`` when a municipality is in more than one network,
        as its award counts in each of them (the page says so)."""
        return sum((amount for by_year in self.per_network_year.values() for amount in by_year.values()), ZERO)


def portfolio(*, network: str = "", year: int | None = None) -> Portfolio:
    """Every decision with money, per municipality, across calls and years (the year the decision was taken).

    A decision counts for the networks its municipality was in on its call's closing date (``network_date``),
    as in its run; ``network`` keeps the decisions of members on that date. A municipality's row names the
    networks of its latest decision."""
    queryset = (
        Decision.objects.filter(amount__gt=0)
        .select_related("application__municipality", "application__call__scheme")
        .order_by("application__municipality__name", "decided_at", "number")
    )
    if year:
        queryset = queryset.filter(decided_at__year=year)  # the year in Amsterdam time (USE_TZ)
    decisions = list(queryset)
    memberships = Memberships({d.application.municipality_id for d in decisions})
    codes_of = {
        d.pk: memberships.on(d.application.municipality_id, network_date(d.application.call)) for d in decisions
    }
    if network:
        decisions = [d for d in decisions if network in codes_of[d.pk]]
    rows: dict[int, PortfolioMunicipality] = {}
    per_network_year: dict[str, dict[int, Decimal]] = {label(code): {} for code in (*NETWORK_ORDER, NO_NETWORK)}
    years: set[int] = set()
    for decision in decisions:
        application = decision.application
        municipality = application.municipality
        decided_year = timezone.localtime(decision.decided_at).year
        years.add(decided_year)
        codes = codes_of[decision.pk]
        entry = rows.setdefault(municipality.pk, PortfolioMunicipality(municipality, []))
        entry.networks = [label(code) for code in codes]
        entry.entries.append(
            PortfolioEntry(
                year=decided_year,
                scheme=application.call.scheme.name,
                call=application.call.title,
                call_id=application.call_id,
                reference=application.reference,
                decision_number=decision.number,
                outcome=decision.get_outcome_display(),
                amount=decision.amount,
            )
        )
        for code in groups(codes):
            bucket = per_network_year.setdefault(label(code), {})
            bucket[decided_year] = bucket.get(decided_year, ZERO) + decision.amount
    return Portfolio(
        municipalities=list(rows.values()),
        years=sorted(years),
        per_network_year=per_network_year,
        total=sum((d.amount for d in decisions), ZERO),
    )


def attach_money(portfolio: Portfolio, figures: dict[str, Figures]) -> None:
    """Give each entry the money after its award (``figures`` by decision number: the money overview's rows)."""
    for row in portfolio.municipalities:
        for entry in row.entries:
            entry.money = figures.get(entry.decision_number)
