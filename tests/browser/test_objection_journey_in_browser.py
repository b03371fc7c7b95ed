"""A founded objection on a tie walked in a real browser by the three people it takes, with axe-core on every page
visited: the officer lodges it; the first administrator plans and records the hearing, recomputes ("Herberekenen")
on the frozen snapshot, which attaches the re-run to the case, and prepares the founded outcome; the same
administrator is refused the approval (four eyes, a 403 with the reason); the second administrator approves it;
and the officer reads the closed case."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from allocations.letters.deadlines import local_today
from allocations.objections.demo import send_day, sent_run
from allocations.objections.models import CaseOutcome, CaseStatus, ObjectionCase
from allocations.payments.models import Instalment
from allocations.runs.models import Decision
from tests.allocations.runs.reconsideration_builders import tie_call
from tests.browser.conftest import check_accessibility, log_in
from tests.factories import PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(browser, live_server):
    """One browser context per person, so each keeps their own session."""
    contexts = []

    def open_as(user: User):
        context = browser.new_context(
            base_url=live_server.url, locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, user.email, PASSWORD, totp_secret=getattr(user, "totp_secret", None) if user.is_ministry else None)
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def tie():
    """The demo's tie, final and sent three weeks ago: C lost the tie on need and got nothing."""
    call, _a, _b, c = tie_call()
    first = AdministratorFactory(full_name="Anne Eerste")
    second = AdministratorFactory(full_name="Ben Tweede")
    run = sent_run(call, sent_on=send_day(local_today()), starter=first, approver=second)
    decision = Decision.objects.get(run=run, application=c)
    officer = User.objects.filter(role="officer", municipality=c.municipality).first()
    return decision, officer, first, second


def _goto(page, url: str, context: str) -> None:
    page.goto(url)
    check_accessibility(page, context=context)


def _lodge(page, decision: Decision) -> ObjectionCase:
    _goto(page, f"/aanvragen/{decision.application_id}/beschikking/", "the officer's decision")
    page.get_by_role("link", name="Bezwaar maken").click()
    check_accessibility(page, context="Bezwaar maken")
    page.get_by_label("Gronden van het bezwaar").fill("Bij een criterium is een score verkeerd opgeteld.")
    page.get_by_role("button", name="Bezwaar indienen").click()
    case = ObjectionCase.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    check_accessibility(page, context="the officer's new case")
    return case


def _hear(page, case: ObjectionCase) -> None:
    today = timezone.localdate().strftime("%d-%m-%Y")
    _goto(page, "/bezwaren/", "the deadline board")
    page.get_by_role("link", name=case.number).click()
    check_accessibility(page, context="the case, received")
    page.get_by_label("Datum hoorzitting").fill(today)
    page.get_by_role("button", name="Hoorzitting plannen (Awb 7:2)").click()
    expect(page.locator("main")).to_contain_text("De hoorzitting is gepland.")
    check_accessibility(page, context="the case, hearing planned")
    page.get_by_label("Gehoord op").fill(today)
    page.get_by_label("Verslag (samenvatting)").fill("De optelfout is besproken met de gemeenten.")
    page.get_by_role("button", name="Hoorzitting vastleggen").click()
    expect(page.locator("main")).to_contain_text("De hoorzitting is vastgelegd.")
    check_accessibility(page, context="the case, heard")


def _recompute(page, case: ObjectionCase, score: str) -> None:
    page.get_by_role("link", name="Herberekenen").click()
    check_accessibility(page, context="the reconsideration form for the case")
    page.get_by_label("Beoordelingsscore, gecorrigeerd").fill(score)
    page.get_by_label("Reden van de heroverweging").fill("Een criterium was verkeerd opgeteld.")
    page.get_by_role("button", name="Herberekenen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.number)
    check_accessibility(page, context="the case with its re-run")


def _prepare(page) -> None:
    page.get_by_label("Gegrond", exact=True).check()
    page.get_by_label("Motivering").fill("De score was verkeerd opgeteld; de gemeente wint de gelijke stand.")
    page.get_by_role("button", name="Uitkomst vastleggen").click()
    expect(page.locator("main")).to_contain_text("De uitkomst is vastgelegd.")
    check_accessibility(page, context="the prepared decision")


def _approve(page) -> None:
    page.get_by_role("button", name="Beslissing op bezwaar goedkeuren (vier ogen)").click()


def test_the_founded_objection_on_a_tie_walked_by_the_officer_and_both_administrators(people, tie):
    decision, officer, first, second = tie
    officer_page = people(officer)
    case = _lodge(officer_page, decision)

    first_page = people(first)
    _hear(first_page, case)
    line = decision.run.lines.get(application=decision.application)
    _recompute(first_page, case, f"{line.reviewer_score + Decimal('0.50')}".replace(".", ","))
    case.refresh_from_db()
    assert case.reconsideration is not None and case.reconsideration.extra == Decimal("18000.00")
    _prepare(first_page)
    case.refresh_from_db()
    assert case.awaits_approval and case.prepared_by == first

    # The one who prepared it may not approve it: a 403 page that says why, and nothing changes.
    with first_page.expect_response(lambda r: r.url.endswith("/goedkeuren/")) as answer:
        _approve(first_page)
    assert answer.value.status == 403
    expect(first_page.locator("main")).to_contain_text("zelf voorbereid")
    check_accessibility(first_page, context="the refused self-approval")
    case.refresh_from_db()
    assert case.status == CaseStatus.READY and not Instalment.objects.filter(decision=decision).exists()

    second_page = people(second)
    _goto(second_page, f"/bezwaren/{case.pk}/", "the case for the second administrator")
    _approve(second_page)
    expect(second_page.locator("main")).to_contain_text("De beslissing op bezwaar is goedgekeurd")
    check_accessibility(second_page, context="the approved case")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.decided_by) == (CaseStatus.CLOSED, CaseOutcome.FOUNDED, second)
    extra = Instalment.objects.get(decision=decision)
    assert extra.amount == Decimal("18000.00")
    assert extra.due_on == local_today() + datetime.timedelta(weeks=4)

    _goto(officer_page, f"/bezwaren/{case.pk}/", "the officer's closed case")
    expect(officer_page.locator("main")).to_contain_text("Gegrond")
    expect(officer_page.locator("main")).to_contain_text("Afgehandeld")
