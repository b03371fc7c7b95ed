"""Selectors for the administrator's overview of a call and the portfolio across calls and years.

Each reads a fixed number of queries whatever the number of applications, and sums money in Decimal.
A municipality can belong to several networks (Nieuwegein is NPLV, M50 and New Town), so the totals per
network overlap; "other" holds the municipalities in none of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Municipality, Network
from allocations.runs.models import AllocationLine, AllocationRun, Decision
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
NOT_REQUESTED = (Status.DRAFT, Status.WITHDRAWN)
NETWORK_ORDER = [Network.NPLV, Network.M50, Network.NEW_TOWN]
OTHER = "OTHER"


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


def _network_labels() -> dict[str, str]:
    names = dict(Network.objects.values_list("code", "name"))
    return {**{code: names.get(code, code) for code in NETWORK_ORDER}, OTHER: _("Overig")}


def _networks_of(municipality_ids: set[int]) -> dict[int, set[str]]:
    networks: dict[int, set[str]] = defaultdict(set)
    rows = Membership.objects.filter(municipality_id__in=municipality_ids).values_list(
        "municipality_id", "network__code"
    )
    for municipality_id, code in rows:
        networks[municipality_id].add(code)
    return networks


def _by_network(entries, networks, labels) -> list[tuple[str, Totals]]:
    """entries: (municipality_id, requested, awarded) triples."""
    totals = {code: Totals() for code in [*NETWORK_ORDER, OTHER]}
    for municipality_id, requested, awarded in entries:
        codes = [c for c in networks.get(municipality_id, ()) if c in NETWORK_ORDER] or [OTHER]
        for code in codes:
            totals[code].requested += requested
            totals[code].awarded += awarded
            totals[code].count += 1
    return [(labels[code], totals[code]) for code in [*NETWORK_ORDER, OTHER]]


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
    networks = _networks_of({municipality_id for _pk, _s, _r, municipality_id, _p in applications})

    requested = ZERO
    entries = []
    provinces: dict[str, Totals] = defaultdict(Totals)
    pipeline = dict.fromkeys(PIPELINE, 0)
    for pk, status, amount, municipality_id, province in applications:
        pipeline[status] = pipeline.get(status, 0) + 1
        if status in NOT_REQUESTED:
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
        per_network=_by_network(entries, networks, _network_labels()),
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


def portfolio(*, network: str = "", year: int | None = None) -> Portfolio:
    """Every decision with money, per municipality, across calls and years (the year the decision was taken)."""
    decisions = (
        Decision.objects.filter(amount__gt=0)
        .select_related("application__municipality", "application__call__scheme")
        .order_by("application__municipality__name", "decided_at", "number")
    )
    if network:
        decisions = decisions.filter(application__municipality__memberships__network__code=network).distinct()
    if year:
        decisions = decisions.filter(decided_at__year=year)  # the year in Amsterdam time (USE_TZ)
    decisions = list(decisions)
    networks = _networks_of({d.application.municipality_id for d in decisions})
    labels = _network_labels()
    rows: dict[int, PortfolioMunicipality] = {}
    per_network_year: dict[str, dict[int, Decimal]] = {labels[code]: {} for code in [*NETWORK_ORDER, OTHER]}
    years: set[int] = set()
    for decision in decisions:
        application = decision.application
        municipality = application.municipality
        decided_year = timezone.localtime(decision.decided_at).year
        years.add(decided_year)
        codes = sorted(networks.get(municipality.pk, set()) & set(NETWORK_ORDER), key=NETWORK_ORDER.index)
        entry = rows.setdefault(municipality.pk, PortfolioMunicipality(municipality, [labels[c] for c in codes]))
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
        for code in codes or [OTHER]:
            bucket = per_network_year[labels[code]]
            bucket[decided_year] = bucket.get(decided_year, ZERO) + decision.amount
    return Portfolio(
        municipalities=list(rows.values()),
        years=sorted(years),
        per_network_year=per_network_year,
        total=sum((d.amount for d in decisions), ZERO),
    )
