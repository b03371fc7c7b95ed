"""The links the whole-story browser test walks along: from a final run to its letters and its exports and
back from each, from an application's decision to its letters, and a history that speaks Dutch to the end."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.audit_verbs import SENTENCES
from allocations.letters import batches, selectors
from allocations.runs.models import AllocationRun, RunStatus
from applications.transitions import WORKFLOW
from tests.allocations.final_runs import letter_run
from tests.allocations.letters.batch import SEND_DAY, prepare

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(administrator, municipality, django_capture_on_commit_callbacks):
    """A final run whose first decision is the ``officer`` fixture's municipality's, its letters made."""
    from tests.factories import MunicipalityFactory

    others = [MunicipalityFactory(postal_address="Postbus 1", postal_code="1000 AA", postal_city="X")]
    run = letter_run(count=2, by=administrator, municipalities=[municipality, *others])
    with django_capture_on_commit_callbacks(execute=True):
        prepare(run)
    letter = selectors.current_letters(run=run).get(decision__application__municipality=municipality)
    return {"run": run, "application": letter.decision.application}


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_a_final_run_links_to_its_letters_and_exports_and_the_letters_back(administrator_client, sent):
    run = sent["run"]
    page = html(administrator_client.get(reverse("run_detail", args=[run.pk])))
    assert f'href="{reverse("run_letters", args=[run.pk])}"' in page
    assert f'href="{reverse("run_exports", args=[run.pk])}"' in page
    letters = html(administrator_client.get(reverse("run_letters", args=[run.pk])))
    assert f'href="{reverse("run_detail", args=[run.pk])}"' in letters
    exports = html(administrator_client.get(reverse("run_exports", args=[run.pk])))
    assert f'href="{reverse("run_detail", args=[run.pk])}"' in exports


def test_a_run_that_is_not_final_has_no_letters_or_exports_to_link_to(administrator, administrator_client, sent):
    final = sent["run"]  # a final run never goes back; a new run of its call is queued beside it
    run = AllocationRun.objects.create(
        call=final.call, number=2, status=RunStatus.QUEUED, method=final.method, started_by=administrator
    )
    page = html(administrator_client.get(reverse("run_detail", args=[run.pk])))
    assert reverse("run_letters", args=[run.pk]) not in page
    assert reverse("run_exports", args=[run.pk]) not in page


def test_the_decision_on_an_application_links_to_its_letters(administrator, administrator_client, officer, sent):
    application = sent["application"]
    letters_link = f'href="{reverse("application_letters", args=[application.pk])}"'
    officer_client = Client()
    officer_client.force_login(officer)
    detail = reverse("application_detail", args=[application.pk])
    assert letters_link in html(administrator_client.get(detail))
    assert letters_link not in html(officer_client.get(detail))  # not sent yet: no decision for the municipality

    batches.mark_batch_sent(run=sent["run"], by=administrator, now=SEND_DAY)
    page = html(officer_client.get(detail))
    assert letters_link in page
    assert "heeft de beschikking verzonden." in page
    assert "application.letter_sent" not in page


def test_every_step_of_the_application_workflow_has_a_sentence_in_the_history():
    verbs = {transition.verb for transition in WORKFLOW.transitions.values()}
    assert verbs - set(SENTENCES) == set()
