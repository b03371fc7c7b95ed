"""The lifecycle of an instalment as data: ``due → ordered → paid``, and ``cancelled`` from due or ordered.

Ordering is done per pay date (``services.order_payments``), the paid date is recorded on the page, through
the API or by importing the financial system's file (``services.record_paid``, ``imports``). Every step is
audited. ``INSTALMENTS.move`` is the only place that assigns ``Instalment.status``.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations.lifecycle import Lifecycle
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.payments.permissions import can_manage_payments

INSTALMENT_WORKFLOW = Workflow(
    [
        # Taken for every instalment of a pay date at once (the payment order), not per instalment.
        Transition(
            action="order",
            label=_("Betaalopdracht geven"),
            sources=(InstalmentStatus.DUE,),
            target=InstalmentStatus.ORDERED,
            allowed=can_manage_payments,
            verb="instalment.ordered",
            refused=_("Voor deze termijn is al een betaalopdracht gegeven, of hij is betaald of vervallen."),
            offered=False,
        ),
        Transition(
            action="pay",
            label=_("Betaaldatum vastleggen"),
            sources=(InstalmentStatus.ORDERED,),
            target=InstalmentStatus.PAID,
            allowed=can_manage_payments,
            verb="instalment.paid",
            refused=_("Alleen een termijn waarvoor een betaalopdracht is gegeven, kan als betaald worden vastgelegd."),
            style="primary",
        ),
        Transition(
            action="cancel",
            label=_("Termijn laten vervallen"),
            sources=(InstalmentStatus.DUE, InstalmentStatus.ORDERED),
            target=InstalmentStatus.CANCELLED,
            allowed=can_manage_payments,
            verb="instalment.cancelled",
            refused=_("Een betaalde of vervallen termijn kan niet meer vervallen."),
            style="subtle",
        ),
    ]
)

INSTALMENTS: Lifecycle[Instalment] = Lifecycle(Instalment, INSTALMENT_WORKFLOW)
move = INSTALMENTS.move
