"""The lifecycles of a run's letter batch and of its letter jobs as data: which step, from which state, to
which state, by whom.

The run's letters page shows a button for a step only when ``BATCH_WORKFLOW.available`` offers it, and the
services check the same table, so a sent batch offers no way to make its letters again and refuses one.
A letter job is a leased job (``allocations.jobs``): ``pending → claimed → done``, back to pending to be
tried again, ``failed`` at the attempt limit, and reopened by an administrator (``JOBS.move``).
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations import jobs
from allocations.letters.models import BatchStatus, JobStatus, LetterJob
from allocations.letters.permissions import can_manage_letters
from allocations.lifecycle import Lifecycle, by_the_system

NOT_PREPARED = _("Bereid de brieven eerst voor met een verzenddatum.")
ALREADY_SENT = _(
    "Een verzonden brief verandert niet meer; een ander besluit is een nieuw besluit, met een eigen brief."
)

BATCH_WORKFLOW = Workflow(
    [
        # Preparing again with another date (before sending) makes the letters again, with that date.
        Transition(
            action="prepare",
            label=_("Brieven voorbereiden"),
            sources=(BatchStatus.NEW, BatchStatus.PREPARED),
            target=BatchStatus.PREPARED,
            allowed=can_manage_letters,
            verb="letters.prepared",
            refused=ALREADY_SENT,
            style="primary",
        ),
        Transition(
            action="regenerate",
            label=_("Brieven opnieuw maken met de nieuwste teksten"),
            sources=(BatchStatus.PREPARED,),
            target=BatchStatus.PREPARED,
            allowed=can_manage_letters,
            verb="letters.regenerated",
            refused=ALREADY_SENT,
            style="subtle",
        ),
        Transition(
            action="retry",
            label=_("Mislukte brieven opnieuw maken"),
            sources=(BatchStatus.PREPARED,),
            target=BatchStatus.PREPARED,
            allowed=can_manage_letters,
            verb="letters.retried",
            refused=ALREADY_SENT,
        ),
        Transition(
            action="send",
            label=_("Batch als verzonden markeren"),
            sources=(BatchStatus.PREPARED,),
            target=BatchStatus.SENT,
            allowed=can_manage_letters,
            verb="letters.sent",
            refused=NOT_PREPARED,
            style="primary",
        ),
    ]
)

LETTER_JOB_WORKFLOW = Workflow(
    [
        Transition(
            action=jobs.CLAIM,
            label=_("Maken"),
            sources=(JobStatus.PENDING, JobStatus.CLAIMED),
            target=JobStatus.CLAIMED,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FINISH,
            label=_("Gemaakt"),
            sources=(JobStatus.CLAIMED,),
            target=JobStatus.DONE,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.REQUEUE,
            label=_("Opnieuw in de wachtrij"),
            sources=(JobStatus.CLAIMED,),
            target=JobStatus.PENDING,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FAIL,
            label=_("Mislukt"),
            sources=(JobStatus.PENDING, JobStatus.CLAIMED),
            target=JobStatus.FAILED,
            allowed=by_the_system,
            offered=False,
        ),
        # Preparing, regenerating or retrying the batch reopens its failed jobs (audited once, for the batch).
        Transition(
            action="reopen",
            label=_("Mislukte brieven opnieuw maken"),
            sources=(JobStatus.FAILED,),
            target=JobStatus.PENDING,
            allowed=can_manage_letters,
            offered=False,
        ),
    ]
)

LETTER_JOBS: Lifecycle[LetterJob] = Lifecycle(LetterJob, LETTER_JOB_WORKFLOW)
LETTER_JOB_KIND: jobs.Kind[LetterJob] = jobs.Kind(name="letter", lifecycle=LETTER_JOBS)
