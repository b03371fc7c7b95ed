"""Background work for applications: thin and idempotent."""

import datetime

from celery import shared_task

from applications import documents
from applications.models import Application


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def store_submission_copy(application_id: int, submitted_at: str) -> None:
    application = Application.objects.filter(pk=application_id).first()
    if application is None:
        return
    documents.store_submission_copy(application, submitted_at=datetime.datetime.fromisoformat(submitted_at))
