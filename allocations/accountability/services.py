"""Every change to the accountability figures: a statement entered in the portal, or a SiSa file imported.

Both go through ``rules.problems`` with the award as the decision states it, so a figure the portal accepts is
one the award allows, whoever entered it. An import writes all its statements or none.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Role, User
from accounts.money import cents, euros
from accounts.sites import absolute_url
from allocations.accountability import rules
from allocations.accountability.awards import award_of, earlier_figures, needs_report
from allocations.accountability.deadlines import DUE_SOON_DAYS, Due, dues
from allocations.accountability.models import ImportBatch, Indicator, Reminder, ReminderKind, Source, Statement
from allocations.accountability.permissions import can_import_statements, can_report_on
from allocations.accountability.selectors import accountable_decisions_of_all
from allocations.runs.models import Decision
from applications.attachments import check_upload

REPORT_MAX_MB = 20
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 50_000
COLUMNS = ("gemeente", "beschikkingsnummer", "jaar", "indicator", "waarde")
YES, NO = {"j", "ja", "y", "yes", "1", "true"}, {"n", "nee", "no", "0", "false"}


def _refuse_unless_accountable(decision: Decision) -> None:
    if decision.sent_at is None or not decision.amount:
        raise ValidationError(
            _("Over beschikking %(number)s valt niets te verantwoorden: er is geen verzonden toekenning.")
            % {"number": decision.number}
        )


def record_statement(
    *,
    decision: Decision,
    year: int,
    spent: Decimal,
    final: bool,
    finished: bool,
    by: User,
    report=None,
) -> Statement:
    """The municipality's figures for ``year`` as entered in the portal. The cumulative spending follows from
    the years before; a correction of the latest year replaces it."""
    if not can_report_on(by, decision):
        raise PermissionDenied
    _refuse_unless_accountable(decision)
    checked = None
    if report is not None:
        try:
            checked = check_upload(report, allowed=("pdf",), max_mb=REPORT_MAX_MB)
        except ValidationError as error:
            raise ValidationError({"report": error.message_dict.get("file", error.messages)}) from None
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("run__call__scheme", "line").get(pk=decision.pk)
        earlier = earlier_figures(decision)
        before = earlier[year - 1].to_date_cents if year - 1 in earlier else 0
        figures = rules.Figures(
            year=year, spent_cents=cents(spent), to_date_cents=before + cents(spent), final=final, finished=finished
        )
        found = rules.problems(award_of(decision), figures, earlier)
        if final and needs_report(decision) and checked is None:
            found.append(_("Voeg bij de eindverantwoording het inhoudelijk en financieel verslag toe (PDF)."))
        if found:
            raise ValidationError(found)
        statement = _write(decision, figures, by=by, source=Source.PORTAL)
        if checked is not None:
            statement.report.save(checked.name, ContentFile(checked.content), save=False)
            statement.report_name = checked.name
            statement.report_sha256 = checked.sha256
            statement.save(update_fields=["report", "report_name", "report_sha256"])
    return statement


def _write(decision: Decision, figures: rules.Figures, *, by: User, source: str, batch=None) -> Statement:
    """Write (or replace) one year's statement and record it in the audit trail, with the old figures."""
    old = Statement.objects.filter(decision=decision, year=figures.year).first()
    values = {
        "spent": euros(figures.spent_cents),
        "spent_to_date": euros(figures.to_date_cents),
        "final": figures.final,
        "finished": figures.finished,
        "source": source,
        "batch": batch,
        "entered_by": by,
    }
    statement, _created = Statement.objects.update_or_create(decision=decision, year=figures.year, defaults=values)
    audit.record(
        actor=by,
        verb="accountability.corrected" if old else "accountability.recorded",
        target=statement,
        data={"decision": decision.number, "year": figures.year, "source": source},
        before={"spent": old.spent, "spent_to_date": old.spent_to_date, "final": old.final} if old else None,
        after={"spent": statement.spent, "spent_to_date": statement.spent_to_date, "final": statement.final},
    )
    return statement


# --- The SiSa import ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    line: int  # the line in the file, the header being line 1
    message: str


