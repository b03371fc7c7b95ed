"""The application lifecycle as data (DESIGN.md §4): which step, from which states, to which state, by whom.

Pages show a button for every offered transition in ``WORKFLOW.available(user, application)``;
``applications.workflow.move`` checks the same table before it changes anything. One table, so the two
can never disagree.
"""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from applications.models import Status
from applications.permissions import (
    can_complete_review,
    can_decide,
    can_reopen_review,
    can_request_information,
    can_start_review,
    can_submit_application,
    can_withdraw_application,
)

DECIDED_STATES = (Status.AWARDED, Status.PARTIALLY_AWARDED, Status.REJECTED)

WORKFLOW = Workflow(
    [
        Transition(
            action="submit",
            label=_("Aanvraag indienen"),
            sources=(Status.DRAFT, Status.INFO_REQUESTED),
            target=Status.SUBMITTED,
            allowed=can_submit_application,
            verb="application.submitted",
            refused=_("Deze aanvraag is al ingediend of kan in deze status niet worden ingediend."),
            style="primary",
        ),
        Transition(
            action="withdraw",
            label=_("Aanvraag intrekken"),
            sources=(Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED),
            target=Status.WITHDRAWN,
            allowed=can_withdraw_application,
            verb="application.withdrawn",
            refused=_("Deze aanvraag kan in deze status niet meer worden ingetrokken."),
            style="subtle",
            confirm=_("Weet u zeker dat u deze aanvraag wilt intrekken? Dit kan niet ongedaan worden gemaakt."),
        ),
        Transition(
            action="request_information",
            label=_("Aanvulling vragen"),
            # Also during review: the reviews wait (they cannot be submitted) until the municipality answers.
            sources=(Status.SUBMITTED, Status.IN_REVIEW),
            target=Status.INFO_REQUESTED,
            allowed=can_request_information,
            verb="application.information_requested",
            refused=_("Om aanvulling vragen kan alleen bij een ingediende aanvraag of een aanvraag in beoordeling."),
        ),
        # The municipality's answer to a request made during review: the application goes back into review
        # with the reviewers it had (applications.services.submit_application chooses this over "submit").
        Transition(
            action="answer_information",
            label=_("Aanvulling indienen"),
            sources=(Status.INFO_REQUESTED,),
            target=Status.IN_REVIEW,
            allowed=can_submit_application,
            verb="application.information_answered",
            refused=_("Deze aanvraag wacht niet op een aanvulling."),
            offered=False,
        ),
        Transition(
            action="start_review",
            label=_("In beoordeling nemen"),
            sources=(Status.SUBMITTED,),
            target=Status.IN_REVIEW,
            allowed=can_start_review,
            verb="application.review_started",
            refused=_("Alleen een ingediende aanvraag kan in beoordeling worden genomen."),
            style="primary",
        ),
        # Taken by the assessment services: the last review that counts completes it, reopening one of
        # them reopens it.
        Transition(
            action="complete_review",
            label=_("Beoordeling afronden"),
            sources=(Status.IN_REVIEW,),
            target=Status.REVIEWED,
            allowed=can_complete_review,
            verb="application.reviewed",
            offered=False,
        ),
        Transition(
            action="reopen_review",
            label=_("Beoordeling heropenen"),
            sources=(Status.REVIEWED,),
            target=Status.IN_REVIEW,
            allowed=can_reopen_review,
            verb="application.review_reopened",
            refused=_("Over deze aanvraag is al besloten; de beoordeling kan niet meer open."),
            offered=False,
        ),
        # Taken by the allocation (allocations/runs/ and allocations/letters/).
        Transition(
            action="award",
            label=_("Toekennen"),
            sources=(Status.REVIEWED,),
            target=Status.AWARDED,
            allowed=can_decide,
            verb="application.awarded",
            offered=False,
        ),
        Transition(
            action="partially_award",
            label=_("Gedeeltelijk toekennen"),
            sources=(Status.REVIEWED,),
            target=Status.PARTIALLY_AWARDED,
            allowed=can_decide,
            verb="application.partially_awarded",
            offered=False,
        ),
        Transition(
            action="reject",
            label=_("Afwijzen"),
            sources=(Status.REVIEWED,),
            target=Status.REJECTED,
            allowed=can_decide,
            verb="application.rejected",
            offered=False,
        ),
        Transition(
            action="send_letter",
            label=_("Beschikking verzenden"),
            sources=DECIDED_STATES,
            target=Status.LETTER_SENT,
            allowed=can_decide,
            verb="application.letter_sent",
            offered=False,
        ),
    ]
)
