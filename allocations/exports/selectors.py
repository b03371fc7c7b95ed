"""Queries and data the export, overview, portfolio and context pages read.

The NPLV monitor figures come from a file shipped with the portal (public data from the programme's
progress report), read once per process: no database query, whatever the number of indicators.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from accounts.networks import label, ordered
from allocations.exports.writers import Column, Figure
from allocations.letters.models import Letter
from allocations.runs.models import AllocationLine, AllocationRun
from allocations.runs.reasons import describe
from allocations.runs.selectors import network_date
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
# The language of every value in an export's rows. The words of a decision are Dutch: the award letter, the
# decision and its motivation are Dutch, and that text is the record. An export is a copy of the record for
# finance, the archive and publication, and the same file must come out whoever asks and however it is made
# (a background job has no requester's language). So the reason's sentence and the decision's name are Dutch
# in CSV, XLSX and JSON alike; only the column headers and the summary's labels follow the requester's
# language, and the reason's code beside its sentence is the same in any language.
RECORD_LANGUAGE = "nl"

DECISION_COLUMNS = [
    Column("cbs_code", _("CBS-code"), width=10),
    Column("municipality", _("Gemeente"), width=22),
    Column("province", _("Provincie"), width=14),
    Column("networks", _("Netwerken"), width=18),
    Column("area", _("Gebied"), width=18),
    Column("application", _("Kenmerk aanvraag"), width=18),
    Column("title", _("Titel"), width=30),
    Column("requested", _("Aangevraagd"), kind="money", total=True, width=16),
    Column("reviewer_score", _("Punten beoordeling"), kind="decimal", width=10),
    Column("need_score", _("Punten behoefte"), kind="decimal", width=10),
    Column("bonus_score", _("Voorrangspunten"), kind="decimal", width=10),
    Column("total_points", _("Punten totaal"), kind="decimal", width=10),
    Column("rank", _("Rang"), kind="integer", width=7),
    Column("pot", _("Pot"), width=12),
    Column("awarded", _("Toegekend"), kind="money", total=True, width=16),
    Column("decision", _("Besluit"), width=18),
    Column("reason", _("Reden (code)"), width=16),
    Column("reason_text", _("Reden (Nederlandse tekst)"), width=60),
    Column("decision_number", _("Beschikkingsnummer"), width=20),
    Column("decided_on", _("Besluitdatum"), kind="date", width=12),
    Column("letter", _("Kenmerk beschikkingsbrief"), width=22),
    # The letter's date is the day it is (to be) sent, from which the objection term counts (Awb 6:8).
    Column("letter_date", _("Datum beschikkingsbrief"), kind="date", width=12),
    Column("sent_on", _("Verzonden op"), kind="date", width=12),
    Column("letter_sha256", _("SHA-256 beschikkingsbrief"), width=66),
]


def decision_columns() -> list[Column]:
    """The columns of DESIGN.md §8, plus the decision number, the letter and the reason as code and text."""
    return list(DECISION_COLUMNS)


def budget_figures(run: AllocationRun) -> list[Figure]:
    """The run's money, named the same in every export (JSON fields, the XLSX summary, the exports page).

    ``ceiling`` is the published ceiling (subsidieplafond), ``reserve`` what was kept out of the division
    (for objections), ``distributed`` what the run divided: the ceiling minus the reserve (or less, when the
    pots together hold less). ``awarded`` and ``unspent`` split what was divided. All come from the run as it
    was computed, never from the call, whose budget may have changed since. A run from before the policy was
    stored with it had no reserve: its ceiling is what it divided.
    """
    reserve = run.reserve if run.reserve is not None else Decimal("0.00")
    ceiling = run.published_ceiling if run.published_ceiling is not None else run.total_budget + reserve
    return [
        Figure("ceiling", _("Subsidieplafond"), ceiling, "money"),
        Figure("reserve", _("Reserve (voor bezwaren)"), reserve, "money"),
        Figure("distributed", _("Te verdelen"), run.total_budget, "money"),
        Figure("awarded", _("Toegekend"), run.total_awarded, "money"),
        Figure("unspent", _("Niet besteed"), run.total_unspent, "money"),
    ]


def decision_summary(run: AllocationRun) -> list[Figure]:
    """What a decision export says about its run: the JSON document's fields and the XLSX summary sheet."""
    return [
        Figure("run", _("Verdeling (id)"), run.pk, "integer"),
        Figure("call", _("Ronde"), run.call.code),
        Figure("number", _("Volgnummer"), run.number, "integer"),
        Figure("method", _("Methode"), run.method),
        Figure("approved_at", _("Goedgekeurd op"), run.approved_at, "datetime"),
        Figure("input_hash", _("Hash van de invoer (SHA-256)"), run.input_hash),
        *budget_figures(run),
        Figure("requested", _("Aangevraagd"), run.total_requested, "money"),
    ]


