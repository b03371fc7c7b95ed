"""The lifecycle of a settlement as data: ``proposed → checked → approved``, and ``withdrawn`` before approval.

The proposal itself is made by ``services.propose_settlement`` (it creates the row); the services check that
each step is taken by a different person and that the inputs did not change before they ``move``.
``SETTLEMENTS.move`` is the only place that assigns ``Settlement.status``.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations.lifecycle import Lifecycle
from allocations.settlements.models import Settlement, SettlementStatus
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
