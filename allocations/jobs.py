"""The leased job, written once: allocation runs, letter jobs and export jobs (and every later kind) are
claimed, renewed, finished and swept by these functions, under the one policy in settings (``JOBS``).

The database row is the queue and the source of truth; a Celery message only says "look at job N". A worker
``claim``s the job with a lease: a new token, one more attempt, and a time after which another worker may
take it over. It ``renew``s the lease while it works and ``finish``es the job as done, to be tried again, or
failed. Every write of an attempt is fenced by its token: once its lease expired and another attempt took
the job, nothing the first attempt still writes lands. So a message delivered twice, redelivered by Redis
after its visibility timeout (``acks_late``) or sent again by the sweeper does no harm, and a job whose
worker died is ``stale`` for the beat sweeper once its lease expired. After the attempt limit a job fails
with the reason, visibly, and a person may try it again.

Each kind's statuses are its lifecycle table's (``Kind``); every status change takes that table's ``move``.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from allocations.lifecycle import Lifecycle

M = TypeVar("M", bound=models.Model)

# The actions a kind's lifecycle table must have, with these meanings.
CLAIM, FINISH, REQUEUE, FAIL = "claim", "finish", "requeue", "fail"
Outcome = Literal["done", "retry", "failed"]


@dataclass(frozen=True)
class Policy:
    lease: datetime.timedelta
    max_attempts: int


@dataclass(frozen=True)
class Kind(Generic[M]):
    """A kind of job: its name in ``settings.JOBS``, its lifecycle (the table has the actions ``claim``,
    ``finish``, ``requeue`` and ``fail``) and the columns every job has: ``status``, ``attempts``,
    ``lease_until``, ``lease_token``, ``error``, ``finished_at`` and ``created_at``."""

    name: str
    lifecycle: Lifecycle[M]
    # Set on failing, beside the error (a run's phase says "failed" too).
    failed_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> type[M]:
        return self.lifecycle.model

    @property
    def working(self) -> str:
        return self.lifecycle.target(CLAIM)

    @property
    def waiting(self) -> tuple[str, ...]:
        return tuple(s for s in self.lifecycle.sources(CLAIM) if s != self.working)

    @property
    def policy(self) -> Policy:
        """Read at every use, so a test's settings apply."""
        values = settings.JOBS[self.name]
        return Policy(datetime.timedelta(seconds=values["lease_seconds"]), values["max_attempts"])


@dataclass(frozen=True)
class Lease(Generic[M]):
    """What an attempt holds: the job as claimed, its token and attempt number."""

    kind: Kind[M]
    job: M
    token: uuid.UUID
    attempt: int

    @property
    def pk(self) -> int:
        return self.job.pk


def claim(kind: Kind[M], pk: int, *, now: datetime.datetime | None = None, fields: dict | None = None) -> Lease | None:
    """Take the job with a lease (``fields`` are written with the claim), or None when there is nothing to
    do: no such job, done or failed, or leased by an attempt whose lease still runs. A job out of attempts
    fails here, with that reason."""
    now = now or timezone.now()
    policy = kind.policy
    with transaction.atomic():
        job = kind.model._default_manager.select_for_update().filter(pk=pk).first()
        if job is None or not _claimable(kind, job, now):
            return None
        if job.attempts >= policy.max_attempts:  # type: ignore[attr-defined]
            _give_up(kind, job, now)
            return None
        token = uuid.uuid4()
        attempt = job.attempts + 1  # type: ignore[attr-defined]
        kind.lifecycle.move(
            job,
            CLAIM,
            fields={"attempts": attempt, "lease_until": now + policy.lease, "lease_token": token, **(fields or {})},
            locked=True,
        )
    return Lease(kind=kind, job=job, token=token, attempt=attempt)


def _claimable(kind: Kind, job: Any, now: datetime.datetime) -> bool:
    if job.status in kind.waiting:
        return True
    return job.status == kind.working and (job.lease_until is None or job.lease_until <= now)


