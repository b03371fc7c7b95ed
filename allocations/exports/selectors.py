"""Queries and data the export, overview, portfolio and context pages read.

The NPLV monitor figures come from a file shipped with the portal (public data from the programme's
progress report), read once per process: no database query, whatever the number of indicators.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from allocations.exports.writers import Column
from allocations.letters.models import Letter
from allocations.runs.models import AllocationLine, AllocationRun, RunStatus
from applications.models import Call

MONITOR_FILE = "nplv_monitor_2018_2024.csv"

# Dutch names and a theme for each indicator key of the monitor file, in the order the page shows them.
MONITOR_INDICATORS: dict[str, tuple[Promise, Promise]] = {
    "leefbaarometer_weak_or_lower": (
        _("Woningen in een gebied met Leefbaarometer-score ‘zwak’ of lager"),
        _("Leefbaarheid"),
    ),
    "leefbaarometer_nuisance_negative": (
        _("Woningen met een (zeer) negatieve score op overlast en onveiligheid"),
        _("Leefbaarheid"),
    ),
    "leefbaarometer_housing_negative": (
        _("Woningen met een (zeer) negatieve score op woningvoorraad"),
        _("Leefbaarheid"),
    ),
    "households_below_poverty_line": (_("Huishoudens onder de armoedegrens"), _("Inkomen en schulden")),
    "children_below_poverty_line": (_("Kinderen in huishoudens onder de armoedegrens"), _("Inkomen en schulden")),
    "households_problematic_debt": (_("Huishoudens met problematische schulden"), _("Inkomen en schulden")),
    "social_assistance": (_("Personen van 15 jaar en ouder in de bijstand"), _("Inkomen en schulden")),
    "energy_poor_households": (_("Huishoudens in energiearmoede"), _("Inkomen en schulden")),
    "net_labour_participation": (_("Werkzame beroepsbevolking, 15–74 jaar"), _("Werk en onderwijs")),
    "youth_labour_participation": (_("Werkzame jongeren, 15–24 jaar"), _("Werk en onderwijs")),
    "no_start_qualification_not_in_education": (
        _("Inwoners zonder startkwalificatie die geen onderwijs volgen"),
        _("Werk en onderwijs"),
    ),
    "youth_suspects_12_17": (_("Jongeren van 12–17 jaar verdacht van een misdrijf"), _("Veiligheid")),
    "youth_suspects_18_22": (_("Jongvolwassenen van 18–22 jaar verdacht van een misdrijf"), _("Veiligheid")),
    "perceived_health_good": (_("Volwassenen die hun gezondheid (zeer) goed noemen"), _("Gezondheid")),
    "tenure_social_rent": (_("Woningen in bezit van een woningcorporatie"), _("Wonen")),
    "tenure_private_rent": (_("Particuliere huurwoningen"), _("Wonen")),
    "tenure_owner_occupied": (_("Koopwoningen"), _("Wonen")),
    "energy_label_e_to_g": (_("Woningen met energielabel E, F of G"), _("Wonen")),
}


@dataclass(frozen=True)
class MonitorIndicator:
    key: str
    label: str
    theme: str
    description: str  # the source's own (English) wording, kept for the record
    years: tuple[tuple[int, Decimal, Decimal], ...]  # (year, NPLV average %, Netherlands average %)


@lru_cache(maxsize=4)
def _read_monitor(path: Path) -> tuple[tuple[str, str, int, Decimal, Decimal], ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            (
                row["indicator"],
                row["description"],
                int(row["year"]),
                Decimal(row["nplv_average_pct"]),
                Decimal(row["netherlands_average_pct"]),
            )
            for row in csv.DictReader(handle)
        )


def monitor_indicators() -> list[MonitorIndicator]:
    """The monitor's indicators in page order, each with its figures per year (years without one left out)."""
    rows = _read_monitor(Path(settings.REFERENCE_DATA_DIR) / MONITOR_FILE)
    grouped: dict[str, list[tuple[int, Decimal, Decimal]]] = {}
    descriptions: dict[str, str] = {}
    for key, description, year, nplv, netherlands in rows:
        grouped.setdefault(key, []).append((year, nplv, netherlands))
        descriptions[key] = description
    order = list(MONITOR_INDICATORS)
    keys = sorted(grouped, key=lambda k: (order.index(k) if k in order else len(order), k))
    indicators = []
    for key in keys:
        label, theme = MONITOR_INDICATORS.get(key, (descriptions[key], _("Overig")))
        indicators.append(MonitorIndicator(key, str(label), str(theme), descriptions[key], tuple(sorted(grouped[key]))))
    return indicators


# ------------------------------------------------------------------------------------ decision exports

ITERATOR_CHUNK = 2_000


