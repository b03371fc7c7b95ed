"""Steps shared by the end-to-end stories that run on a real worker (``tests/worker.py``): the clock of a day in
the story, clients for the people who take the steps, the award letters made by the worker and sent, the mail
the worker delivers, and the printed text of a PDF.

The clock is moved in the test process only: the worker keeps the real clock. So a story is told in the past
and ends today: the people's steps (pages and API) on the story's days, moved back to with ``on(day)``, and what
the worker dates by its own clock (a letter dated by the day it sends it, a settlement proposed by a batch) on
the real today, after every day of the story. What the worker reads from the rows (an award letter's date is its
batch's send date) holds on both sides.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.test import Client
from django.utils import formats, translation
from post_office.models import STATUS, Email
from rest_framework.test import APIClient

from accounts.models import User
from allocations.letters.deadlines import is_working_day, local_today
from allocations.letters.models import Letter
from allocations.runs.models import AllocationRun, Decision
from tests.worker import WorkerProcess, wait_for


def moment(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """``hour`` o'clock UTC on ``day``: the same day in Amsterdam (UTC+1 or +2) from 0 to 21 o'clock."""
    return datetime.datetime(day.year, day.month, day.day, hour, 0, tzinfo=datetime.UTC)


@contextmanager
def on(day: datetime.date, hour: int = 9) -> Iterator[None]:
    """The test process's clock on ``day`` (ticking, so waits and leases behave); today's clock is left alone."""
    if day == local_today():
        yield
        return
    assert day < local_today(), "a story is told in the past: the worker's clock is today's"
    with time_machine.travel(moment(day, hour), tick=True):
        yield


def working_day_until(day: datetime.date) -> datetime.date:
    """``day`` when it is a working day (Algemene termijnenwet), else the last one before it."""
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def long_date(day: datetime.date) -> str:
    """A day as a Dutch letter prints it: 26 april 2027."""
    with translation.override("nl"):
        return formats.date_format(day, "j F Y")


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user: User) -> Client:
    """A logged-in browser session of ``user``; made inside ``on(...)``, so the session is one of that day."""
    client = Client()
    client.force_login(user)
    return client


def ok(response, status: int = 200):
    """The response, after checking its status (with the body in the message when it is not)."""
    body = b"" if response.streaming else response.content
    assert response.status_code == status, f"{response.status_code}: {body[:1500]!r}"
    return response


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def printed(pdf: bytes) -> str:
    """The text a PDF prints (pdftotext), whitespace runs as one space, words broken at a hyphen joined."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(re.sub(r"(?<=\S)([-–])\n", r"\1", out.stdout.decode()).split())


# --- The award letters, made by the worker and sent --------------------------------------------------------
def send_award_letters(
    run: AllocationRun, *, by: User, send_on: datetime.date, worker: WorkerProcess
) -> dict[str, bytes]:
    """Prepare the run's letters with ``send_on`` (API), let the worker make them, and mark the batch sent on that
    day (API), as the administrator does. Returns every sent letter's bytes by decision number, each checked
    against the SHA-256 stored with it."""
    client = api(by)
    with on(send_on, 8):
        answer = client.post(f"/api/v1/allocation-runs/{run.pk}/letters/prepare/", {"send_on": send_on.isoformat()})
        assert answer.status_code in (200, 202), answer.content
    wait_for(
        lambda: client.get(f"/api/v1/allocation-runs/{run.pk}/letters/batch/").json()["progress"]["finished"],
        timeout=120,
        worker=worker,
        what=f"the worker to make the letters of run {run.pk}",
    )
    batch = client.get(f"/api/v1/allocation-runs/{run.pk}/letters/batch/").json()
    assert batch["progress"]["failed"] == 0, batch
    with on(send_on, 9):
        sent = ok(client.post(f"/api/v1/allocation-runs/{run.pk}/letters/send/")).json()
    assert sent["status"] == "sent", sent
    assert not Decision.objects.filter(run=run, sent_at__isnull=True).exists()
    return letters_of(run)


def letters_of(run: AllocationRun) -> dict[str, bytes]:
    """The current letter of each decision of the run, by decision number: its stored bytes, which must match
    the SHA-256 and size stored with it."""
    found = {}
    for letter in Letter.objects.filter(decision__run=run, superseded_at__isnull=True).select_related("decision"):
        with letter.file.open("rb") as handle:
            data = handle.read()
        assert hashlib.sha256(data).hexdigest() == letter.sha256 and len(data) == letter.size
        assert data.startswith(b"%PDF-")
        found[letter.decision.number] = data
    return found


# --- Mail, delivered by the worker -------------------------------------------------------------------------
def delivered(worker: WorkerProcess, *, to: str, containing: str = "") -> Email:
    """Wait until the worker has delivered the mail to ``to`` (whose subject or body contains ``containing``)."""
    from accounts.tasks import send_queued_emails

    def mails():
        return [m for m in Email.objects.filter(to=to) if containing in f"{m.subject} {m.message}"]

    nudged = time.monotonic()

    def sent() -> bool:
        nonlocal nudged
        if any(m.status == STATUS.sent for m in mails()):
            return True
        # A delivery that ran just before this mail was queued left it for beat, which this worker lacks.
        if time.monotonic() - nudged > 3:
            send_queued_emails.delay()
            nudged = time.monotonic()
        return False

    wait_for(sent, timeout=60, worker=worker, what=f"the worker to deliver the mail to {to} ({containing!r})")
    return next(m for m in mails() if m.status == STATUS.sent)
