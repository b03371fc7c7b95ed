"""Reading the paid dates from the financial system's CSV export.

The file has a header row with the columns ``reference`` (the payment reference the payment order gave, e.g.
``NPLV-2027-000123-T1``), ``amount`` (``1234.56`` or ``1234,56``) and ``paid_on`` (``2027-04-10`` or
``10-04-2027``), and optionally ``decision_number``; the Dutch names ``kenmerk``, ``bedrag``, ``betaaldatum`` and
``beschikkingsnummer`` are read too. Comma or semicolon between the cells, UTF-8 (with or without a BOM).

Every row is checked before anything is written: a malformed row, an unknown reference, an amount that is not
the instalment's, a date in the future or before the letter, an instalment that was not ordered (or was paid
on another day, or lapsed) — each is reported with its line, and the whole file is refused: nothing is read.
A row for an instalment already recorded as paid on the same day with the same amount is left as it is, so
reading the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.permissions import require
from accounts.text_safety import clean_text
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource
from allocations.payments.permissions import can_manage_payments
from allocations.payments.services import check_paid_on, long_date
from allocations.payments.transitions import INSTALMENTS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_ERRORS = 200  # a file that is wrong everywhere is reported by its first errors
COLUMNS = {
    "reference": ("reference", "kenmerk", "betalingskenmerk"),
    "amount": ("amount", "bedrag"),
    "paid_on": ("paid_on", "betaaldatum", "betaald_op"),
    "decision_number": ("decision_number", "beschikkingsnummer"),
}
REQUIRED = ("reference", "amount", "paid_on")
AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")


class ImportRefused(Exception):
    """The file was refused as a whole, with every problem found (line by line); nothing was read."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def _shown(value: str) -> str:
    """A cell as an error message quotes it: cleaned of hidden characters and cut short."""
    value = clean_text(value)
    return value if len(value) <= 40 else value[:39] + "…"


