"""Delivery of queued e-mail. Messages are rows in the database (django-post-office); this task sends
what is queued, and beat runs it every minute so nothing queued during an outage is lost."""

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

LOCK_KEY = "nplv:mail-delivery-lock"
LOCK_SECONDS = 300


@shared_task(acks_late=True, ignore_result=True)
def send_queued_emails() -> int:
    """Send every queued message once. A shared lock keeps two workers from sending the same batch."""
    from post_office.mail import get_queued, send_queued

    if not cache.add(LOCK_KEY, "1", timeout=LOCK_SECONDS):
        return 0  # another worker is sending; beat will look again in a minute
    try:
        sent = 0
        while get_queued().exists():
            batch_sent, _failed, _requeued = send_queued()
            sent += batch_sent
            if batch_sent == 0:
                break  # everything left failed or is waiting for a retry
        return sent
    finally:
        cache.delete(LOCK_KEY)


def queue_delivery(sender, **kwargs) -> None:
    """Hooked to post-office's ``email_queued`` signal: deliver after the surrounding transaction commits."""
    # robust: with the broker down the message is lost, not the request; beat sends what is queued later.
    transaction.on_commit(send_queued_emails.delay, robust=True)
