"""The objection starts where the letters end: through the real letter batch, a decision can be objected to only
once its letter went out, and the term the case counts is the term the letter printed (the same calendar)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.workflow import TransitionNotAllowed
from allocations.letters import batches
from allocations.letters.deadlines import objection_last_day
from allocations.objections import services
from allocations.objections.models import ObjectionCase
from allocations.runs.models import Decision
from tests.allocations.letters.batch import SEND_DAY, SEND_ON, prepare

pytestmark = pytest.mark.django_db


def test_an_objection_only_after_the_batch_is_sent_with_the_printed_term(
    run, unsent, officer, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run)
    # Prepared, not sent: the officer has nothing to object to yet.
    with pytest.raises(TransitionNotAllowed):
        services.lodge_objection(decision=unsent, by=officer, grounds="Te vroeg.", now=SEND_DAY)
    with django_capture_on_commit_callbacks(execute=True):
        batches.mark_batch_sent(run=run, by=administrator, now=SEND_DAY)
    decision = Decision.objects.get(pk=unsent.pk)
    later = SEND_DAY + datetime.timedelta(days=10)
    with time_machine.travel(later, tick=False):
        officer_client = Client()
        officer_client.force_login(officer)  # a session of that day
        page = officer_client.get(reverse("application_letters", args=[decision.application_id]))
        assert reverse("objection_lodge", args=[decision.application_id]) in page.content.decode()
        response = officer_client.post(
            reverse("objection_lodge", args=[decision.application_id]), {"grounds": "De score klopt niet."}
        )
    assert response.status_code == 302
    case = ObjectionCase.objects.get()
    letter = decision.letters.get(sent_at__isnull=False)
    assert letter.letter_date == SEND_ON == case.sent_on
    assert case.objection_term_end == objection_last_day(letter.letter_date)
    assert case.is_timely
