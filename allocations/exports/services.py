"""Exports of a final run's decisions and a call's publication list: checked, audited, and streamed.

Every export is written to the audit trail (who, what, when, how many lines and the total awarded),
whether it is downloaded directly or built by a background job. A run is exported only once it is
final: a draft can still change, and a figure sent to finance must not.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import audit
from accounts.downloads import streaming_download
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations import jobs
from allocations.exports import selectors
from allocations.exports.models import (
    CONTENT_TYPES,
    FILE_ENDINGS,
    ExportFormat,
    ExportJob,
    ExportJobStatus,
    decisions_filename,
    publication_filename,
)
from allocations.exports.permissions import can_export_decisions
from allocations.exports.transitions import EXPORT_JOB_KIND
from allocations.exports.writers import Column, Figure, stream_csv, stream_json, write_xlsx
from allocations.runs.models import AllocationRun
from applications.models import Call

# Above this many lines an export is built by a background job instead of downloaded directly.
DIRECT_MAX_LINES = 5_000
PROGRESS_EVERY = 2_000


@dataclass
class Export:
    """A ready-to-send export: the caller streams ``chunks`` (a StreamingHttpResponse, or a file)."""

    filename: str
    content_type: str
    chunks: Iterator[bytes]

    def response(self) -> StreamingHttpResponse:
        """The download, for a page and the API alike: its own file name, never cached."""
        return streaming_download(self.chunks, filename=self.filename, content_type=self.content_type)


def require_final(run: AllocationRun) -> None:
    """Only a final run is exported: a draft can still change, and a figure sent to finance must not. The
    one answer for every export, page and API alike (409 in the API)."""
    if not run.is_final:
        raise TransitionNotAllowed(_("Alleen de besluiten van een definitieve verdeling kunnen worden geëxporteerd."))


def exportable_run(*, run_id: int, by) -> AllocationRun:
    """The run to export: a 403 for anyone but an administrator, a 404 for no such run, a 409 for a draft."""
    require(can_export_decisions(by))
    run = AllocationRun.objects.select_related("call").filter(pk=run_id).first()
    if run is None:
        raise Http404
    require_final(run)
    return run


def publishable_call(*, call_id: int, by) -> tuple[Call, AllocationRun]:
    """A call with a final run, for its publication list (same rule as any other export)."""
    require(can_export_decisions(by))
    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        raise Http404
    run = AllocationRun.objects.select_related("call").final_of(call)
    if run is None:
        raise TransitionNotAllowed(_("Deze ronde heeft nog geen definitieve verdeling om te publiceren."))
    return call, run


def line_count(run: AllocationRun) -> int:
    return run.lines.filter(included=True).count()


def is_direct(run: AllocationRun) -> bool:
    return line_count(run) <= DIRECT_MAX_LINES


def export_chunks(
    fmt: str, columns: list[Column], rows: Iterable, summary: list[Figure], sheet: str
) -> Iterator[bytes]:
    """The file in chunks. The summary (the run and its money: ``selectors.budget_figures``) is the JSON
    document's fields and the XLSX file's second sheet; a CSV file is the table alone, so that every program
    reads it as one (its users find the figures in the JSON or XLSX export, README "Exports")."""
    if fmt in (ExportFormat.CSV, ExportFormat.CSV_NL):
        chunks = stream_csv(columns, rows, separator="semicolon" if fmt == ExportFormat.CSV_NL else "comma")
    elif fmt == ExportFormat.JSON:
        chunks = stream_json(columns, rows, summary=summary)
    else:
        chunks = _xlsx_chunks(columns, rows, summary, sheet)
    return _in_language(chunks, translation.get_language())


def _in_language(chunks: Iterator[bytes], language: str | None) -> Iterator[bytes]:
    """Make each chunk in ``language``. A streamed file is written after the view has returned, when the
    request's language has ended: its headers and labels would otherwise be in the default language. The
    rows' values are Dutch whatever the language (``selectors.RECORD_LANGUAGE``)."""
    try:
        while True:
            with translation.override(language):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # a download stopped half-way still removes the XLSX file's temporary copy


def _write_xlsx(path: str, columns: list[Column], rows: Iterable, summary: list[Figure], sheet: str) -> None:
    write_xlsx(path, columns, rows, sheet_name=sheet, totals_label=_("Totaal"), summary=summary)


def _xlsx_chunks(columns: list[Column], rows: Iterable, summary: list[Figure], sheet: str) -> Iterator[bytes]:
    """XLSX is a zip that is finished only at the end: build it in a temporary file, then stream that."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        _write_xlsx(path, columns, rows, summary, sheet)
        with open(path, "rb") as source:
            while chunk := source.read(64 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def _record(*, by, verb: str, target, fmt: str, lines: int, total, extra: dict | None = None) -> None:
    audit.record(
        actor=by,
        verb=verb,
        target=target,
        data={"format": fmt, "lines": lines, "total_awarded": f"{total:.2f}", **(extra or {})},
    )


def export_decisions(*, run: AllocationRun, by, fmt: str) -> Export:
    """A direct download of a final run's decisions (up to DIRECT_MAX_LINES lines), audited before it is sent."""
    require(can_export_decisions(by))
    if fmt not in ExportFormat.values:
        raise Http404
    require_final(run)
    lines = line_count(run)
    if lines > DIRECT_MAX_LINES:
        raise TransitionNotAllowed(
            _("Deze verdeling heeft %(lines)s regels: te veel om direct te downloaden. Start een exporttaak.")
            % {"lines": lines}
        )
    _record(by=by, verb="export.decisions", target=run, fmt=fmt, lines=lines, total=run.total_awarded)
    rows = selectors.decision_rows(run)
    chunks = export_chunks(fmt, selectors.decision_columns(), rows, selectors.decision_summary(run), _("Besluiten"))
    return Export(decisions_filename(run, fmt), CONTENT_TYPES[fmt], chunks)


