"""Award letters: texts, jobs, rendering and storing, downloading and previewing. Preparing a run's letters
with their send date, and sending them, are in ``batches``.

The batch is exactly-once by construction: preparing creates one job per decision (carrying the date) in
its own transaction; a worker claims a job with a lease (``allocations.jobs``), renders, and stores under a
lock on the decision, comparing hashes so a redelivered or re-queued job never writes a second copy; the
sweeper re-queues what a dead worker left.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from allocations import jobs
from allocations.letters import deadlines, pdf, selectors
from allocations.letters.compose import letter_content
from allocations.letters.models import JobStatus, Letter, LetterBatch, LetterJob, LetterText
from allocations.letters.permissions import can_edit_letter_texts, can_view_letter
from allocations.letters.transitions import LETTER_JOB_KIND, LETTER_JOBS
from allocations.runs.models import AllocationRun, Decision

logger = logging.getLogger(__name__)

TEXT_FIELDS = (
    "introduction",
    "obligations",
    "unspent_money",
    "closing",
    "minister",
    "signatory_name",
    "signatory_function",
    "directorate",
    "contact_name",
    "contact_email",
    "contact_phone",
)


# --- Texts ---------------------------------------------------------------------------------------------
def texts_for(call) -> LetterText:
    """The call's latest texts; the first use creates version 1 with the defaults."""
    texts = selectors.latest_texts(call)
    if texts is not None:
        return texts
    try:
        with transaction.atomic():
            return LetterText.objects.create(call=call, version=1)
    except IntegrityError:  # a parallel first use created version 1
        return LetterText.objects.filter(call=call).latest("version")


def save_letter_texts(*, call, by: User, data: dict) -> LetterText:
    """Store the edited texts as a new version; earlier versions stay, as letters refer to them. A text
    not in ``data`` keeps its latest version's wording. A sent letter is not affected: it is never made again.
    """
    require(can_edit_letter_texts.test(by, call))
    with transaction.atomic():
        latest = LetterText.objects.select_for_update().filter(call=call).order_by("-version").first()
        version = (latest.version if latest else 0) + 1
        texts = LetterText(call=call, version=version, created_by=by)
        for name in TEXT_FIELDS:
            if name in data:
                setattr(texts, name, data[name])
            elif latest is not None:
                setattr(texts, name, getattr(latest, name))
        texts.full_clean(exclude=["call", "created_by"])
        texts.save()
        audit.record(actor=by, verb="letter_text.saved", target=call, data={"version": version})
    return texts


# --- Jobs ----------------------------------------------------------------------------------------------
def _enqueue(job_ids: list[int]) -> None:
    from allocations.letters.tasks import render_letter

    for job_id in job_ids:
        render_letter.delay(job_id)


def create_letter_jobs(
    *,
    run: AllocationRun,
    letter_date: datetime.date,
    decisions=None,
    correction: bool = False,
    by: User | None = None,
) -> int:
    """One job per decision of the run that has no open job and no current letter of ``letter_date``, each
    carrying that date; called by preparing, retrying and regenerating (by ``by``), in their transaction.

    The tasks are queued after commit, so a rolled-back step queues nothing. Returns the number of new jobs.
    A failed job is reopened rather than duplicated, so progress counts stay per decision. A ``correction``
    makes a job also for a current letter of that date (new texts). A sent letter is never made again.
    """
    decisions = list(decisions if decisions is not None else Decision.objects.filter(run=run))
    open_ids = set(
        LetterJob.objects.filter(decision__in=decisions, status__in=[JobStatus.PENDING, JobStatus.CLAIMED]).values_list(
            "decision_id", flat=True
        )
    )
    failed = {job.decision_id: job for job in LetterJob.objects.filter(decision__in=decisions, status=JobStatus.FAILED)}
    current = Letter.objects.filter(decision__in=decisions, superseded_at__isnull=True)
    skip = open_ids | set(current.sent().values_list("decision_id", flat=True))
    if not correction:
        skip |= set(current.filter(letter_date=letter_date).values_list("decision_id", flat=True))
    reopen = []
    new = []
    for decision in decisions:
        if decision.pk in skip:
            continue
        if decision.pk in failed:
            reopen.append(failed[decision.pk])
        else:
            new.append(
                LetterJob(decision=decision, run_id=decision.run_id, correction=correction, letter_date=letter_date)
            )
    # Its attempts count afresh; the lease token stays, so a late write of an old attempt still lands nowhere.
    reopened = LETTER_JOBS.move_each(
        reopen,
        "reopen",
        by=by,
        fields={"attempts": 0, "error": "", "lease_until": None, "correction": correction, "letter_date": letter_date},
    )
    created = LetterJob.objects.bulk_create(new)
    ids = [job.pk for job in reopened] + [job.pk for job in created]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)  # the sweeper re-queues pending jobs
    return len(ids)


