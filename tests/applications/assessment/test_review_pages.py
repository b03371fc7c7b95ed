"""The assessment pages in use: the reviewer's queue and review page (drafts, submission, locking, the
scores of others only after one's own, conflicts of interest) and the administrator's assessment page
(assignment by hand and automatically, unassigning, reopening)."""

import re
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import Review, ReviewAssignment, ReviewScore, Status
from tests.factories import CriterionFactory, OfficerFactory, ReviewerFactory, submitted_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(officer):
    return submitted_application(officer, title="Samen sterk in Batau")


@pytest.fixture
def criteria(application):
    return [
        CriterionFactory(
            call=application.call, name="Effectiviteit", weight=D("3"), guidance="Werkt de aanpak aantoonbaar?"
        ),
        CriterionFactory(call=application.call, name="Bereik", weight=D("2")),
        CriterionFactory(call=application.call, name="Extra", weight=D("1"), required=False),
    ]


@pytest.fixture
def other_reviewer(db):
    return ReviewerFactory(email="bea@minvro.nl", full_name="Bea Tweede")


@pytest.fixture
def assignment(application, administrator, reviewer, criteria):
    return assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_data(criteria, values, *, action="opslaan", confirm=False, comment=""):
    """values: per criterion (score, motivation) or None."""
    data = {"actie": action, "overall_comment": comment}
    for criterion, value in zip(criteria, values, strict=False):
        if value is None:
            continue
        score, motivation = value
        data[f"score_{criterion.pk}"] = "" if score is None else str(score)
        data[f"motivering_{criterion.pk}"] = motivation
    if confirm:
        data["confirm"] = "on"
    return data


def submit_by_service(assignment, reviewer, criteria, values, motivation="Goed onderbouwd."):
    scores = {
        c.pk: {"score": v, "motivation": f"{motivation} ({v})"}
        for c, v in zip(criteria, values, strict=False)
        if v is not None
    }
    assessment.save_review(assignment=assignment, by=reviewer, scores=scores)
    return assessment.submit_review(assignment=assignment, by=reviewer)


def criterion_block(html: str, criterion) -> str:
    """The part of the page that belongs to one criterion's fieldset."""
    start = html.index(f'id="criterium-{criterion.pk}"')
    following = html.find('id="criterium-', start + 1)
    end = html.index('id="id_overall_comment"') if following == -1 else following
    return html[start:end]


# --- the work queue --------------------------------------------------------------------------------


def test_the_queue_shows_only_the_reviewers_own_assignments_with_deadline_and_state(
    application, assignment, reviewer, other_reviewer, administrator, criteria
):
    settings = points.assessment_settings(application.call)
    settings.review_deadline = "2027-03-01T16:00:00+01:00"
    settings.save()
    elsewhere = submitted_application(OfficerFactory(), call=application.call, title="Ander plan")
    assessment.assign_reviewer(application=elsewhere, reviewer=other_reviewer, by=administrator)
    client = client_for(reviewer)

    page = client.get(reverse("review_queue")).content.decode()
    assert application.reference in page and "Samen sterk in Batau" in page
    assert elsewhere.reference not in page and "Ander plan" not in page
    assert "Nieuwegein" in page and application.call.title in page
    assert "1 maart 2027, 16:00" in page  # Europe/Amsterdam
    assert "Nog niet begonnen" in page
    assert reverse("review_detail", args=[assignment.pk]) in page

    client.post(reverse("review_detail", args=[assignment.pk]), review_data(criteria, [(7, "Sterk plan.")]))
    assert "Concept" in client.get(reverse("review_queue")).content.decode()
    home = client.get(reverse("home")).content.decode()
    assert application.reference in home and "Concept" in home and elsewhere.reference not in home

    submit_by_service(assignment, reviewer, criteria, [7, 6, None])
    assert "Ingediend" in client.get(reverse("review_queue")).content.decode()