def export_publication(*, call: Call, run: AllocationRun, by, fmt: str) -> Export:
    """The public list of a call: awarded municipalities and amounts, nothing about reviewers or people."""
    require(can_export_decisions(by))
    if fmt not in ExportFormat.values:
        raise Http404
    published = run.lines.filter(included=True, awarded__gt=0)
    lines = published.count()
    total = published.aggregate(total=Sum("awarded"))["total"] or 0
    _record(by=by, verb="export.publication", target=call, fmt=fmt, lines=lines, total=total, extra={"run": run.pk})
    summary = selectors.publication_summary(call, run)
    rows = selectors.publication_rows(run)
    chunks = export_chunks(fmt, selectors.publication_columns(), rows, summary, _("Toekenningen"))
    return Export(publication_filename(call.code, fmt), CONTENT_TYPES[fmt], chunks)


# ------------------------------------------------------------------------------------------- jobs


def start_export_job(*, run: AllocationRun, by, fmt: str) -> ExportJob:
    """Queue a background export; the job row is created first, the task is sent once it is committed."""
    from allocations.exports.tasks import build_export_job

    require(can_export_decisions(by))
    if fmt not in ExportFormat.values:
        raise Http404
    require_final(run)
    with transaction.atomic():
        job = ExportJob.objects.create(run=run, format=fmt, requested_by=by, rows_total=line_count(run))
        audit.record(actor=by, verb="export.job_requested", target=run, data={"format": fmt, "job": job.pk})
        transaction.on_commit(lambda: build_export_job.delay(job.pk), robust=True)  # resumed by beat
    return job


def _counting(rows: Iterable, total: int, report: Callable[[int], None]) -> Iterator:
    for number, row in enumerate(rows, start=1):
        if number % PROGRESS_EVERY == 0:
            report(number)
        yield row


def build_export(*, job_id: int, now: datetime | None = None) -> ExportJob | None:
    """Build a job's file; a second call for a finished or leased job does nothing. An error puts the job
    back in the queue (the sweeper sends it again) until the attempt limit, then it fails with the error."""
    lease = jobs.claim(EXPORT_JOB_KIND, job_id, now=now)
    if lease is None:
        return None
    job = lease.job
    run = AllocationRun.objects.select_related("call").get(pk=job.run_id)
    total = max(job.rows_total, 1)

    def report(done: int) -> None:
        jobs.renew(lease, progress=min(99, done * 100 // total))

    handle, path = tempfile.mkstemp(suffix=FILE_ENDINGS[job.format])
    os.close(handle)
    try:
        rows = _counting(selectors.decision_rows(run), total, report)
        columns = selectors.decision_columns()
        summary = selectors.decision_summary(run)
        digest = hashlib.sha256()
        if job.format == ExportFormat.XLSX:
            _write_xlsx(path, columns, rows, summary, _("Besluiten"))
            with open(path, "rb") as source:
                while chunk := source.read(64 * 1024):
                    digest.update(chunk)
        else:
            with open(path, "wb") as target:
                for chunk in export_chunks(job.format, columns, rows, summary, ""):
                    digest.update(chunk)
                    target.write(chunk)
        with open(path, "rb") as source, transaction.atomic():
            held = jobs.hold(lease)
            if held is None:  # another attempt took over after this one's lease ran out
                return ExportJob.objects.get(pk=job.pk)
            job = held
            job.file.save(job.filename, File(source), save=False)
            fields = {"file": job.file, "sha256": digest.hexdigest(), "size": job.file.size, "progress": 100}
            jobs.finish(lease, "done", job=job, fields=fields)
            _record(
                by=job.requested_by,
                verb="export.decisions",
                target=run,
                fmt=job.format,
                lines=job.rows_total,
                total=run.total_awarded,
                extra={"job": job.pk, "sha256": job.sha256},
            )
    except Exception as exc:
        jobs.finish(lease, "retry", error=str(exc))
        raise
    finally:
        if os.path.exists(path):
            os.unlink(path)
    return job


def job_for_download(*, job_id: int, by) -> ExportJob:
    """A finished job's file, for an administrator; each download is audited."""
    require(can_export_decisions(by))
    job = ExportJob.objects.select_related("run__call").filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.status != ExportJobStatus.DONE:
        raise TransitionNotAllowed(_("Deze export is nog niet klaar."))
    audit.record(
        actor=by,
        verb="export.downloaded",
        target=job.run,
        data={"job": job.pk, "format": job.format, "sha256": job.sha256},
    )
    return job


def pending_jobs(now: datetime | None = None) -> list[int]:
    """Jobs that a lost message or a killed worker left behind (``jobs.stale``); those out of attempts fail."""
    return jobs.stale(EXPORT_JOB_KIND, now=now)