def parse_amount(text: str) -> Decimal | None:
    """``1234.56``, ``1234,56`` or ``1234``: euros with at most two decimals, no thousands separators."""
    text = text.strip().replace("€", "").strip()
    if not AMOUNT.match(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def parse_date(text: str) -> datetime.date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _rows(content: bytes) -> tuple[dict[str, int], int, list[tuple[int, list[str]]]]:
    """The column positions, the number of columns and the data rows (line number, cells);
    ``ImportRefused`` for an unreadable file."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([_("Het bestand is groter dan 5 MB.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([_("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8).")]) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([_("Het bestand is leeg.")]) from None
    except csv.Error:
        raise ImportRefused([_("De kopregel van het bestand is onleesbaar.")]) from None
    names = [clean_text(cell).strip().lower() for cell in header]
    positions: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if len(found) > 1:
            raise ImportRefused([_("De kolom %(column)s staat er twee keer in.") % {"column": key}])
        if found:
            positions[key] = found[0]
    missing = [key for key in REQUIRED if key not in positions]
    if missing:
        raise ImportRefused(
            [
                _("Kolommen ontbreken: %(missing)s (verwacht: reference, amount, paid_on; decision_number mag).")
                % {"missing": ", ".join(missing)}
            ]
        )
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # an empty line (the end of the file)
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                raise ImportRefused([_("Het bestand heeft meer dan %(max)s regels.") % {"max": MAX_ROWS}])
    except csv.Error as exc:
        message = _("Regel %(line)s is onleesbaar (%(error)s).") % {"line": reader.line_num, "error": exc}
        raise ImportRefused([message]) from None
    if not rows:
        raise ImportRefused([_("Het bestand bevat geen betalingen.")])
    return positions, len(header), rows


class _RowError(Exception):
    """What is wrong with one row (its message names the problem, the caller adds the line)."""


def _check_row(
    cells: list[str],
    positions: dict[str, int],
    width: int,
    instalments: dict[str, Instalment],
    seen: dict[str, int],
    line: int,
    now: datetime.datetime,
) -> tuple[Instalment, datetime.date] | None:
    """The instalment a row pays and its paid date; None for a row recorded before (the same day and amount);
    ``_RowError`` for anything wrong with it."""
    if len(cells) != width:
        raise _RowError(
            _("%(found)s kolommen in plaats van %(expected)s, zoals de kopregel.")
            % {"found": len(cells), "expected": width}
        )
    reference = clean_text(cells[positions["reference"]]).strip()
    if not reference:
        raise _RowError(_("het betalingskenmerk ontbreekt."))
    if reference in seen:
        raise _RowError(
            _("betalingskenmerk %(reference)s stond al op regel %(first)s.")
            % {"reference": _shown(reference), "first": seen[reference]}
        )
    seen[reference] = line
    instalment = instalments.get(reference)
    if instalment is None:
        raise _RowError(_("onbekend betalingskenmerk %(reference)s.") % {"reference": _shown(reference)})
    if "decision_number" in positions:
        number = clean_text(cells[positions["decision_number"]]).strip()
        if number and number != instalment.decision.number:
            raise _RowError(
                _("beschikkingsnummer %(number)s hoort niet bij betalingskenmerk %(reference)s (%(expected)s).")
                % {"number": _shown(number), "reference": reference, "expected": instalment.decision.number}
            )
    amount_text, date_text = cells[positions["amount"]], cells[positions["paid_on"]]
    amount = parse_amount(amount_text)
    if amount is None:
        raise _RowError(
            _("bedrag '%(value)s' is geen bedrag (schrijf bijvoorbeeld 1234.56 of 1234,56).")
            % {"value": _shown(amount_text)}
        )
    if amount != instalment.amount:
        raise _RowError(
            _("bedrag %(amount)s is niet het bedrag van termijn %(reference)s (%(expected)s).")
            % {"amount": f"{amount:.2f}", "reference": reference, "expected": f"{instalment.amount:.2f}"}
        )
    paid_on = parse_date(date_text)
    if paid_on is None:
        raise _RowError(
            _("betaaldatum '%(value)s' is geen datum (jjjj-mm-dd of dd-mm-jjjj).") % {"value": _shown(date_text)}
        )
    if instalment.status == InstalmentStatus.PAID:
        if instalment.paid_on == paid_on:
            return None
        raise _RowError(
            _("termijn %(reference)s is al als betaald vastgelegd op %(date)s.")
            % {"reference": reference, "date": long_date(instalment.paid_on)}
        )
    if instalment.status != InstalmentStatus.ORDERED:
        raise _RowError(
            _("voor termijn %(reference)s is geen betaalopdracht gegeven (status: %(status)s).")
            % {"reference": reference, "status": instalment.get_status_display()}
        )
    try:
        check_paid_on(instalment, paid_on, now=now)
    except ValidationError as exc:
        raise _RowError(exc.message_dict["paid_on"][0]) from None
    return instalment, paid_on


def import_paid_dates(*, source, name: str = "", by, now: datetime.datetime | None = None) -> int:
    """Record the paid dates of a file (an uploaded file or bytes) for the ordered instalments it names, all or
    none. Returns how many were recorded (0 for a file read before)."""
    require(can_manage_payments(by))
    now = now or timezone.now()
    content = source if isinstance(source, bytes) else source.read()
    positions, width, rows = _rows(content)
    errors: list[str] = []
    with transaction.atomic():
        references = {
            cells[positions["reference"]].strip() for _line, cells in rows if len(cells) > positions["reference"]
        }
        instalments = {
            i.reference: i
            for i in Instalment.objects.select_for_update(of=("self",))
            .select_related("decision")
            .filter(reference__in=references)
        }
        seen: dict[str, int] = {}
        to_pay: list[tuple[Instalment, datetime.date]] = []
        unchanged = 0
        for line, cells in rows:
            try:
                checked = _check_row(cells, positions, width, instalments, seen, line, now)
            except _RowError as problem:
                errors.append(_("Regel %(line)s: %(problem)s") % {"line": line, "problem": problem})
                continue
            if checked is None:
                unchanged += 1
            else:
                to_pay.append(checked)
        if errors:
            shown = errors[:MAX_ERRORS]
            if len(errors) > MAX_ERRORS:
                shown.append(_("… en nog %(count)s fouten.") % {"count": len(errors) - MAX_ERRORS})
            raise ImportRefused(shown)
        for instalment, paid_on in to_pay:
            INSTALMENTS.move(
                instalment,
                "pay",
                by=by,
                fields={
                    "paid_on": paid_on,
                    "paid_source": PaidSource.IMPORT,
                    "paid_recorded_at": now,
                    "paid_recorded_by": by,
                },
                data={"paid_on": paid_on.isoformat(), "amount": f"{instalment.amount:.2f}", "source": "import"},
                locked=True,
            )
        audit.record(
            actor=by,
            verb="payments.imported",
            target=None,
            data={
                "file": clean_text(name)[:200],
                "sha256": hashlib.sha256(content).hexdigest(),
                "lines": len(rows),
                "recorded": len(to_pay),
                "unchanged": unchanged,
                "total": f"{sum((i.amount for i, _d in to_pay), Decimal(0)):.2f}",
            },
        )
    return len(to_pay)
