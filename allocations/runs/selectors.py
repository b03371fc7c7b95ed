"""Queries for the allocation pages and the API, each a fixed number of queries however many lines; and the
shared rules of a run's inputs: the applications that compete in it and the day their networks are read."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from accounts.money import euros
from accounts.networks import NETWORK_ORDER, NO_NETWORK, groups, label, networks_on
from allocations.runs.models import (
    AllocationLine,
    AllocationPolicy,
    AllocationRun,
    AreaReservation,
    Decision,
    LineSplit,
    PolicyPot,
)
from applications.assessment import points
from applications.models import Application, Call, Status

#: An application competes in a run of its call from its submission on, unless it is withdrawn: a run takes
#: every one of them (those still in review get a line that is not included), and approval refuses a run that
#: misses one.
NOT_COMPETING = (Status.DRAFT, Status.WITHDRAWN)


def competing_applications(call: Call | int) -> QuerySet[Application]:
    """The applications that compete in a run of the call (a call or its id): ``NOT_COMPETING`` left out."""
    return Application.objects.filter(call=call).exclude(status__in=NOT_COMPETING)


def policy_of(call: Call) -> AllocationPolicy:
    """The call's policy, or an unsaved default whose minimum is the call's assessment minimum."""
    policy = AllocationPolicy.objects.filter(call=call).first()
    if policy is None:
        policy = AllocationPolicy(call=call)
    return policy


def policy_with_parts(policy: AllocationPolicy) -> AllocationPolicy:
    if policy.pk is None:
        return policy
    return (
        AllocationPolicy.objects.select_related("call")
        .prefetch_related(
            Prefetch("pots", queryset=PolicyPot.objects.select_related("network", "spill_to")),
            Prefetch("reservations", queryset=AreaReservation.objects.select_related("municipality")),
        )
        .get(pk=policy.pk)
    )


def assessment_minimum(call: Call) -> Decimal | None:
    return points.assessment_settings(call).min_total_points


@dataclass(frozen=True)
class Minimums:
    """The minimums that decide whether an application competes at all, with where each comes from.

    The assessment's minimum reviewer score and minimum total always apply; the policy's minimum total,
    when set, takes the place of the assessment's minimum total in the run (``total`` and ``total_source``).
    """

    reviewer_score: Decimal | None  # the assessment's minimum reviewer score
    assessment_total: Decimal | None  # the assessment's minimum total
    policy_total: Decimal | None  # the allocation policy's own minimum total

    @property
    def total(self) -> Decimal | None:
        return self.policy_total if self.policy_total is not None else self.assessment_total

    @property
    def total_source(self) -> str | None:
        if self.policy_total is not None:
            return "policy"
        return "assessment" if self.assessment_total is not None else None


def minimums_of(call: Call, policy: AllocationPolicy) -> Minimums:
    settings = points.assessment_settings(call)
    return Minimums(
        reviewer_score=settings.min_reviewer_score,
        assessment_total=settings.min_total_points,
        policy_total=policy.min_points,
    )


def runs_of(call: Call) -> QuerySet[AllocationRun]:
    return AllocationRun.objects.filter(call=call).select_related("started_by", "approved_by").order_by("-number")


def run_for(pk: int) -> AllocationRun | None:
    return (
        AllocationRun.objects.select_related("call", "call__scheme", "started_by", "approved_by").filter(pk=pk).first()
    )


def lines_of(run: AllocationRun) -> QuerySet[AllocationLine]:
    return (
        AllocationLine.objects.filter(run=run)
        .select_related("application", "application__municipality")
        .order_by(F("rank").asc(nulls_last=True), "application__reference")
    )


class LineTotal(NamedTuple):
    """What the run's totals (``summarise``) read of a line: no texts, points or breakdowns."""

    municipality_id: int
    included: bool
    pot: str
    funded_from: dict[str, int]
    requested: Decimal
    awarded: Decimal


def line_totals(run: AllocationRun) -> list[LineTotal]:
    """Every line of the run as a plain row, in no particular order (the default order joins the run and the
    call only to sort, and model instances cost more than the sums they feed)."""
    rows = (
        AllocationLine.objects.filter(run=run)
        .order_by()
        .values_list("application__municipality_id", "included", "pot", "funded_from", "requested", "awarded")
    )
    return [LineTotal(*row) for row in rows]


def lines_for_page(run: AllocationRun) -> QuerySet[AllocationLine]:
    """The lines as the run page shows them, in order: the line, and of its application only the name."""
    return lines_of(run).only(
        *(f.name for f in AllocationLine._meta.concrete_fields),
        "application__reference",
        "application__area_name",
        "application__municipality__name",
    )


def lines_with_splits(run: AllocationRun) -> QuerySet[AllocationLine]:
    return lines_of(run).prefetch_related(
        Prefetch("splits", queryset=LineSplit.objects.select_related("theme").order_by("year", "theme__order"))
    )


def network_date(call: Call) -> datetime.date:
    """The day a call's applicants' networks are read on, by the run and by every page and export of its money:
    the call's closing date (Amsterdam time)."""
    return timezone.localdate(call.closes_at)


def networks_in_call(call: Call, municipality_ids) -> dict[int, list[str]]:
    """Per municipality its networks on the call's ``network_date`` (``accounts.networks``)."""
    return networks_on(municipality_ids, on=network_date(call))


@dataclass
class Totals:
    """Requested, awarded and funded per group; an applicant in several networks counts in each."""

    label: str = ""
    requested: Decimal = Decimal("0.00")
    awarded: Decimal = Decimal("0.00")
    count: int = 0
    funded: int = 0


@dataclass
class RunSummary:
    per_network: dict[str, Totals] = field(default_factory=dict)
    per_pot: dict[str, Totals] = field(default_factory=dict)


def summarise(run: AllocationRun, lines: list[LineTotal], networks: dict[int, list[str]]) -> RunSummary:
    summary = RunSummary(per_network={code: Totals(label(code)) for code in (*NETWORK_ORDER, NO_NETWORK)})
    for line in lines:
        if not line.included:
            continue
        for code in groups(networks.get(line.municipality_id, ())):
            _add(summary.per_network.setdefault(code, Totals(label(code))), line, line.awarded)
        home = summary.per_pot.setdefault(line.pot or "–", Totals())
        home.requested += line.requested
        home.count += 1
    for pot in run.pot_totals:
        totals = summary.per_pot.setdefault(pot["name"], Totals())
        totals.awarded = euros(pot["spent"])
    for line in lines:
        for name in line.funded_from:
            if name in summary.per_pot:
                summary.per_pot[name].funded += 1
    return summary


def _add(totals: Totals, line: LineTotal, awarded: Decimal) -> None:
    totals.requested += line.requested
    totals.awarded += awarded
    totals.count += 1
    totals.funded += 1 if awarded > 0 else 0


def decision_of(application) -> Decision | None:
    return (
        Decision.objects.select_related("run", "line")
        .prefetch_related(
            Prefetch(
                "line__splits", queryset=LineSplit.objects.select_related("theme").order_by("year", "theme__order")
            )
        )
        .filter(application=application)
        .first()
    )