def test_the_queue_is_paged_open_reviews_first_at_a_fixed_number_of_queries(
    monkeypatch, count_queries, application, assignment, reviewer, administrator, criteria
):
    from applications.assessment.views import reviewing

    monkeypatch.setattr(reviewing, "QUEUE_PAGE_SIZE", 2)
    client = client_for(reviewer)
    submit_by_service(assignment, reviewer, criteria, [7, 6, None])
    more = [submitted_application(OfficerFactory(), call=application.call) for _ in range(2)]
    for other in more:
        assessment.assign_reviewer(application=other, reviewer=reviewer, by=administrator)
    few = count_queries(client, reverse("review_queue"))

    first = client.get(reverse("review_queue")).content.decode()
    assert all(other.reference in first for other in more) and application.reference not in first
    assert "Pagina 1 van 2" in first and "pagina=2" in first
    second = client.get(reverse("review_queue"), {"pagina": 2}).content.decode()
    assert application.reference in second and "Ingediend" in second and "Pagina 2 van 2" in second

    for _ in range(2):
        assessment.assign_reviewer(
            application=submitted_application(OfficerFactory(), call=application.call),
            reviewer=reviewer,
            by=administrator,
        )
    assert count_queries(client, reverse("review_queue")) == few


# --- the review page -------------------------------------------------------------------------------


