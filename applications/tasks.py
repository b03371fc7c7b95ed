"""Background work for applications: thin and idempotent."""

import datetime
import logging
from functools import partial

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F

from applications import documents
from applications.models import Application

logger = logging.getLogger(__name__)

# Rendering a PDF must never hold a worker unbounded: after the soft limit the task stops and the failure is
# counted (shown on the application page); the hard limit kills the worker process if even that fails.
COPY_SOFT_TIME_LIMIT = 120
COPY_TIME_LIMIT = 150


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=COPY_SOFT_TIME_LIMIT,
    time_limit=COPY_TIME_LIMIT,
)
def store_submission_copy(application_id: int, submitted_at: str) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    try:
        documents.store_submission_copy(application, submitted_at=datetime.datetime.fromisoformat(submitted_at))
    except (SoftTimeLimitExceeded, Exception):
        logger.exception("PDF copy of application %s failed", application_id)
        Application.objects.filter(pk=application_id).update(copy_failures=F("copy_failures") + 1)
        raise


@shared_task(acks_late=True)
def sweep_submission_copies() -> int:
    """Queue the copy again for submitted applications that have none for their last submission (the
    message was lost, the worker died or the rendering failed), up to documents.COPY_MAX_FAILURES attempts."""
    pending = documents.missing_copies(max_failures=documents.COPY_MAX_FAILURES)
    for application_id, submitted_at in pending:
        store_submission_copy.delay(application_id, submitted_at.isoformat())
    return len(pending)


def queue_missing_copies() -> int:
    """Queue, once the transaction commits, the copy of every submitted application that has none of its last
    submission, whenever it was submitted.

    For applications written in bulk rather than submitted through ``services.submit_application`` (the demo's
    reviewed applications, ready to divide), which nothing else queues: the sweeper only runs beside a worker
    with beat, and the embedded default has none, so their pages would say "wordt gemaakt" for ever. The task
    is idempotent, so a copy already on its way is not made twice."""
    pending = documents.missing_copies(max_failures=documents.COPY_MAX_FAILURES, older_than=datetime.timedelta(0))
    for application_id, submitted_at in pending:
        transaction.on_commit(
            partial(store_submission_copy.delay, application_id, submitted_at.isoformat()), robust=True
        )
    return len(pending)