def claim_job(job_id: int, *, now: datetime.datetime | None = None) -> jobs.Lease | None:
    """Take a job with a lease (``allocations.jobs.claim``): None when it is done, failed, or leased."""
    return jobs.claim(LETTER_JOB_KIND, job_id, now=now)


def render_job(job_id: int) -> Letter | None:
    """Claim, render and store one job's letter; safe to run any number of times for the same job."""
    lease = claim_job(job_id)
    if lease is None:
        return None
    job = lease.job
    try:
        decision = selectors.decisions_for_letters([job.decision_id]).get()
        texts = texts_for(decision.application.call)
        letter = store_letter(decision=decision, texts=texts, letter_date=job.letter_date, correction=job.correction)
    except Exception as exc:  # kept on the job, shown on the page, and tried again up to the attempt limit
        logger.exception("Letter job %s failed", job_id)
        jobs.finish(lease, "retry", error=f"{type(exc).__name__}: {exc}")
        return None
    jobs.finish(lease, "done", fields={"letter": letter})
    return letter


def render_letter_pdf(decision: Decision, texts: LetterText, letter_date: datetime.date) -> bytes:
    return pdf.letter_pdf(letter_content(decision, texts, letter_date=letter_date))


def store_letter(
    *, decision: Decision, texts: LetterText, letter_date: datetime.date, correction: bool = False
) -> Letter:
    """Render and store the decision's letter, dated ``letter_date``, unless the current one has the same
    bytes, or (not a correction) already carries that date.

    The render happens outside the lock; the store happens under a lock on the decision, so two workers
    with the same job end with one letter. Another date, or a correction with a new text version (or new
    figures), becomes a new version and the old one is marked superseded. A sent letter is never replaced.
    """
    content = render_letter_pdf(decision, texts, letter_date)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        Decision.objects.select_for_update().filter(pk=decision.pk).first()
        current = Letter.objects.filter(decision=decision, superseded_at__isnull=True).first()
        if current is not None and (
            current.is_sent or current.sha256 == digest or (not correction and current.letter_date == letter_date)
        ):
            return current
        version = (Letter.objects.filter(decision=decision).aggregate(v=Max("version"))["v"] or 0) + 1
        letter = Letter(
            decision=decision,
            version=version,
            sha256=digest,
            size=len(content),
            text_version=texts.version,
            letter_date=letter_date,
        )
        letter.amount = 0 if decision.outcome == Decision.Outcome.REJECTED else decision.amount  # what it prints
        letter.file.save(f"{decision.number}-v{version}.pdf", ContentFile(content), save=False)
        try:
            now = timezone.now()
            if current is not None:
                Letter.objects.filter(pk=current.pk).update(superseded_at=now)
            letter.created_at = now
            letter.save()
        except Exception:
            if letter.file.name:
                letter.file.storage.delete(letter.file.name)
            raise
        audit.record(
            actor=None,
            verb="letter.generated",
            target=decision,
            data={
                "version": version,
                "sha256": digest,
                "text_version": texts.version,
                "letter_date": letter_date.isoformat(),
            },
        )
    return letter


def sweep_jobs(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Re-queue pending jobs whose message got lost and jobs whose worker died (``jobs.stale``); those out
    of attempts fail, with the reason."""
    ids = jobs.stale(LETTER_JOB_KIND, now=now, limit=limit)
    _enqueue(ids)
    return len(ids)


# --- Downloading and previewing ---------------------------------------------------------------------------
def open_letter(*, letter: Letter, by: User, via: str = "page"):
    """The letter's file for download, after the permission check (404 for anyone else) and an audit."""
    require(can_view_letter.test(by, letter), not_found=True)
    audit.record(
        actor=by,
        verb="letter.downloaded",
        target=letter.decision,
        data={"letter": letter.pk, "version": letter.version, "sha256": letter.sha256, "via": via},
    )
    return letter.file.open("rb")


def preview_date(decision: Decision, *, now: datetime.datetime | None = None) -> datetime.date:
    """The date a preview prints: the planned send date of the decision's batch, else the first working
    day from today (a preview is never stored, so it may read the clock)."""
    batch = LetterBatch.objects.filter(run_id=decision.run_id).first()
    if batch is not None:
        return batch.send_on
    return deadlines.next_working_day(deadlines.local_today(now))


def preview_letter(*, decision: Decision, texts: LetterText, by: User) -> bytes:
    """The letter as it would be with these texts; nothing is stored."""
    require(can_edit_letter_texts.test(by, decision.application.call))
    decision = selectors.decisions_for_letters([decision.pk]).get()
    audit.record(actor=by, verb="letter.previewed", target=decision, data={"text_version": texts.version})
    return render_letter_pdf(decision, texts, preview_date(decision))
