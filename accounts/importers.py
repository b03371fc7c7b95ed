"""Loading reference data from CSV: municipalities, network memberships and indicator values.

Every importer first validates every row and only then writes, in one transaction: a file with a bad
row changes nothing, and the error names the line and what is wrong. Loading the same file twice
gives the same database (idempotent).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Indicator, IndicatorValue, Membership, Municipality, Network, Province

NETWORKS = {
    Network.NPLV: (
        "NPLV-focusgebieden",
        "Nationaal Programma Leefbaarheid en Veiligheid: 20 stedelijke focusgebieden in 19 gemeenten.",
    ),
    Network.M50: ("M50", "Netwerk van middelgrote gemeenten (M50)."),
    Network.NEW_TOWN: ("New Town Alliantie", "Voormalige groeikernen in de New Town Alliantie."),
}

INDICATORS = {
    "leefbaarometer_weak_or_lower": (
        "Woningen in gebied met Leefbaarometer 'zwak' of lager",
        "Aandeel woningen in een gebied met Leefbaarometer-score 'zwak' of lager.",
    ),
    "households_below_poverty_line": (
        "Huishoudens onder de armoedegrens",
        "Aandeel huishoudens met een inkomen onder de lage-inkomensgrens.",
    ),
    "social_assistance": (
        "Huishoudens met bijstand",
        "Aandeel huishoudens met een bijstandsuitkering.",
    ),
}

MUNICIPALITY_COLUMNS = ["cbs_code", "name", "province", "population", "population_year"]
MEMBERSHIP_COLUMNS = ["cbs_code", "name", "network", "area_name", "valid_from", "source"]
INDICATOR_COLUMNS = ["indicator", "cbs_code", "year", "value"]

CBS_CODE = re.compile(r"^GM\d{4}$")


class ImportFailed(Exception):
    """Raised with every problem found; nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _read_rows(source: Path | str | io.TextIOBase, columns: list[str], label: str) -> list[tuple[int, dict]]:
    if isinstance(source, (str, Path)):
        with open(source, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    else:
        text = source.read()
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed(
            [
                _("%(file)s: kolommen ontbreken: %(missing)s (verwacht: %(expected)s).")
                % {"file": label, "missing": ", ".join(missing), "expected": ", ".join(columns)}
            ]
        )
    rows = []
    for row in reader:
        if None in row:
            raise ImportFailed(
                [_("%(file)s, regel %(line)s: te veel kolommen.") % {"file": label, "line": reader.line_num}]
            )
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items()}))
    return rows


def _partial_date(text: str) -> datetime.date:
    """'2022' → 1 Jan 2022, '2023-04' → 1 Apr 2023, '2023-04-15' as is."""
    parts = text.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    year, month, day = (int(p) for p in [*parts, "1", "1"][:3])
    return datetime.date(year, month, day)


def _int(text: str, *, low: int, high: int) -> int:
    value = int(text)
    if not low <= value <= high:
        raise ValueError(text)
    return value


def ensure_networks() -> dict[str, Network]:
    networks = {}
    for code, (name, description) in NETWORKS.items():
        networks[code], _created = Network.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    return networks


def ensure_indicators() -> dict[str, Indicator]:
    indicators = {}
    for code, (name, description) in INDICATORS.items():
        indicators[code], _created = Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "unit": "%"}
        )
    return indicators