class ImportRefused(Exception):
    """The file was refused as a whole: nothing was imported. ``errors`` says what, per line."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class _Group:
    decision: Decision | None
    year: int
    lines: list[int]
    values: dict[str, str]


def import_statements(*, content: bytes, file_name: str, by: User) -> ImportBatch:
    """Import a SiSa file: one row per municipality, decision number, year and indicator (``COLUMNS``), as
    documented in the README. Every row is checked; one error refuses the whole file."""
    if not can_import_statements(by):
        raise PermissionDenied
    rows = _read_rows(content)
    errors: list[RowError] = []
    groups: dict[tuple[str, int], _Group] = {}
    numbers = {number for _line, row in rows if (number := (row.get("beschikkingsnummer") or "").strip())}
    decisions = {
        d.number: d
        for d in Decision.objects.filter(number__in=numbers).select_related(
            "application__municipality", "run__call__scheme", "line"
        )
    }
    for line, row in rows:
        message = _check_row(row, decisions)
        if message:
            errors.append(RowError(line, message))
            continue
        number, year = row["beschikkingsnummer"].strip(), int(row["jaar"])
        group = groups.setdefault((number, year), _Group(decisions[number], year, [], {}))
        indicator = row["indicator"].strip().upper()
        if indicator in group.values:
            errors.append(
                RowError(line, _("Indicator %(indicator)s staat twee keer in het bestand.") % {"indicator": indicator})
            )
            continue
        group.lines.append(line)
        group.values[indicator] = row["waarde"].strip()
    figures_by_decision: dict[int, dict[int, rules.Figures]] = defaultdict(dict)
    checked: list[tuple[Decision, rules.Figures]] = []
    for (number, year), group in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1])):
        decision = group.decision
        assert decision is not None
        figures, message = _figures_of_group(group)
        if message:
            errors.append(RowError(group.lines[0], message))
            continue
        earlier = figures_by_decision.get(decision.pk)
        if earlier is None:
            earlier = figures_by_decision[decision.pk] = earlier_figures(decision)
        for problem in rules.problems(award_of(decision), figures, earlier):
            errors.append(RowError(group.lines[0], f"{number} {year}: {problem}"))
        earlier[year] = figures
        checked.append((decision, figures))
    if not rows:
        errors.append(RowError(1, _("Het bestand bevat geen regels met cijfers.")))
    if errors:
        audit.record(actor=by, verb="accountability.import_refused", data={"file": file_name, "errors": len(errors)})
        raise ImportRefused(sorted(errors, key=lambda e: e.line))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            rows=len(rows),
            statements=len(checked),
            imported_by=by,
        )
        # Lock the decisions, so a statement entered meanwhile in the portal waits for the import.
        list(Decision.objects.select_for_update().filter(pk__in={d.pk for d, _f in checked}).values_list("pk"))
        for decision, figures in checked:
            _write(decision, figures, by=by, source=Source.IMPORT, batch=batch)
        audit.record(
            actor=by,
            verb="accountability.imported",
            target=batch,
            data={"file": batch.file_name, "rows": len(rows), "statements": len(checked)},
        )
    return batch


def _read_rows(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with their line numbers; a file that cannot be read is refused with why."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ImportRefused([RowError(1, _("Het bestand is groter dan 5 MB."))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused([RowError(1, _("Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8)."))]) from None
    if "\x00" in text:
        raise ImportRefused([RowError(1, _("Het bestand is geen tekstbestand."))])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [column.strip().lower() for column in next(reader, [])]
    except csv.Error:
        header = []
    if tuple(header) != COLUMNS:
        raise ImportRefused(
            [RowError(1, _("De kopregel moet zijn: %(columns)s.") % {"columns": delimiter.join(COLUMNS)})]
        )
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                raise ImportRefused([RowError(reader.line_num, _("Het bestand heeft meer dan 50.000 regels."))])
            rows.append((reader.line_num, dict(zip(COLUMNS, values, strict=False)) | {"_count": str(len(values))}))
    except csv.Error as error:
        raise ImportRefused(
            [RowError(reader.line_num, _("Deze regel is geen geldige CSV: %(error)s") % {"error": error})]
        ) from None
    return rows


def _check_row(row: dict[str, str], decisions: dict[str, Decision]) -> str | None:
    if row.get("_count") != str(len(COLUMNS)):
        return _("Deze regel heeft %(found)s kolommen; verwacht zijn er %(expected)s.") % {
            "found": row.get("_count"),
            "expected": len(COLUMNS),
        }
    number = row["beschikkingsnummer"].strip()
    decision = decisions.get(number)
    if decision is None:
        return _("Onbekend beschikkingsnummer: %(number)s.") % {"number": number[:40] or "–"}
    municipality = row["gemeente"].strip().upper()
    if municipality != decision.application.municipality.cbs_code.upper():
        return _("Beschikking %(number)s is niet aan gemeente %(code)s gericht.") % {
            "number": number,
            "code": municipality[:10] or "–",
        }
    if decision.sent_at is None or not decision.amount:
        return _("Over beschikking %(number)s valt niets te verantwoorden: er is geen verzonden toekenning.") % {
            "number": number
        }
    if needs_report(decision):
        return _(
            "Beschikking %(number)s valt niet onder SiSa: de gemeente verantwoordt deze subsidie in het portaal."
        ) % {"number": number}
    if not row["jaar"].strip().isdigit() or not 2000 <= int(row["jaar"]) <= 2100:
        return _("Het jaar ‘%(year)s’ is geen jaartal.") % {"year": row["jaar"].strip()[:10]}
    if row["indicator"].strip().upper() not in Indicator.values:
        return _("Onbekende indicator ‘%(indicator)s’; bekend zijn %(known)s.") % {
            "indicator": row["indicator"].strip()[:10],
            "known": ", ".join(Indicator.values),
        }
    return None


def _amount(text: str) -> Decimal | None:
    """An amount as SiSa writes it: digits with a decimal comma or point, no thousands separators."""
    text = text.replace(",", ".")
    if not text or text.count(".") > 1 or not text.replace(".", "").isdigit():
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount == amount.quantize(Decimal("0.01")) and amount < Decimal("1e12") else None


def _figures_of_group(group: _Group) -> tuple[rules.Figures, str | None]:
    values = group.values
    missing = [i for i in (Indicator.SPENT, Indicator.SPENT_TO_DATE) if i not in values]
    empty = rules.Figures(year=group.year, spent_cents=0, to_date_cents=0)
    if missing:
        return empty, _("Voor %(year)s ontbreekt indicator %(indicator)s.") % {
            "year": group.year,
            "indicator": ", ".join(missing),
        }
    spent, to_date = _amount(values[Indicator.SPENT]), _amount(values[Indicator.SPENT_TO_DATE])
    if spent is None or to_date is None:
        return empty, _("Een bedrag is geen geldig bedrag in euro's (bijvoorbeeld 12500,00).")
    flags = {}
    for indicator in (Indicator.FINAL, Indicator.FINISHED):
        value = values.get(indicator, "N").strip().lower()
        if value not in YES | NO:
            return empty, _("Indicator %(indicator)s is ‘J’ of ‘N’.") % {"indicator": indicator}
        flags[indicator] = value in YES
    return (
        rules.Figures(
            year=group.year,
            spent_cents=cents(spent),
            to_date_cents=cents(to_date),
            final=flags[Indicator.FINAL],
            finished=flags[Indicator.FINISHED],
        ),
        None,
    )


def send_reminders(*, today: datetime.date) -> int:
    """Remind each municipality once when a statement falls due within 30 days, and once when it is overdue.
    The reminder row is written before the e-mail is queued (in the same transaction), so a second beat or a
    redelivered task sends nothing again. Returns the number of reminders sent."""
    sent = 0
    for due in dues(accountable_decisions_of_all()):
        if due.done:
            continue
        if due.due_on < today:
            kind = ReminderKind.OVERDUE
        elif due.due_on <= today + datetime.timedelta(days=DUE_SOON_DAYS):
            kind = ReminderKind.DUE_SOON
        else:
            continue
        with transaction.atomic():
            _reminder, created = Reminder.objects.get_or_create(decision=due.decision, year=due.year, kind=kind)
            if not created:
                continue
            _email_reminder(due, kind)
            audit.record(
                actor=None,
                verb="accountability.reminded",
                target=due.decision,
                data={"decision": due.decision.number, "year": due.year, "kind": kind},
            )
        sent += 1
    return sent


def _email_reminder(due: Due, kind: str) -> None:
    decision = due.decision
    recipients = list(
        User.objects.filter(
            role=Role.OFFICER, municipality_id=decision.application.municipality_id, is_active=True
        ).values_list("email", flat=True)
    )
    if not recipients:
        return
    with translation.override("nl"):
        context = {
            "due": due,
            "decision": decision,
            "overdue": kind == ReminderKind.OVERDUE,
            "sisa": not needs_report(decision),
            "link": absolute_url(reverse("accountability_decision", args=[decision.pk])),
        }
        send_mail(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
            + render_to_string("allocations/accountability/email/reminder_subject.txt", context).strip(),
            message=render_to_string("allocations/accountability/email/reminder_body.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
