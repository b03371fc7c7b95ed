"""The lifecycle of a settlement as data: ``proposed → checked → approved``, and ``withdrawn`` before approval.

The proposal itself is made by ``services.propose_settlement`` (it creates the row); the services check that
each step is taken by a different person and that the inputs did not change before they ``move``.
``SETTLEMENTS.move`` is the only place that assigns ``Settlement.status``.

A settlement batch is ``running → finished`` (the system closes it once every job ended); each of its jobs is a
leased job (``allocations.jobs``): ``pending → claimed → done``, back to pending to be tried again, ``failed``
with the reason. ``SETTLEMENT_BATCHES.move`` and ``SETTLEMENT_JOBS.move`` assign their statuses.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations import jobs
from allocations.lifecycle import Lifecycle, by_the_system
from allocations.settlements.models import (
    Settlement,
    SettlementBatch,
    SettlementBatchStatus,
    SettlementJob,
    SettlementJobStatus,
    SettlementStatus,
)
from allocations.settlements.permissions import (
    can_approve_settlement,
    can_check_settlement,
    can_withdraw_settlement,
)

SETTLEMENT_WORKFLOW = Workflow(
    [
        Transition(
            action="check",
            label=_("Controle vastleggen"),
            sources=(SettlementStatus.PROPOSED,),
            target=SettlementStatus.CHECKED,
            allowed=can_check_settlement,
            verb="settlement.checked",
            refused=_("Alleen een voorgestelde vaststelling kan worden gecontroleerd."),
            style="primary",
        ),
        Transition(
            action="approve",
            label=_("Vaststelling goedkeuren"),
            sources=(SettlementStatus.CHECKED,),
            target=SettlementStatus.APPROVED,
            allowed=can_approve_settlement,
            verb="settlement.approved",
            refused=_("Alleen een gecontroleerde vaststelling kan worden goedgekeurd."),
            style="primary",
        ),
        Transition(
            action="withdraw",
            label=_("Voorstel intrekken"),
            sources=(SettlementStatus.PROPOSED, SettlementStatus.CHECKED),
            target=SettlementStatus.WITHDRAWN,
            allowed=can_withdraw_settlement,
            verb="settlement.withdrawn",
            refused=_("Een goedgekeurde of ingetrokken vaststelling kan niet meer worden ingetrokken."),
            style="subtle",
        ),
    ]
)

SETTLEMENTS: Lifecycle[Settlement] = Lifecycle(Settlement, SETTLEMENT_WORKFLOW)
move = SETTLEMENTS.move

BATCH_WORKFLOW = Workflow(
    [
        Transition(
            action="finish",
            label=_("Klaar"),
            sources=(SettlementBatchStatus.RUNNING,),
            target=SettlementBatchStatus.FINISHED,
            allowed=by_the_system,
            offered=False,
        ),
    ]
)

SETTLEMENT_BATCHES: Lifecycle[SettlementBatch] = Lifecycle(SettlementBatch, BATCH_WORKFLOW)

JOB_WORKFLOW = Workflow(
    [
        Transition(
            action=jobs.CLAIM,
            label=_("Voorstellen"),
            sources=(SettlementJobStatus.PENDING, SettlementJobStatus.CLAIMED),
            target=SettlementJobStatus.CLAIMED,
            allowed=by_the_system,
            offered=False,
        ),
        # The proposal it made is audited by ``services.propose_settlement``.
        Transition(
            action=jobs.FINISH,
            label=_("Klaar"),
            sources=(SettlementJobStatus.CLAIMED,),
            target=SettlementJobStatus.DONE,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.REQUEUE,
            label=_("Opnieuw in de wachtrij"),
            sources=(SettlementJobStatus.CLAIMED,),
            target=SettlementJobStatus.PENDING,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FAIL,
            label=_("Mislukt"),
            sources=(SettlementJobStatus.PENDING, SettlementJobStatus.CLAIMED),
            target=SettlementJobStatus.FAILED,
            allowed=by_the_system,
            offered=False,
        ),
    ]
)

SETTLEMENT_JOBS: Lifecycle[SettlementJob] = Lifecycle(SettlementJob, JOB_WORKFLOW)
SETTLEMENT_JOB_KIND: jobs.Kind[SettlementJob] = jobs.Kind(name="settlement", lifecycle=SETTLEMENT_JOBS)
