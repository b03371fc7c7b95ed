"""The money overview as a file: one line per sent award (call, municipality, decision number, awarded, paid,
still due, lapsed, spent, settled, reclaimed) in CSV, XLSX or JSON, with the totals.

Written by the house's export writers (``exports.writers``), so text cells are made inert against formula
injection and the totals are summed exactly; amounts are decimals in every file. The lines are the rows of
``selectors.money_overview`` for the caller, so a file holds what the page shows. Every download is audited
with its scope, number of lines and totals.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import User
from allocations.exports.models import CONTENT_TYPES, ExportFormat, export_filename
from allocations.exports.services import Export, export_chunks
from allocations.exports.writers import Column, Figure
from allocations.money.selectors import MoneyOverview

MONEY_FIELDS = ("awarded", "paid", "still_due", "lapsed", "spent", "settled", "reclaimed")

COLUMNS = [
    Column("call", gettext_lazy("Ronde"), width=30),
    Column("call_code", gettext_lazy("Rondecode"), width=24),
    Column("cbs_code", gettext_lazy("CBS-code"), width=10),
    Column("municipality", gettext_lazy("Gemeente"), width=22),
    Column("decision_number", gettext_lazy("Beschikkingsnummer"), width=22),
    Column("awarded", gettext_lazy("Toegekend"), kind="money", total=True, width=16),
    Column("paid", gettext_lazy("Betaald"), kind="money", total=True, width=16),
    Column("still_due", gettext_lazy("Nog te betalen"), kind="money", total=True, width=16),
    Column("lapsed", gettext_lazy("Vervallen"), kind="money", total=True, width=16),
    Column("spent", gettext_lazy("Besteed"), kind="money", total=True, width=16),
    Column("settled", gettext_lazy("Vastgesteld"), kind="money", total=True, width=16),
    Column("reclaimed", gettext_lazy("Teruggevorderd"), kind="money", total=True, width=16),
]


def rows_of(overview: MoneyOverview) -> Iterator[tuple[Any, ...]]:
    for row in overview.rows:
        figures = row.figures
        yield (
            row.call.title,
            row.call.code,
            row.municipality.cbs_code,
            row.municipality.name,
            row.decision.number,
            *(getattr(figures, name) for name in MONEY_FIELDS),
        )


def _summary(overview: MoneyOverview) -> list[Figure]:
    total = overview.total
    return [
        Figure("decisions", gettext_lazy("Aantal beschikkingen"), len(overview.rows), "integer"),
        *(
            Figure(f"total_{column.key}", column.header, getattr(total, column.key), "money")
            for column in COLUMNS
            if column.key in MONEY_FIELDS
        ),
    ]


def export_money(*, overview: MoneyOverview, scope: dict[str, str], stem: str, by: User, fmt: str) -> Export:
    """The overview's lines as a file (404 for an unknown format), audited before it is sent."""
    if fmt not in ExportFormat.values:
        raise Http404
    total = overview.total
    audit.record(
        actor=by,
        verb="money_overview.exported",
        target=None,
        data={
            "format": fmt,
            **scope,
            "lines": len(overview.rows),
            **{name: f"{getattr(total, name) or 0:.2f}" for name in MONEY_FIELDS},
        },
    )
    chunks = export_chunks(fmt, COLUMNS, rows_of(overview), _summary(overview), _("Geldoverzicht"))
    return Export(export_filename(stem, fmt), CONTENT_TYPES[fmt], chunks)
