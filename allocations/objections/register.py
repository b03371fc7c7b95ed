"""The objections register for the annual report, as CSV or XLSX: per case the decision objected to, the dates
the law counts, the hearing, the outcome, the days taken and the money the outcome changed.

Written by the house's export writers (``exports.writers``), so every text cell is cleaned and a text that a
spreadsheet would run as a formula stays text (``accounts.text_safety``). Only administrators download it, and
every download is audited with its year, format and number of cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.permissions import is_administrator, require
from allocations.exports.models import CONTENT_TYPES, ExportFormat, export_filename
from allocations.exports.services import Export, export_chunks
from allocations.exports.writers import Column, Figure
from allocations.letters.deadlines import local_today
from allocations.objections import selectors
from allocations.objections.models import CaseOutcome, ObjectionCase

#: A register for the annual report is read in a spreadsheet (JSON is the cases API's).
REGISTER_FORMATS = (ExportFormat.CSV, ExportFormat.CSV_NL, ExportFormat.XLSX)
RECORD_LANGUAGE = "nl"
#: Only an outcome that revokes the decision changes money (Awb 7:11); the re-run's extra is then paid on top.
MONEY_OUTCOMES = (CaseOutcome.FOUNDED, CaseOutcome.PARTLY_FOUNDED)
NO_MONEY = Decimal("0.00")

# The annual report of objections is staff work over every municipality: administrators only.
can_export_register = is_administrator

REGISTER_COLUMNS = [
    Column("case_number", gettext_lazy("Zaaknummer"), width=24),
    Column("decision_number", gettext_lazy("Beschikkingsnummer"), width=22),
    Column("municipality", gettext_lazy("Gemeente"), width=22),
    Column("cbs_code", gettext_lazy("CBS-code"), width=10),
    Column("channel", gettext_lazy("Ontvangen via"), width=10),
    Column("received_on", gettext_lazy("Ontvangen op"), kind="date"),
    Column("posted_on", gettext_lazy("Poststempel"), kind="date"),
    Column("timely", gettext_lazy("Tijdig volgens de termijn"), width=10),
    Column("timely_override", gettext_lazy("Tijdigheid vastgesteld"), width=10),
    Column("hearing", gettext_lazy("Hoorzitting"), width=16),
    Column("heard_on", gettext_lazy("Gehoord op"), kind="date"),
    Column("waiver_ground", gettext_lazy("Grond om niet te horen (Awb 7:3)"), width=30),
    Column("committee", gettext_lazy("Adviescommissie"), width=10),
    Column("postponed_weeks", gettext_lazy("Verdaagd (weken)"), kind="integer", width=10),
    Column("decided_on", gettext_lazy("Beslist op"), kind="date"),
    Column("outcome", gettext_lazy("Uitkomst"), width=16),
    Column("days_taken", gettext_lazy("Doorlooptijd (dagen)"), kind="integer", width=10),
    Column("money_changed", gettext_lazy("Extra toegekend"), kind="money", total=True, width=16),
    Column("status", gettext_lazy("Status"), width=18),
]


def register_filename(year: int | None, fmt: str) -> str:
    """``bezwarenregister-2027.csv``, or ``bezwarenregister.csv`` for every year."""
    return export_filename("bezwarenregister" + (f"-{year}" if year else ""), fmt)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("ja") if value else _("nee")


def _hearing(case: ObjectionCase) -> str:
    if case.hearing_held_on:
        return _("gehouden")
    if case.waiver_ground:
        return _("afgezien")
    if case.hearing_on:
        return _("gepland")
    return ""


def decided_on(case: ObjectionCase) -> datetime.date | None:
    """The Amsterdam day the case was decided (or the decision approved), ``None`` while it is open."""
    return local_today(case.decided_at) if case.decided_at else None


def days_taken(case: ObjectionCase) -> int | None:
    """Calendar days from receipt to decision; ``None`` while the case is open."""
    day = decided_on(case)
    return (day - case.received_on).days if day else None


def money_changed(case: ObjectionCase) -> Decimal:
    """The extra award of the re-run the case was decided on, where the outcome revoked the decision."""
    if case.outcome in MONEY_OUTCOMES and case.reconsideration is not None:
        return case.reconsideration.extra
    return NO_MONEY


def register_row(case: ObjectionCase) -> tuple[Any, ...]:
    """One case as a row of ``REGISTER_COLUMNS``, its labels in Dutch (the record's language)."""
    with translation.override(RECORD_LANGUAGE):
        return (
            case.number,
            case.decision.number,
            case.objector.name,
            case.objector.cbs_code,
            str(case.get_channel_display()),
            case.received_on,
            case.posted_on,
            _yes_no(case.timely_computed),
            _yes_no(case.timely_override),
            _hearing(case),
            case.hearing_held_on,
            str(case.get_waiver_ground_display()) if case.waiver_ground else "",
            _yes_no(case.advisory_committee),
            case.postponed_weeks,
            decided_on(case),
            str(case.get_outcome_display()) if case.outcome else "",
            days_taken(case),
            money_changed(case),
            str(case.get_status_display()),
        )


def register_rows(cases: list[ObjectionCase]) -> Iterator[tuple[Any, ...]]:
    for case in cases:
        yield register_row(case)


def export_register(*, by, fmt: str, year: int | None = None) -> Export:
    """The register of the cases received in ``year`` (every year with ``None``): a 403 for anyone but an
    administrator, a 404 for an unknown format; audited before it is sent."""
    require(can_export_register(by))
    if fmt not in REGISTER_FORMATS:
        raise Http404
    cases = list(selectors.register_cases(by, year=year))
    total = sum((money_changed(case) for case in cases), NO_MONEY)
    audit.record(
        actor=by,
        verb="objection_register.exported",
        target=None,
        data={"year": year, "format": fmt, "cases": len(cases), "money_changed": f"{total:.2f}"},
    )
    summary = [
        Figure("year", gettext_lazy("Jaar van ontvangst"), year, "integer"),
        Figure("cases", gettext_lazy("Aantal bezwaren"), len(cases), "integer"),
        Figure("money_changed", gettext_lazy("Extra toegekend"), total, "money"),
    ]
    chunks = export_chunks(fmt, REGISTER_COLUMNS, register_rows(cases), summary, _("Bezwarenregister"))
    return Export(register_filename(year, fmt), CONTENT_TYPES[fmt], chunks)