def export_lines(run: AllocationRun) -> QuerySet[AllocationLine]:
    """The lines a decision export holds: every application the run took, in rank order, with all it shows.

    A fixed number of queries per chunk of lines: the municipality and decision are joined, the memberships
    (with their periods: ``decision_row`` keeps those on the call's closing date) and the current letter
    prefetched.
    """
    return (
        AllocationLine.objects.filter(run=run, included=True)
        .select_related("application__municipality", "decision")
        .prefetch_related(
            Prefetch(
                "application__municipality__memberships",
                queryset=Membership.objects.select_related("network").only(
                    "municipality_id", "valid_from", "valid_to", "network__code"
                ),
            ),
            Prefetch(
                "decision__letters",
                queryset=Letter.objects.filter(superseded_at__isnull=True),
                to_attr="current_letters",
            ),
        )
        .order_by("rank", "pk")
    )


def _networks(municipality, on: datetime.date) -> str:
    """The municipality's networks on ``on``, in the order and with the labels of every page (``accounts.networks``)."""
    codes = ordered(m.network.code for m in municipality.memberships.all() if m.is_active_on(on))
    return ", ".join(label(code) for code in codes)


def decision_row(line: AllocationLine, *, networks_on: datetime.date) -> tuple[Any, ...]:
    """One line as a row of ``DECISION_COLUMNS``, its words in the active language (``decision_rows`` makes
    that Dutch). The reason is the line's stored ground, put into words, never worked out again. The networks
    are those on ``networks_on``, the run's call's ``network_date``, as the run read them."""
    application = line.application
    municipality = application.municipality
    decision = getattr(line, "decision", None)
    letter = decision.current_letters[0] if decision is not None and decision.current_letters else None
    decided_on = timezone.localdate(decision.decided_at) if decision is not None else None
    return (
        municipality.cbs_code,
        municipality.name,
        municipality.province,
        _networks(municipality, networks_on),
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
        describe(line.ground, line.reason),
        decision.number if decision is not None else "",
        decided_on,
        f"{decision.number}-v{letter.version}" if letter is not None and decision is not None else "",
        letter.letter_date if letter is not None else None,
        timezone.localdate(letter.sent_at) if letter is not None and letter.sent_at is not None else None,
        letter.sha256 if letter is not None else "",
    )


def decision_rows(run: AllocationRun) -> Iterator[tuple[Any, ...]]:
    """The export's rows in RECORD_LANGUAGE, read in chunks so a run of 100,000 lines never sits in memory
    at once. The language is switched per chunk and back before a row is handed on, so the code that
    writes the file (headers, a streamed response) keeps the requester's language."""
    on = network_date(run.call)
    lines = export_lines(run).iterator(chunk_size=ITERATOR_CHUNK)
    while chunk := list(islice(lines, ITERATOR_CHUNK)):
        with translation.override(RECORD_LANGUAGE):
            rows = [decision_row(line, networks_on=on) for line in chunk]
        yield from rows


# ---------------------------------------------------------------------------------- publication list


PUBLICATION_COLUMNS = [
    Column("cbs_code", _("CBS-code"), width=10),
    Column("municipality", _("Gemeente"), width=22),
    Column("province", _("Provincie"), width=14),
    Column("area", _("Gebied"), width=18),
    Column("title", _("Titel"), width=30),
    Column("awarded", _("Toegekend"), kind="money", total=True, width=16),
    Column("decision_number", _("Beschikkingsnummer"), width=20),
    Column("decided_on", _("Besluitdatum"), kind="date", width=12),
]


def publication_columns() -> list[Column]:
    """What may be published: who received how much for what. No points, reviewers or people."""
    return list(PUBLICATION_COLUMNS)


def publication_summary(call: Call, run: AllocationRun) -> list[Figure]:
    """What the publication list says about its call: the same money figures as every other export."""
    return [
        Figure("call", _("Ronde"), call.code),
        Figure("title", _("Titel"), call.title),
        Figure("run", _("Verdeling (id)"), run.pk, "integer"),
        *budget_figures(run),
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
