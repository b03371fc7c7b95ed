"""A final run whose letters are sent, for the payment tests: ``final_runs.letter_run``'s decisions, each with
a current letter dated ``SEND_ON`` stored directly (rendering PDFs is the letter tests' work), sent the way an
administrator sends them (``batches.mark_batch_sent`` on ``SEND_DAY``), which makes the instalments."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from allocations.letters import batches
from allocations.letters.models import BatchStatus, Letter, LetterBatch
from allocations.runs.models import AllocationRun, Outcome
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, SEND_ON


def made_letters(run: AllocationRun, *, by: User, send_on=SEND_ON) -> None:
    """A prepared batch with every letter made, dated ``send_on`` (as ``prepare`` leaves it)."""
    LetterBatch.objects.create(
        run=run, status=BatchStatus.PREPARED, send_on=send_on, prepared_by=by, prepared_at=timezone.now()
    )
    for decision in run.decisions.all():
        content = f"brief {decision.number}".encode()
        Letter.objects.create(
            decision=decision,
            version=1,
            file=ContentFile(content, name="brief.pdf"),
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            amount=0 if decision.outcome == Outcome.REJECTED else decision.amount,
            letter_date=send_on,
        )


def sent_run(*, by: User, count: int = 3, prefix: str = "B", municipalities=None) -> AllocationRun:
    """``letter_run(count)`` with its letters made and sent on ``SEND_DAY``: the awards have their instalments."""
    run = letter_run(count=count, by=by, prefix=prefix, municipalities=municipalities)
    made_letters(run, by=by)
    batches.mark_batch_sent(run=run, by=by, now=SEND_DAY)
    return run