def renew(lease: Lease, *, now: datetime.datetime | None = None, **fields: Any) -> bool:
    """Extend the lease (and write ``fields``, such as progress) while this attempt still holds it; False
    when it does not any more. Not a step of the lifecycle: the status stays."""
    now = now or timezone.now()
    kind = lease.kind
    return bool(
        _held(lease).update(lease_until=now + kind.policy.lease, **fields)  # one statement, no lock to wait for
    )


def _held(lease: Lease) -> models.QuerySet:
    return lease.kind.model._default_manager.filter(pk=lease.pk, lease_token=lease.token, status=lease.kind.working)


def hold(lease: Lease) -> Any | None:
    """Inside the caller's transaction: the job's row, locked, while this attempt still holds the lease
    (even an expired one nobody took over); None when another attempt took it or it ended. Write the
    attempt's results only after this, then ``finish`` with the row."""
    return _held(lease).select_for_update().first()


def finish(
    lease: Lease,
    outcome: Outcome,
    *,
    error: str = "",
    fields: dict | None = None,
    job: Any | None = None,
    now: datetime.datetime | None = None,
    data: dict | None = None,
) -> bool:
    """End this attempt: ``done``; ``retry`` (waiting again, for the sweeper, unless the attempt limit is
    reached: then failed with that reason); or ``failed``, with ``error``. ``job`` is the row ``hold``
    returned, when the caller wrote results under its lock. False, writing nothing, when the lease is lost."""
    now = now or timezone.now()
    kind = lease.kind
    with transaction.atomic():
        row = job if job is not None else hold(lease)
        if row is None:
            return False
        values: dict[str, Any] = {"lease_until": None, **(fields or {})}
        if outcome == "retry" and row.attempts >= kind.policy.max_attempts:
            outcome, error = "failed", gave_up(row.attempts, error)
        if outcome == "done":
            action = FINISH
            values.update(error="", finished_at=now)
        elif outcome == "retry":
            action = REQUEUE
            values.update(error=error[:2000])
        else:
            action = FAIL
            values.update(error=error[:2000], finished_at=now, **kind.failed_fields)
        kind.lifecycle.move(row, action, fields=values, locked=True, data=data)
    return True


def gave_up(attempts: int, error: str = "") -> str:
    """The reason of a job that reached the attempt limit: how often it was tried, and its last error."""
    if error:
        return _("Na %(attempts)d pogingen opgegeven. De laatste fout: %(error)s") % {
            "attempts": attempts,
            "error": error,
        }
    return _(
        "Na %(attempts)d pogingen opgegeven: de verwerking stopte telkens voordat zij klaar was (de "
        "verwerkende server viel weg)."
    ) % {"attempts": attempts}


def _give_up(kind: Kind, job: Any, now: datetime.datetime) -> None:
    fields = {"lease_until": None, "finished_at": now, "error": gave_up(job.attempts, job.error)[:2000]}
    kind.lifecycle.move(job, FAIL, fields={**fields, **kind.failed_fields}, locked=True)


def stale(kind: Kind, *, now: datetime.datetime | None = None, limit: int = 1000) -> list[int]:
    """The jobs for the beat sweeper to send again: waiting for longer than ``JOB_REQUEUE_SECONDS`` (their
    message got lost) or working with an expired lease (their worker died). Those out of attempts fail here,
    with the reason, and are not returned."""
    now = now or timezone.now()
    waited = now - datetime.timedelta(seconds=settings.JOB_REQUEUE_SECONDS)
    candidates = kind.model._default_manager.filter(
        Q(status__in=kind.waiting, created_at__lt=waited)
        | Q(status=kind.working, lease_until__lt=now)
        | Q(status=kind.working, lease_until__isnull=True)
    ).order_by("pk")
    for pk in candidates.filter(attempts__gte=kind.policy.max_attempts).values_list("pk", flat=True):
        with transaction.atomic():
            job = kind.model._default_manager.select_for_update().filter(pk=pk).first()
            if job is not None and _claimable(kind, job, now) and job.attempts >= kind.policy.max_attempts:
                _give_up(kind, job, now)
    return list(candidates.filter(attempts__lt=kind.policy.max_attempts).values_list("pk", flat=True)[:limit])
