"""The payment order of one pay date for the financial system, as CSV or XLSX: per instalment the reference
to quote, the decision number, the municipality and its CBS code, the amount and the due date.

Written by the house's export writers (``exports.writers``), so every text cell is cleaned and made inert
(``accounts.text_safety``) and the totals are summed exactly. Only administrators download it, and every
download is audited with its number of lines and its total.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.exports.models import CONTENT_TYPES, ExportFormat, export_filename
from allocations.exports.services import Export, export_chunks
from allocations.exports.writers import Column, Figure
from allocations.payments import selectors
from allocations.payments.permissions import can_export_payment_orders

#: The financial system reads CSV or XLSX (JSON is the API's).
ORDER_FORMATS = (ExportFormat.CSV, ExportFormat.CSV_NL, ExportFormat.XLSX)
RECORD_LANGUAGE = "nl"

ORDER_COLUMNS = [
    Column("reference", gettext_lazy("Betalingskenmerk"), width=26),
    Column("decision_number", gettext_lazy("Beschikkingsnummer"), width=22),
    Column("cbs_code", gettext_lazy("CBS-code"), width=10),
    Column("municipality", gettext_lazy("Gemeente"), width=22),
    Column("amount", gettext_lazy("Bedrag"), kind="money", total=True, width=16),
    Column("due_on", gettext_lazy("Uiterste betaaldatum"), kind="date", width=14),
    Column("year", gettext_lazy("Jaar"), kind="integer", width=8),
    Column("sequence", gettext_lazy("Termijn"), kind="integer", width=8),
    Column("call", gettext_lazy("Ronde"), width=16),
    Column("status", gettext_lazy("Status"), width=22),
]


def order_filename(pay_date: datetime.date, fmt: str) -> str:
    return export_filename(f"betaalopdracht-{pay_date.isoformat()}", fmt)


def order_rows(pay_date: datetime.date) -> Iterator[tuple[Any, ...]]:
    for instalment in selectors.order_lines(pay_date):
        application = instalment.decision.application
        with translation.override(RECORD_LANGUAGE):
            status = str(instalment.get_status_display())
        yield (
            instalment.reference,
            instalment.decision.number,
            application.municipality.cbs_code,
            application.municipality.name,
            instalment.amount,
            instalment.due_on,
            instalment.year,
            instalment.sequence,
            application.call.code,
            status,
        )


def export_payment_order(*, pay_date: datetime.date, by, fmt: str) -> Export:
    """The pay date's payment order (403 for anyone but an administrator, 404 for an unknown format, 409
    when nothing was ordered for that date yet), audited before it is sent."""
    require(can_export_payment_orders(by))
    if fmt not in ORDER_FORMATS:
        raise Http404
    lines = selectors.order_lines(pay_date)
    sums = selectors.totals(lines)
    if not sums.count:
        raise TransitionNotAllowed(
            _("Voor %(date)s is nog geen betaalopdracht gegeven. Geef eerst de betaalopdracht.")
            % {"date": pay_date.isoformat()}
        )
    total = sums.ordered + sums.paid
    audit.record(
        actor=by,
        verb="payment_order.exported",
        target=None,
        data={"pay_date": pay_date.isoformat(), "format": fmt, "lines": sums.count, "total": f"{total:.2f}"},
    )
    summary = [
        Figure("pay_date", gettext_lazy("Betaaldatum"), pay_date, "date"),
        Figure("lines", gettext_lazy("Aantal termijnen"), sums.count, "integer"),
        Figure("total", gettext_lazy("Totaal"), total, "money"),
    ]
    chunks = export_chunks(fmt, ORDER_COLUMNS, order_rows(pay_date), summary, _("Betaalopdracht"))
    return Export(order_filename(pay_date, fmt), CONTENT_TYPES[fmt], chunks)
