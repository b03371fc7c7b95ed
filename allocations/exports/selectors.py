"""Queries and data the export, overview, portfolio and context pages read.

The NPLV monitor figures come from a file shipped with the portal (public data from the programme's
progress report), read once per process: no database query, whatever the number of indicators.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
