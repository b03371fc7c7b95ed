"""The lifecycle of a run's letter batch as data: which step, from which state, to which state, by whom.

The run's letters page shows a button for a step only when ``BATCH_WORKFLOW.available`` offers it, and the
services check the same table, so a sent batch offers no way to make its letters again and refuses one.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations.letters.models import BatchStatus
from allocations.letters.permissions import can_manage_letters

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
