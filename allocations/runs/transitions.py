"""The lifecycle of an allocation run as data: which step, from which states, to which state, by whom.

``queued → running → draft → final``, with ``failed`` from queued or running and ``retry`` back to queued.
The worker's steps (claim, finish, requeue, fail) are taken through ``allocations.jobs``; a person's steps
(retry, approve) by ``services``. ``RUNS.move`` is the only place that assigns ``AllocationRun.status``.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations import jobs
from allocations.lifecycle import Lifecycle, by_the_system
from allocations.runs.models import AllocationRun, RunStatus
from allocations.runs.permissions import can_manage_allocation

RUN_WORKFLOW = Workflow(
    [
        # A worker takes a queued run, or a running one whose worker's lease expired.
        Transition(
            action=jobs.CLAIM,
            label=_("Berekenen"),
            sources=(RunStatus.QUEUED, RunStatus.RUNNING),
            target=RunStatus.RUNNING,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FINISH,
            label=_("Berekend"),
            sources=(RunStatus.RUNNING,),
            target=RunStatus.DRAFT,
            allowed=by_the_system,
            verb="allocation_run.computed",
            offered=False,
        ),
        Transition(
            action=jobs.REQUEUE,
            label=_("Opnieuw in de wachtrij"),
            sources=(RunStatus.RUNNING,),
            target=RunStatus.QUEUED,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FAIL,
            label=_("Mislukt"),
            sources=(RunStatus.QUEUED, RunStatus.RUNNING),
            target=RunStatus.FAILED,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action="retry",
            label=_("Opnieuw proberen"),
            sources=(RunStatus.FAILED,),
            target=RunStatus.QUEUED,
            allowed=can_manage_allocation,
            verb="allocation_run.retried",
            refused=_("Alleen een mislukte verdeling kan opnieuw worden gestart."),
        ),
        # The four-eyes rule and the inputs are checked by ``services.approve_run`` before this step.
        Transition(
            action="approve",
            label=_("Goedkeuren"),
            sources=(RunStatus.DRAFT,),
            target=RunStatus.FINAL,
            allowed=can_manage_allocation,
            verb="allocation_run.approved",
            refused=_("Alleen een concept-verdeling kan worden goedgekeurd."),
            style="primary",
        ),
    ]
)

RUNS: Lifecycle[AllocationRun] = Lifecycle(AllocationRun, RUN_WORKFLOW)
move = RUNS.move

# A run is a job: the worker's lease, attempts and sweeper are ``allocations.jobs``'s.
RUN_JOBS: jobs.Kind[AllocationRun] = jobs.Kind(name="run", lifecycle=RUNS, failed_fields={"phase": "failed"})
