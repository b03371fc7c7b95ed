"""The lifecycle of an objection letter's job as data: ``pending → claimed → sent``, back to pending to be tried
again, ``failed`` at the attempt limit (``allocations.jobs``). Only the system takes these steps."""

from django.utils.translation import gettext_lazy as _

from accounts.workflow import Transition, Workflow
from allocations import jobs
from allocations.lifecycle import Lifecycle, by_the_system
from allocations.objections.letter_models import LetterStatus, ObjectionLetter

OBJECTION_LETTER_WORKFLOW = Workflow(
    [
        Transition(
            action=jobs.CLAIM,
            label=_("Maken"),
            sources=(LetterStatus.PENDING, LetterStatus.CLAIMED),
            target=LetterStatus.CLAIMED,
            allowed=by_the_system,
            offered=False,
        ),
        # Made, stored and sent in one step: the letter is dated by the day it is sent.
        Transition(
            action=jobs.FINISH,
            label=_("Verzonden"),
            sources=(LetterStatus.CLAIMED,),
            target=LetterStatus.SENT,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.REQUEUE,
            label=_("Opnieuw in de wachtrij"),
            sources=(LetterStatus.CLAIMED,),
            target=LetterStatus.PENDING,
            allowed=by_the_system,
            offered=False,
        ),
        Transition(
            action=jobs.FAIL,
            label=_("Mislukt"),
            sources=(LetterStatus.PENDING, LetterStatus.CLAIMED),
            target=LetterStatus.FAILED,
            allowed=by_the_system,
            offered=False,
        ),
    ]
)

OBJECTION_LETTERS: Lifecycle[ObjectionLetter] = Lifecycle(ObjectionLetter, OBJECTION_LETTER_WORKFLOW)
OBJECTION_LETTER_KIND: jobs.Kind[ObjectionLetter] = jobs.Kind(name="objection_letter", lifecycle=OBJECTION_LETTERS)
