"""A reviewer scores an assigned application in a real browser (the application beside the form, a draft,
then the submission), and an administrator sees the points breakdown add up to the total. Every page type
is checked by axe-core (WCAG 2.1 AA)."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from applications import attachments, services
from applications.assessment import points
from applications.assessment import services as assessment
from applications.models import PointsBreakdown, Review, Status
from tests.applications.assessment.test_review_pages import submit_by_service
from tests.applications.assessment.test_review_pages_points import priority_rules
from tests.applications.conftest import MINIMAL_PDF
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import (
    PASSWORD,
    AdministratorFactory,
    CriterionFactory,
    ReviewerFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def assessed(officer):
    """A submitted application with an attachment, two criteria, need bands and bonus rules, two reviewers
    assigned, and one of them (Bea) already submitted."""
    application = complete_application(
        municipality=officer.municipality, created_by=officer, title="Samen sterk in Batau"
    )
    attachments.add_attachment(
        application=application,
        by=officer,
        upload=SimpleUploadedFile("plan-van-aanpak.pdf", MINIMAL_PDF, content_type="application/pdf"),
    )
    services.submit_application(application=application, by=officer)
    criteria = [
        CriterionFactory(
            call=application.call,
            name="Effectiviteit",
            weight=Decimal("3"),
            guidance="Werkt de aanpak aantoonbaar in vergelijkbare wijken?",
        ),
        CriterionFactory(
            call=application.call, name="Bereik", weight=Decimal("2"), guidance="Hoeveel bewoners merken er iets van?"
        ),
    ]
    priority_rules(application)
    settings = points.assessment_settings(application.call)
    settings.reviewers_per_application = 2
    settings.review_deadline = "2027-03-01T17:00:00+01:00"
    settings.save()
    administrator = AdministratorFactory(full_name="Anne Beheer")
    reviewer = ReviewerFactory(full_name="Rik Beoordelaar")
    bea = ReviewerFactory(full_name="Bea Tweede")
    assignment = assessment.assign_reviewer(application=application, reviewer=reviewer, by=administrator)
    theirs = assessment.assign_reviewer(application=application, reviewer=bea, by=administrator)
    submit_by_service(theirs, bea, criteria, [7, 9], motivation="Bea-motivering")
    return {
        "application": application,
        "criteria": criteria,
        "administrator": administrator,
        "reviewer": reviewer,
        "assignment": assignment,
    }


def score(page, criterion: str, value: int, motivation: str) -> None:
    group = page.get_by_role("group", name=criterion).first
    group.get_by_role("radio", name=str(value), exact=True).check()
    group.get_by_label("Motivering").fill(motivation)


def shown(page, element_id: str) -> Decimal:
    text = page.locator(f"#{element_id}").inner_text().strip()
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}", text), text  # Dutch notation, two decimals
    return Decimal(text.replace(".", "").replace(",", "."))


def test_reviewer_scores_and_administrator_sees_the_breakdown_add_up(page, assessed):
    application, reviewer = assessed["application"], assessed["reviewer"]
    log_in(page, reviewer.email, PASSWORD, totp_secret=reviewer.totp_secret)
    page.wait_for_url("**/")

    # The work queue: on the home page, and on its own page.
    expect(page.get_by_role("rowheader", name="Samen sterk in Batau")).to_be_visible()
    page.goto("/beoordelingen/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn beoordelingen")
    row = page.get_by_role("row").filter(has_text=application.reference)
    expect(row).to_contain_text("Nieuwegein")
    expect(row).to_contain_text("1 maart 2027, 17:00")
    expect(row).to_contain_text("Nog niet begonnen")
    check_accessibility(page, context="review queue")

    # The review page: the application beside the form; nobody else's scores yet.
    row.get_by_role("link", name="Samen sterk in Batau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samen sterk in Batau")
    application_column = page.get_by_role("region", name="De aanvraag (alleen lezen)")
    expect(application_column).to_contain_text("Minder schooluitval en meer ontmoeting in de wijk.")
    expect(application_column.get_by_role("link", name="plan-van-aanpak.pdf")).to_be_visible()
    form = page.locator("#beoordeling-formulier")
    left, right = application_column.bounding_box(), form.bounding_box()
    assert right["x"] >= left["x"] + left["width"] - 1, "side by side on a wide screen"
    assert "Bea" not in page.content()
    check_accessibility(page, context="review page")

    with page.expect_download() as download:
        application_column.get_by_role("link", name="plan-van-aanpak.pdf").click()
    assert download.value.suggested_filename == "plan-van-aanpak.pdf"

    # A draft keeps what was filled in.
    score(page, "Effectiviteit", 9, "Bewezen aanpak uit eerdere wijken.")
    page.get_by_role("button", name="Concept opslaan").click()
    expect(page.get_by_role("status").filter(has_text="Uw concept is opgeslagen.")).to_be_visible()
    expect(
        page.get_by_role("group", name="Effectiviteit").first.get_by_role("radio", name="9", exact=True)
    ).to_be_checked()
    assert Review.objects.get(assignment=assessed["assignment"]).status == Review.Status.DRAFT

    # Submitting without a motivation for Bereik: the error beside that field, nothing submitted.
    score(page, "Bereik", 8, "")
    page.get_by_label("Ik heb alles ingevuld; na indienen kan ik niet meer wijzigen").check()
    page.get_by_role("button", name="Beoordeling indienen").click()
    bereik = page.get_by_role("group", name="Bereik").first
    expect(bereik.get_by_text("Motiveer de score voor 'Bereik'.")).to_be_visible()
    expect(bereik.get_by_label("Motivering")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page, context="review page with an error")
    assert Review.objects.get(assignment=assessed["assignment"]).status == Review.Status.DRAFT

    # Submit; the review is locked and Bea's scores appear.
    bereik.get_by_label("Motivering").fill("Bereikt vooral gezinnen met jonge kinderen.")
    page.get_by_role("button", name="Beoordeling indienen").click()
    expect(page.get_by_role("status").filter(has_text="is ingediend en vastgezet")).to_be_visible()
    expect(page.get_by_role("button", name="Beoordeling indienen")).to_have_count(0)
    comparison = page.get_by_role("table", name="Uw scores naast die van de andere beoordelaars")
    expect(comparison).to_contain_text("Bea Tweede")
    expect(comparison.get_by_role("row").filter(has_text="Effectiviteit")).to_contain_text("9")
    check_accessibility(page, context="submitted review")

    # On a narrow screen the application and the review are stacked.
    page.set_viewport_size({"width": 600, "height": 900})
    left = page.get_by_role("region", name="De aanvraag (alleen lezen)").bounding_box()
    below = page.locator(".nplv-review-layout__assessment").bounding_box()
    assert below["y"] >= left["y"] + left["height"] - 1, "stacked on a narrow screen"
    page.set_viewport_size({"width": 1280, "height": 900})

    application.refresh_from_db()
    assert application.status == Status.REVIEWED
    page.get_by_role("button", name="Uitloggen").click()

    # The administrator: the assessment page of the call, then the points.
    administrator = assessed["administrator"]
    log_in(page, administrator.email, PASSWORD, totp_secret=administrator.totp_secret)
    page.wait_for_url("**/")
    page.goto(f"/aanvraagrondes/{application.call_id}/beoordeling/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(application.call.title)
    overview_row = page.get_by_role("row").filter(has_text=application.reference).first
    expect(overview_row).to_contain_text("2 van 2 ingediend")
    check_accessibility(page, context="call assessment")
    page.get_by_role("link", name=f"punten van {application.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samen sterk in Batau")

    reviewer_score, need, bonus, total = (
        shown(page, f"punten-{part}") for part in ("beoordeling", "behoefte", "voorrang", "totaal")
    )
    assert reviewer_score + need + bonus == total
    # Effectiviteit (9 + 7) / 2 × 3 = 24; Bereik (8 + 9) / 2 × 2 = 17; need 10; bonus 5 + 5 (41 ≥ 40).
    assert (reviewer_score, need, bonus, total) == (
        Decimal("41.00"),
        Decimal("10.00"),
        Decimal("10.00"),
        Decimal("61.00"),
    )
    assert PointsBreakdown.objects.get(application=application).total == total
    expect(page.locator("#punten-som")).to_contain_text("41,00 + 10,00 + 10,00 = 61,00")
    no_data = page.get_by_role("row").filter(has_text="Huishoudens met bijstand")
    expect(no_data).to_contain_text("geen gegevens")
    check_accessibility(page, context="points breakdown")