def load_municipalities(source, label: str = "municipalities.csv") -> ImportReport:
    rows = _read_rows(source, MUNICIPALITY_COLUMNS, label)
    errors: list[str] = []
    parsed: dict[str, dict] = {}
    provinces = set(Province.values)
    for line, row in rows:
        where = _("%(file)s, regel %(line)s") % {"file": label, "line": line}
        code = row["cbs_code"]
        if not CBS_CODE.match(code):
            errors.append(
                _("%(where)s: ongeldige CBS-code '%(code)s' (verwacht GM en vier cijfers).")
                % {"where": where, "code": code}
            )
            continue
        if code in parsed:
            errors.append(_("%(where)s: CBS-code %(code)s komt twee keer voor.") % {"where": where, "code": code})
            continue
        if not row["name"]:
            errors.append(_("%(where)s: de naam ontbreekt.") % {"where": where})
        if row["province"] not in provinces:
            errors.append(
                _("%(where)s: onbekende provincie '%(province)s'.") % {"where": where, "province": row["province"]}
            )
        try:
            inhabitants = _int(row["population"], low=1, high=10_000_000)
        except ValueError:
            errors.append(
                _("%(where)s: aantal inwoners '%(value)s' is geen positief geheel getal.")
                % {"where": where, "value": row["population"]}
            )
            inhabitants = None
        try:
            year = _int(row["population_year"], low=1900, high=2100)
        except ValueError:
            errors.append(
                _("%(where)s: peiljaar '%(value)s' is geen geldig jaar.")
                % {"where": where, "value": row["population_year"]}
            )
            year = None
        parsed[code] = {
            "name": row["name"],
            "province": row["province"],
            "inhabitants": inhabitants,
            "inhabitants_year": year,
        }
    if errors:
        raise ImportFailed(errors)

    report = ImportReport()
    with transaction.atomic():
        existing = {m.cbs_code: m for m in Municipality.objects.all()}
        for code, values in parsed.items():
            current = existing.get(code)
            if current is None:
                Municipality.objects.create(cbs_code=code, **values)
                report.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def load_memberships(source, label: str = "memberships.csv") -> ImportReport:
    rows = _read_rows(source, MEMBERSHIP_COLUMNS, label)
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    errors: list[str] = []
    parsed: dict[tuple[str, str, str], dict] = {}
    for line, row in rows:
        where = _("%(file)s, regel %(line)s") % {"file": label, "line": line}
        code, network = row["cbs_code"], row["network"]
        municipality = municipalities.get(code)
        if municipality is None:
            errors.append(
                _("%(where)s: gemeente %(code)s bestaat niet; laad eerst de gemeenten.")
                % {"where": where, "code": code}
            )
        elif row["name"] and row["name"] != municipality.name:
            errors.append(
                _("%(where)s: naam '%(name)s' hoort niet bij %(code)s (%(expected)s).")
                % {"where": where, "name": row["name"], "code": code, "expected": municipality.name}
            )
        if network not in NETWORKS:
            errors.append(
                _("%(where)s: onbekend netwerk '%(network)s' (bekend: %(known)s).")
                % {"where": where, "network": network, "known": ", ".join(NETWORKS)}
            )
        try:
            valid_from = _partial_date(row["valid_from"])
        except ValueError:
            errors.append(
                _("%(where)s: datum '%(value)s' is geen geldige datum (JJJJ, JJJJ-MM of JJJJ-MM-DD).")
                % {"where": where, "value": row["valid_from"]}
            )
            valid_from = None
        key = (code, network, row["area_name"])
        if key in parsed:
            errors.append(_("%(where)s: dit lidmaatschap staat er twee keer in.") % {"where": where})
        parsed[key] = {"valid_from": valid_from, "source": row["source"]}
    if errors:
        raise ImportFailed(errors)

    report = ImportReport()
    with transaction.atomic():
        networks = ensure_networks()
        existing = {
            (m.municipality.cbs_code, m.network.code, m.area_name): m
            for m in Membership.objects.select_related("municipality", "network")
        }
        for (code, network, area), values in parsed.items():
            current = existing.get((code, network, area))
            if current is None:
                Membership.objects.create(
                    municipality=municipalities[code], network=networks[network], area_name=area, **values
                )
                report.created += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report


def load_indicator_values(
    source, label: str = "indicatoren.csv", *, is_demo: bool = False, source_note: str = ""
) -> ImportReport:
    """Indicator values per municipality and year: ``indicator,cbs_code,year,value`` (optional ``source``)."""
    rows = _read_rows(source, INDICATOR_COLUMNS, label)
    indicators = {i.code: i for i in Indicator.objects.all()} or ensure_indicators()
    municipalities = {m.cbs_code: m for m in Municipality.objects.all()}
    errors: list[str] = []
    parsed: dict[tuple[str, str, int], dict] = {}
    for line, row in rows:
        where = _("%(file)s, regel %(line)s") % {"file": label, "line": line}
        indicator = indicators.get(row["indicator"])
        if indicator is None:
            errors.append(
                _("%(where)s: onbekende indicator '%(code)s' (bekend: %(known)s).")
                % {"where": where, "code": row["indicator"], "known": ", ".join(sorted(indicators))}
            )
        if row["cbs_code"] not in municipalities:
            errors.append(_("%(where)s: gemeente %(code)s bestaat niet.") % {"where": where, "code": row["cbs_code"]})
        try:
            year = _int(row["year"], low=1990, high=2100)
        except ValueError:
            errors.append(
                _("%(where)s: jaar '%(value)s' is geen geldig jaar.") % {"where": where, "value": row["year"]}
            )
            year = 0
        try:
            value = Decimal(row["value"].replace(",", "."))
            if not value.is_finite():
                raise InvalidOperation
            value = value.quantize(Decimal("0.001"))
            if indicator is not None and indicator.unit == "%" and not Decimal(0) <= value <= Decimal(100):
                errors.append(
                    _("%(where)s: percentage %(value)s ligt niet tussen 0 en 100.")
                    % {"where": where, "value": row["value"]}
                )
        except (InvalidOperation, ValueError):
            errors.append(_("%(where)s: waarde '%(value)s' is geen getal.") % {"where": where, "value": row["value"]})
            value = None
        key = (row["indicator"], row["cbs_code"], year)
        if key in parsed:
            errors.append(_("%(where)s: deze indicator, gemeente en jaar staan er twee keer in.") % {"where": where})
        parsed[key] = {"value": value, "source": row.get("source", "") or source_note}
    if errors:
        raise ImportFailed(errors)

    report = ImportReport()
    with transaction.atomic():
        existing = {
            (v.indicator.code, v.municipality.cbs_code, v.year): v
            for v in IndicatorValue.objects.select_related("indicator", "municipality")
        }
        for (code, cbs_code, year), values in parsed.items():
            current = existing.get((code, cbs_code, year))
            if current is None:
                IndicatorValue.objects.create(
                    indicator=indicators[code],
                    municipality=municipalities[cbs_code],
                    year=year,
                    is_demo=is_demo,
                    **values,
                )
                report.created += 1
            elif current.value != values["value"] or current.source != values["source"] or current.is_demo != is_demo:
                current.value, current.source, current.is_demo = values["value"], values["source"], is_demo
                current.save()
                report.updated += 1
            else:
                report.unchanged += 1
    return report