def test_the_review_page_shows_the_application_beside_the_scoring_form(
    client, application, assignment, reviewer, criteria
):
    client.force_login(reviewer)
    response = client.get(reverse("review_detail", args=[assignment.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "nplv-review-layout" in page
    assert "Minder schooluitval en meer ontmoeting in de wijk." in page  # the plan, read-only
    assert "€ 300.000,00" in page  # the budget total
    assert "Werkt de aanpak aantoonbaar?" in page  # the guidance
    for criterion in criteria:
        block = criterion_block(page, criterion)
        assert "<legend" in block and criterion.name in block
        assert block.count('type="radio"') == 10 + (0 if criterion.required else 1)
        assert f'id="id_motivering_{criterion.pk}"' in block
    assert "Concept opslaan" in page and "Beoordeling indienen" in page
    assert "Ik heb alles ingevuld; na indienen kan ik niet meer wijzigen" in page
    assert "Belangenconflict melden" in page
    assert 'name="actie"' in page and "<script" not in page and "style=" not in page


def test_saving_a_draft_keeps_the_values(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    response = client.post(
        url,
        review_data(criteria, [(7, "Sterk plan met een heldere aanpak."), (None, "")], comment="Voorlopig positief."),
    )
    assert response.status_code == 302 and response.url == url
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.DRAFT
    assert ReviewScore.objects.get(review=review, criterion=criteria[0]).score == 7
    page = client.get(url).content.decode()
    assert "Uw concept is opgeslagen." in page
    block = criterion_block(page, criteria[0])
    assert re.search(r'value="7"[^>]*checked', block)
    assert "Sterk plan met een heldere aanpak." in block
    assert "Voorlopig positief." in page


def test_submitting_with_a_missing_motivation_shows_the_error_beside_the_field_and_changes_nothing(
    client, assignment, reviewer, criteria
):
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    client.post(url, review_data(criteria, [(5, "Eerste indruk."), (6, "Redelijk.")]))
    response = client.post(url, review_data(criteria, [(8, ""), (6, "Redelijk.")], action="indienen", confirm=True))
    assert response.status_code == 200
    page = response.content.decode()
    message = "Motiveer de score voor &#x27;Effectiviteit&#x27;."
    block = criterion_block(page, criteria[0])
    assert message in block
    assert block.index(message) < block.index(f'id="id_motivering_{criteria[0].pk}"')
    assert message not in criterion_block(page, criteria[1])
    summary = page[page.index("nplv-error-summary") : page.index("</ul>", page.index("nplv-error-summary"))]
    assert "Er is 1 fout; er is niets opgeslagen." in summary and "<title>Fout: " in page
    assert f'href="#id_motivering_{criteria[0].pk}"' in summary  # the summary links to the field
    assert re.search(r'value="8"[^>]*checked', block)  # what was typed stays in the form
    # Nothing changed: the draft is still the earlier one.
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.DRAFT
    first = ReviewScore.objects.get(review=review, criterion=criteria[0])
    assert (first.score, first.motivation) == (5, "Eerste indruk.")


def test_submitting_needs_the_confirmation_tick(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    response = client.post(url, review_data(criteria, [(8, "Goed."), (6, "Redelijk.")], action="indienen"))
    assert response.status_code == 200
    message = "Vink aan dat u alles heeft ingevuld voordat u de beoordeling indient."
    assert message in response.content.decode()
    assert not Review.objects.filter(assignment=assignment).exists()


def test_a_required_score_is_needed_to_submit(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    response = client.post(
        reverse("review_detail", args=[assignment.pk]),
        review_data(criteria, [(8, "Goed.")], action="indienen", confirm=True),
    )
    page = response.content.decode()
    assert "Geef een score voor &#x27;Bereik&#x27;." in criterion_block(page, criteria[1])
    assert f'href="#criterium-{criteria[1].pk}"' in page
    assert not Review.objects.filter(assignment=assignment).exists()


def test_a_score_outside_the_scale_gets_the_services_message(client, assignment, reviewer, criteria):
    client.force_login(reviewer)
    response = client.post(reverse("review_detail", args=[assignment.pk]), review_data(criteria, [(11, "Te hoog.")]))
    assert "Kies een score van 1 tot en met 10." in criterion_block(response.content.decode(), criteria[0])
    assert not ReviewScore.objects.exists()


def test_a_submitted_review_is_read_only(client, application, assignment, reviewer, criteria):
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    response = client.post(
        url, review_data(criteria, [(8, "Goed."), (6, "Redelijk."), (None, "")], action="indienen", confirm=True)
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.SUBMITTED
    page = client.get(url).content.decode()
    assert "is ingediend en vastgezet" in page
    assert "Concept opslaan" not in page and "Beoordeling indienen" not in page
    assert 'type="radio"' not in page and "<textarea" not in page
    assert "Belangenconflict melden" not in page
    assert "8 van 10" in page and "Goed." in page
    # A forged post changes nothing and explains why.
    response = client.post(url, review_data(criteria, [(1, "Toch slecht.")]), follow=True)
    assert "Deze beoordeling is ingediend en daarmee vastgezet." in response.content.decode()
    assert ReviewScore.objects.get(review=review, criterion=criteria[0]).score == 8


def test_other_reviewers_scores_are_hidden_until_ones_own_review_is_submitted(
    client, application, assignment, administrator, reviewer, other_reviewer, criteria
):
    theirs = assessment.assign_reviewer(application=application, reviewer=other_reviewer, by=administrator)
    submit_by_service(theirs, other_reviewer, criteria, [3, 9, 4], motivation="Bea-motivering")
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    before = client.get(url).content.decode()
    assert "Bea Tweede" not in before and "Bea-motivering" not in before
    assert "Scores van alle beoordelaars" not in before

    client.post(url, review_data(criteria, [(8, "Goed."), (6, "Redelijk.")], action="indienen", confirm=True))
    after = client.get(url).content.decode()
    assert "Scores van alle beoordelaars" in after
    assert "Bea Tweede" in after and "Bea-motivering (9)" in after


def test_a_draft_of_another_reviewer_stays_hidden_after_submitting(
    client, application, assignment, administrator, reviewer, other_reviewer, criteria
):
    theirs = assessment.assign_reviewer(application=application, reviewer=other_reviewer, by=administrator)
    assessment.save_review(
        assignment=theirs, by=other_reviewer, scores={criteria[0].pk: {"score": 2, "motivation": "Bea-concept"}}
    )
    client.force_login(reviewer)
    url = reverse("review_detail", args=[assignment.pk])
    client.post(url, review_data(criteria, [(8, "Goed."), (6, "Redelijk.")], action="indienen", confirm=True))
    page = client.get(url).content.decode()
    assert "Bea-concept" not in page and "Bea Tweede" not in page
    assert "Nog geen andere beoordelaar heeft ingediend." in page


def test_declaring_a_conflict_unassigns_and_the_administrator_sees_the_reason(
    client, application, assignment, reviewer, administrator_client, criteria
):
    client.force_login(reviewer)
    url = reverse("review_conflict", args=[assignment.pk])
    response = client.post(url, {"conflict-reason": "  "})
    assert response.status_code == 200
    assert "Beschrijf het belangenconflict." in response.content.decode()
    assert ReviewAssignment.objects.get(pk=assignment.pk).active

    response = client.post(url, {"conflict-reason": "Mijn zus is wethouder in Nieuwegein."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    page = response.content.decode()
    assert "U heeft een belangenconflict gemeld" in page
    assert "Er staan op dit moment geen aanvragen voor u klaar om te beoordelen." in page
    assignment.refresh_from_db()
    assert not assignment.active and assignment.conflict_reason == "Mijn zus is wethouder in Nieuwegein."

    # The page of the ended assignment explains and no longer shows the application.
    ended = client.get(reverse("review_detail", args=[assignment.pk])).content.decode()
    assert "U bent niet meer aan deze aanvraag toegewezen." in ended
    assert "Minder schooluitval" not in ended and "Concept opslaan" not in ended
    response = client.post(
        reverse("review_detail", args=[assignment.pk]), review_data(criteria, [(7, "Toch nog.")]), follow=True
    )
    assert "U bent niet meer aan deze aanvraag toegewezen." in response.content.decode()
    assert not ReviewScore.objects.exists()
    attachment_free = client.get(reverse("application_detail", args=[application.pk]))
    assert attachment_free.status_code == 404  # an ended assignment no longer opens the application

    overview_url = reverse("call_assessment", args=[application.call_id])
    overview = administrator_client.get(overview_url).content.decode()
    assert "Mijn zus is wethouder in Nieuwegein." in overview
    assert "1 belangenconflict" in overview


# --- the administrator's assessment page -----------------------------------------------------------


def test_the_assessment_page_shows_settings_reviewers_and_states(
    administrator_client, application, assignment, reviewer, other_reviewer, administrator, criteria
):
    theirs = assessment.assign_reviewer(application=application, reviewer=other_reviewer, by=administrator)
    submit_by_service(theirs, other_reviewer, criteria, [3, 9, None])
    response = administrator_client.get(reverse("call_assessment", args=[application.call_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Beoordelaars per aanvraag" in page and "Effectiviteit" in page
    assert reviewer.display_name in page and "Bea Tweede" in page
    assert "Nog niet begonnen" in page and "Ingediend" in page
    assert "1 van 2 ingediend" in page
    assert reverse("application_points", args=[application.pk]) in page
    assert reverse("application_assessment", args=[application.pk]) in page
    # The forms that act on the reviewers are on the application's own assessment page, not in the overview.
    assert reverse("review_reopen", args=[theirs.pk]) not in page
    own = administrator_client.get(reverse("application_assessment", args=[application.pk])).content.decode()
    assert reviewer.display_name in own and "Bea Tweede" in own
    assert "Nog niet begonnen" in own and "Ingediend" in own
    assert reverse("review_reopen", args=[theirs.pk]) in own  # submitted: reopen
    assert reverse("review_unassign", args=[assignment.pk]) in own  # open: unassign


def test_assigning_by_hand_refuses_a_linked_reviewer_with_the_dutch_message(
    administrator_client, application, criteria
):
    linked = ReviewerFactory(full_name="Gerrit Gelieerd")
    linked.linked_municipalities.add(application.municipality)
    free = ReviewerFactory(full_name="Vera Vrij")
    url = reverse("application_assessment", args=[application.pk])
    page = administrator_client.get(url).content.decode()
    select = page[page.index(f'name="toewijzen{application.pk}-reviewer"') :]
    select = select[: select.index("</select>")]
    assert "Vera Vrij" in select and "Gerrit Gelieerd" not in select  # only who may review is offered

    response = administrator_client.post(
        reverse("assign_reviewer", args=[application.pk]), {f"toewijzen{application.pk}-reviewer": linked.pk}
    )
    assert response.status_code == 200
    assert (
        "Gerrit Gelieerd is gelieerd aan de gemeente Nieuwegein en mag deze aanvraag nooit beoordelen."
        in response.content.decode()
    )
    assert not ReviewAssignment.objects.filter(reviewer=linked).exists()

    response = administrator_client.post(
        reverse("assign_reviewer", args=[application.pk]), {f"toewijzen{application.pk}-reviewer": free.pk}
    )
    assert response.status_code == 302 and response.url == url
    assert ReviewAssignment.objects.filter(reviewer=free, application=application, active=True).exists()
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_assigning_without_a_choice_asks_for_one(administrator_client, application):
    response = administrator_client.post(reverse("assign_reviewer", args=[application.pk]), {})
    assert response.status_code == 200
    assert "Kies een beoordelaar." in response.content.decode()


def test_auto_assign_shows_the_shortfalls(administrator_client, application, officer, criteria):
    second = submitted_application(OfficerFactory(), call=application.call)
    ReviewerFactory(full_name="Enige Beoordelaar")
    url = reverse("call_auto_assign", args=[application.call_id])
    response = administrator_client.post(url, {"automatisch-per_application": "2"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 beoordelaars toegewezen." in page
    assert "Tekort: 2 aanvragen hebben geen 2 beoordelaars gekregen" in page
    assert f"{application.reference}: nog 1 beoordelaar nodig" in page
    assert f"{second.reference}: nog 1 beoordelaar nodig" in page
    assert "tekort 1" in page  # and in the overview, per application
    assert ReviewAssignment.objects.filter(active=True).count() == 2

    response = administrator_client.post(url, {"automatisch-per_application": "0"})
    assert "Kies minstens één beoordelaar per aanvraag." in response.content.decode()


def test_auto_assign_without_reviewers_says_so(administrator_client, application):
    response = administrator_client.post(
        reverse("call_auto_assign", args=[application.call_id]), {"automatisch-per_application": "1"}
    )
    assert response.status_code == 200
    assert "Er zijn geen actieve beoordelaars om toe te wijzen." in response.content.decode()


def test_unassigning_needs_a_reason_and_ends_the_assignment(administrator_client, application, assignment):
    url = reverse("review_unassign", args=[assignment.pk])
    response = administrator_client.post(url, {})
    assert response.status_code == 200 and "Geef een reden op." in response.content.decode()
    assert ReviewAssignment.objects.get(pk=assignment.pk).active
    response = administrator_client.post(url, {f"intrek{assignment.pk}-reason": "Te veel werk."}, follow=True)
    assert "is ingetrokken" in response.content.decode()
    assert not ReviewAssignment.objects.get(pk=assignment.pk).active


def test_reopening_a_submitted_review_needs_a_reason_and_unlocks_it(
    administrator_client, client, application, assignment, reviewer, criteria
):
    submit_by_service(assignment, reviewer, criteria, [8, 6, None])
    url = reverse("review_reopen", args=[assignment.pk])
    response = administrator_client.post(url, {f"heropen{assignment.pk}-reason": ""})
    assert response.status_code == 200 and "Geef een reden op." in response.content.decode()
    assert Review.objects.get(assignment=assignment).status == Review.Status.SUBMITTED

    reason = "Motivering Bereik is te kort."
    response = administrator_client.post(url, {f"heropen{assignment.pk}-reason": reason}, follow=True)
    assert "is heropend" in response.content.decode()
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.reopen_reason) == (Review.Status.DRAFT, "Motivering Bereik is te kort.")

    client.force_login(reviewer)
    page = client.get(reverse("review_detail", args=[assignment.pk])).content.decode()
    assert "Motivering Bereik is te kort." in page and "Beoordeling indienen" in page
    # Reopening a draft is refused with the service's message.
    response = administrator_client.post(url, {f"heropen{assignment.pk}-reason": "Nog eens."}, follow=True)
    assert "Alleen een ingediende beoordeling kan worden heropend." in response.content.decode()
