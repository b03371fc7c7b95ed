"""The application lifecycle as data: which step, from which states, to which state, by whom.

Pages show a button for every transition in ``WORKFLOW.available(user, application)``; services call
``WORKFLOW.check`` before changing anything. One table, so the two can never disagree.
"""

from django.utils.translation import gettext_lazy as _

from accounts.permissions import is_administrator
from accounts.workflow import Transition, Workflow
from applications.models import Status
from applications.permissions import (
    can_request_information,
    can_start_review,
    can_submit_application,
    can_withdraw_application,
)

WORKFLOW = Workflow(
    [
        Transition(
            action="submit",
            label=_("Aanvraag indienen"),
            sources=(Status.DRAFT, Status.INFO_REQUESTED),
            target=Status.SUBMITTED,
            allowed=can_submit_application,
            style="primary",
        ),
        Transition(
            action="withdraw",
            label=_("Aanvraag intrekken"),
            sources=(Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED),
            target=Status.WITHDRAWN,
            allowed=can_withdraw_application,
            style="subtle",
            confirm=_(
                "Weet u zeker dat u deze aanvraag wilt intrekken? Dit kan niet ongedaan worden gemaakt."
            ),
        ),
        Transition(
            action="request_information",
            label=_("Aanvulling vragen"),
            sources=(Status.SUBMITTED,),
            target=Status.INFO_REQUESTED,
            allowed=can_request_information,
        ),
        Transition(
            action="start_review",
            label=_("In beoordeling nemen"),
            sources=(Status.SUBMITTED,),
            target=Status.IN_REVIEW,
            allowed=can_start_review,
            style="primary",
        ),
        # The decision actions of the money half (CONTRACT.md); a minimal version until the full
        # lifecycle of applications/workflow.py lands.
        Transition(
            action="award",
            label=_("Toekennen"),
            sources=(Status.REVIEWED,),
            target=Status.AWARDED,
            allowed=is_administrator,
        ),
        Transition(
            action="partially_award",
            label=_("Gedeeltelijk toekennen"),
            sources=(Status.REVIEWED,),
            target=Status.PARTIALLY_AWARDED,
            allowed=is_administrator,
        ),
        Transition(
            action="reject",
            label=_("Afwijzen"),
            sources=(Status.REVIEWED,),
            target=Status.REJECTED,
            allowed=is_administrator,
        ),
        Transition(
            action="send_letter",
            label=_("Beschikking verzonden"),
            sources=(Status.AWARDED, Status.PARTIALLY_AWARDED, Status.REJECTED),
            target=Status.LETTER_SENT,
            allowed=is_administrator,
        ),
    ]
)