def decision_columns() -> list[Column]:
    """The columns of DESIGN.md §8, plus the decision number and the letter, headers in the active language."""
    return [
        Column("cbs_code", gettext_now("CBS-code"), width=10),
        Column("municipality", gettext_now("Gemeente"), width=22),
        Column("province", gettext_now("Provincie"), width=14),
        Column("networks", gettext_now("Netwerken"), width=18),
        Column("area", gettext_now("Gebied"), width=18),
        Column("application", gettext_now("Kenmerk aanvraag"), width=18),
        Column("title", gettext_now("Titel"), width=30),
        Column("requested", gettext_now("Aangevraagd"), kind="money", total=True, width=16),
        Column("reviewer_score", gettext_now("Punten beoordeling"), kind="decimal", width=10),
        Column("need_score", gettext_now("Punten behoefte"), kind="decimal", width=10),
        Column("bonus_score", gettext_now("Voorrangspunten"), kind="decimal", width=10),
        Column("total_points", gettext_now("Punten totaal"), kind="decimal", width=10),
        Column("rank", gettext_now("Rang"), kind="integer", width=7),
        Column("pot", gettext_now("Pot"), width=12),
        Column("awarded", gettext_now("Toegekend"), kind="money", total=True, width=16),
        Column("decision", gettext_now("Besluit"), width=18),
        Column("reason", gettext_now("Reden"), width=18),
        Column("decision_number", gettext_now("Beschikkingsnummer"), width=20),
        Column("decided_on", gettext_now("Besluitdatum"), kind="date", width=12),
        Column("letter", gettext_now("Kenmerk beschikkingsbrief"), width=22),
        Column("letter_sha256", gettext_now("SHA-256 beschikkingsbrief"), width=66),
    ]


def export_lines(run: AllocationRun) -> QuerySet[AllocationLine]:
    """The lines a decision export holds: every application the run took, in rank order, with all it shows.

    A fixed number of queries per chunk of lines: the municipality and decision are joined, the networks
    and the current letter prefetched.
    """
    return (
        AllocationLine.objects.filter(run=run, included=True)
        .select_related("application__municipality", "decision")
        .prefetch_related(
            Prefetch(
                "application__municipality__memberships",
                queryset=Membership.objects.select_related("network").order_by("network__code"),
            ),
            Prefetch(
                "decision__letters",
                queryset=Letter.objects.filter(superseded_at__isnull=True),
                to_attr="current_letters",
            ),
        )
        .order_by("rank", "pk")
    )


def _networks(municipality) -> str:
    names: list[str] = []
    for membership in municipality.memberships.all():
        if membership.network.name not in names:
            names.append(membership.network.name)
    return ", ".join(names)


def decision_row(line: AllocationLine) -> tuple[Any, ...]:
    application = line.application
    municipality = application.municipality
    decision = getattr(line, "decision", None)
    letter = decision.current_letters[0] if decision is not None and decision.current_letters else None
    decided_on = timezone.localdate(decision.decided_at) if decision is not None else None
    return (
        municipality.cbs_code,
        municipality.name,
        municipality.province,
        _networks(municipality),
        application.area_name,
        application.reference,
        application.title,
        line.requested,
        line.reviewer_score,
        line.need_score,
        line.bonus_score,
        line.total_points,
        line.rank,
        line.pot,
        line.awarded,
        decision.get_outcome_display() if decision is not None else "",
        line.reason,
        decision.number if decision is not None else "",
        decided_on,
        f"{decision.number}-v{letter.version}" if letter is not None and decision is not None else "",
        letter.sha256 if letter is not None else "",
    )


def decision_rows(run: AllocationRun) -> Iterator[tuple[Any, ...]]:
    """The export's rows, read in chunks so a run of 100,000 lines never sits in memory at once."""
    for line in export_lines(run).iterator(chunk_size=ITERATOR_CHUNK):
        yield decision_row(line)


def final_run_of(call: Call) -> AllocationRun | None:
    return AllocationRun.objects.filter(call=call, status=RunStatus.FINAL).select_related("call").first()


# ---------------------------------------------------------------------------------- publication list


def publication_columns() -> list[Column]:
    """What may be published: who received how much for what. No points, reviewers or people."""
    return [
        Column("cbs_code", gettext_now("CBS-code"), width=10),
        Column("municipality", gettext_now("Gemeente"), width=22),
        Column("province", gettext_now("Provincie"), width=14),
        Column("area", gettext_now("Gebied"), width=18),
        Column("title", gettext_now("Titel"), width=30),
        Column("awarded", gettext_now("Toegekend"), kind="money", total=True, width=16),
        Column("decision_number", gettext_now("Beschikkingsnummer"), width=20),
        Column("decided_on", gettext_now("Besluitdatum"), kind="date", width=12),
    ]


def publication_rows(run: AllocationRun) -> Iterator[tuple[Any, ...]]:
    lines = (
        AllocationLine.objects.filter(run=run, included=True, awarded__gt=0)
        .select_related("application__municipality", "decision")
        .order_by("application__municipality__name", "application__reference")
    )
    for line in lines.iterator(chunk_size=ITERATOR_CHUNK):
        application, decision = line.application, getattr(line, "decision", None)
        yield (
            application.municipality.cbs_code,
            application.municipality.name,
            application.municipality.province,
            application.area_name,
            application.title,
            line.awarded,
            decision.number if decision is not None else "",
            timezone.localdate(decision.decided_at) if decision is not None else None,
        )
