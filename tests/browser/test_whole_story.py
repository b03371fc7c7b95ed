"""The whole story in a real browser, each person in a separate browser context: an officer applies, an
administrator assigns two reviewers who score, an administrator sets the policy and runs the allocation while
watching its progress, a second administrator approves it (the officer still reads "Besluit in voorbereiding"),
prepares the letters with the day they are sent, watches them being made and sends them, the officer downloads
theirs, and an administrator exports the decisions and opens the overview.

Each step moves by the links and buttons a person would use (a missing link between pages fails the story),
every page shown is checked by axe-core and saved as a screenshot under test-results/whole-story/, and a
console error fails it. Tasks run in-process, as the rest of the suite runs them; the allocation run and the
letter batch are held back until the page shows them waiting, so the test watches the live progress finish.
The letters are sent on the day they are dated, a working day, so the story runs on one.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from allocations.letters import deadlines
from allocations.letters import services as letter_services
from allocations.runs import execution as run_execution
from allocations.runs.models import AllocationRun, Decision, RunStatus
from applications import config
from applications.assessment import points
from applications.models import Application, Status
from tests.allocations.runs.builders import before_opening, set_policy
from tests.browser.visitor import RESULTS, Visitor
from tests.factories import (
    PASSWORD,
    AdministratorFactory,
    CallFactory,
    CriterionFactory,
    RequiredAttachmentFactory,
    ReviewerFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def working_day():
    """Today when it is a working day, else the clock moves on to the next one (the browser's session cookies
    only ever move into the future)."""
    today = deadlines.local_today()
    if deadlines.is_working_day(today):
        yield today
        return
    day = deadlines.next_working_day(today)
    with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield day


@pytest.fixture
def call(db):
    """An open call whose rules (criteria, and the policy with a cap below the request) were published the
    day before it opened."""
    call = CallFactory(title="Leefbaarheidsfonds 2027", budget=Decimal("1000000.00"), max_attachment_mb=5)
    ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1)
    ThemeFactory(scheme=call.scheme, name="Ontwikkeling jonge kind", order=2)
    RequiredAttachmentFactory(call=call, name="Plan van aanpak")

    def rules(c):
        CriterionFactory(call=c, name="Effectiviteit", weight=Decimal("3"))
        CriterionFactory(call=c, name="Bereik", weight=Decimal("2"))
        settings = points.assessment_settings(c)
        settings.reviewers_per_application = 2
        settings.save()

    before_opening(call, rules)
    set_policy(call, method="ranked", cap_amount=Decimal("250000.00"))
    return call


@pytest.fixture
def plan_pdf(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "plan-van-aanpak.pdf"
    path.write_bytes(HTML(string="<p>Plan van aanpak</p>").write_pdf())
    return path


@pytest.fixture
def held_back(monkeypatch):
    """Queue allocation runs and letter jobs as usual, but hand them to the (in-process) worker only when
    the test says so, so that the pages can be seen waiting and then finishing on their own."""
    queued: dict[str, list] = {"runs": [], "letters": []}
    enqueue_run, enqueue_letters = run_execution.enqueue, letter_services._enqueue
    monkeypatch.setattr(run_execution, "enqueue", queued["runs"].append)
    monkeypatch.setattr(letter_services, "_enqueue", queued["letters"].append)

    def release(kind: str) -> None:
        items, queued[kind] = queued[kind], []
        assert items, f"nothing was queued for {kind}"
        for item in items:
            (enqueue_run if kind == "runs" else enqueue_letters)(item)

    return release


@pytest.fixture
def people(browser, live_server):
    visitors: list[Visitor] = []

    def open_as(name: str) -> Visitor:
        visitor = Visitor(browser, live_server.url, name)
        visitors.append(visitor)
        return visitor

    yield open_as
    for visitor in visitors:
        visitor.close()


def score(page, criterion: str, value: int, motivation: str) -> None:
    group = page.get_by_role("group", name=criterion).first
    group.get_by_role("radio", name=str(value), exact=True).check()
    group.get_by_label("Motivering").fill(motivation)


def officer_applies(officer: Visitor, user, call, plan_pdf) -> Application:
    page = officer.page
    officer.log_in(user.email, PASSWORD)
    officer.nav("Aanvraagrondes")
    officer.check("calls")
    page.get_by_role("link", name=call.title).click()
    officer.check("call")
    page.get_by_label("Titel van uw aanvraag").fill("Samen sterk in Batau")
    page.get_by_role("button", name="Aanvraag starten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gemeente en gebied")
    officer.check("step 1 area")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan")
    page.get_by_label("Doelen").fill("Minder schooluitval en meer ontmoeting in de wijk.")
    page.get_by_label("Aanpak").fill("Wijkteams, een brede school en een buurthuis.")
    page.get_by_label("Partners in de lokale alliantie").fill("Woningcorporatie, basisscholen, GGD en politie.")
    page.get_by_label("Betrokkenheid van bewoners").fill("Een bewonersraad kiest mee.")
    officer.check("step 2 plan")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Begroting")
    page.get_by_label("Aangevraagd bedrag").fill("300.000,00")
    page.get_by_label("School en omgeving, 2027").fill("200.000")
    page.get_by_label("Ontwikkeling jonge kind, 2028").fill("100.000")
    officer.check("step 3 budget")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cofinanciering")
    page.get_by_label("Cofinanciering", exact=True).fill("100000")
    page.get_by_label("Bronnen van de cofinanciering").fill("Gemeentebegroting 2027 en woningcorporatie.")
    officer.check("step 4 co-financing")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bijlagen")
    officer.check("step 5 attachments, before the upload")
    page.get_by_label("Bestand voor 'Plan van aanpak'").set_input_files(str(plan_pdf))
    page.get_by_role("button", name="Bijlage toevoegen: Plan van aanpak").click()
    expect(page.get_by_role("link", name="plan-van-aanpak.pdf")).to_be_visible()
    officer.check("step 5 attachments")
    page.get_by_text("Verder naar controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleren en indienen")
    expect(page.get_by_text("De aanvraag is compleet.")).to_be_visible()
    officer.check("check and submit")
    page.get_by_role("button", name="Aanvraag indienen").click()
    expect(page.locator(".nplv-app-meta .nplv-badge")).to_have_text("Ingediend")
    officer.check("submitted")
    application = Application.objects.get(call=call)
    assert application.status == Status.SUBMITTED
    assert application.attachments.count() == 1
    return application


def administrator_assigns(anne: Visitor, application, reviewers) -> None:
    page = anne.page
    page.get_by_role("link", name=f"Beoordeling: {application.call.title}").click()
    anne.check("call assessment")
    # The overview links each application to its own assessment page, where reviewers are assigned.
    page.get_by_role("link", name=f"{application.reference} beoordelaars beheren").click()
    anne.check("application assessment")
    section = page.locator(".nplv-assessment-application")
    for reviewer in reviewers:
        section.get_by_label("Beoordelaar").select_option(str(reviewer.pk))
        section.get_by_role("button", name="Toewijzen").click()
        expect(section).to_contain_text(reviewer.display_name)
        anne.check(f"assigned {reviewer.full_name}")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def reviewer_scores(visitor: Visitor, user, application, scores: tuple[int, int]) -> None:
    page = visitor.page
    visitor.log_in(user.email, PASSWORD, totp_secret=user.totp_secret)
    visitor.nav("Mijn beoordelingen")
    visitor.check("queue")
    page.get_by_role("row").filter(has_text=application.reference).get_by_role("link", name=application.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(application.title)
    visitor.check("review form")
    score(page, "Effectiviteit", scores[0], "Bewezen aanpak uit eerdere wijken.")
    score(page, "Bereik", scores[1], "Bereikt vooral gezinnen met jonge kinderen.")
    page.get_by_label("Ik heb alles ingevuld; na indienen kan ik niet meer wijzigen").check()
    page.get_by_role("button", name="Beoordeling indienen").click()
    expect(page.get_by_role("status").filter(has_text="is ingediend en vastgezet")).to_be_visible()
    visitor.check("review submitted")


def test_the_whole_story(browser, live_server, people, officer, call, plan_pdf, held_back, working_day):
    anne_user = AdministratorFactory(full_name="Anne Beheer")
    ben_user = AdministratorFactory(full_name="Ben Tweede")
    rik_user = ReviewerFactory(full_name="Rik Beoordelaar")
    bea_user = ReviewerFactory(full_name="Bea Tweede")

    # 1. The officer applies: every step, the required attachment, the submission.
    officer_visitor = people("officer")
    application = officer_applies(officer_visitor, officer, call, plan_pdf)

    # 2. An administrator assigns two reviewers, who score and submit.
    anne = people("anne")
    anne.log_in(anne_user.email, PASSWORD, totp_secret=anne_user.totp_secret)
    administrator_assigns(anne, application, [rik_user, bea_user])
    rik, bea = people("rik"), people("bea")
    reviewer_scores(rik, rik_user, application, (8, 7))
    reviewer_scores(bea, bea_user, application, (6, 9))
    application.refresh_from_db()
    assert application.status == Status.REVIEWED

    # 3. The window closes. Anne reads the policy published with the rules (a cap below the request) and runs
    # the allocation, watching its progress.
    config.save_call(call=call, values={"closes_at": timezone.now()}, by=anne_user)
    page = anne.page
    page.goto("/")
    anne.check("home again")
    page.get_by_role("link", name=f"Verdelen: {call.title}").click()
    anne.check("allocation")
    page.get_by_role("link", name="Verdeelbeleid bekijken").click()
    expect(page.get_by_label("Maximum per aanvraag (bedrag)")).to_have_value("250.000,00")
    anne.check("policy, frozen")
    page.get_by_role("link", name="Gepubliceerde regels").click()
    anne.check("published rules")
    page.go_back()
    page.go_back()
    page.get_by_role("button", name="Verdeling berekenen").click()
    progress = page.locator("[data-run-progress-text]")
    expect(progress).to_have_text("In de wachtrij")
    anne.check("run waiting")
    held_back("runs")  # the worker picks the run up; the page follows it and reloads itself when it is done
    expect(page.get_by_role("heading", name="Goedkeuren (vier ogen)")).to_be_visible()
    expect(page.locator("[data-run-progress]")).to_have_count(0)
    anne.check("run done")
    run = AllocationRun.objects.get(call=call)
    assert run.status == RunStatus.DRAFT
    expect(page.get_by_role("button", name="Verdeling goedkeuren")).to_have_count(0)  # not her own run

    # ... and Ben, a second administrator, approves it (four eyes).
    ben = people("ben")
    ben.log_in(ben_user.email, PASSWORD, totp_secret=ben_user.totp_secret)
    ben.page.get_by_role("link", name=f"Verdelen: {call.title}").click()
    ben.check("allocation")
    ben.page.get_by_role("link", name="Verdeling 1").click()
    ben.check("run to approve")
    ben.page.get_by_role("button", name="Verdeling goedkeuren").click()
    ben.check("approval summary")
    ben.page.get_by_role("button", name="Ja, verdeling goedkeuren").click()
    expect(ben.page.get_by_text("is goedgekeurd en definitief")).to_be_visible()
    ben.check("run approved")
    decision = Decision.objects.get(application=application)
    assert decision.amount == Decimal("250000.00")
    # The municipality learns the outcome from the letter: until it is sent, its application reads so.
    officer_visitor.page.reload()
    expect(officer_visitor.page.locator(".nplv-app-meta .nplv-badge")).to_have_text("Besluit in voorbereiding")
    officer_visitor.check("decision in preparation")

    # 4. The letters: from the run to its batch, prepared with the day they are sent, watched until made, sent.
    ben.page.get_by_role("link", name="Beschikkingen van deze verdeling").click()
    expect(ben.page.get_by_role("heading", level=1)).to_contain_text("Beschikkingen van verdeling 1")
    ben.check("letters to prepare")
    ben.page.get_by_role("textbox", name="Verzenddatum").fill(working_day.strftime("%d-%m-%Y"))
    ben.page.get_by_role("button", name="Brieven voorbereiden").click()
    expect(ben.page.locator('[data-field="done"]')).to_have_text("0")
    ben.check("letters waiting")
    held_back("letters")
    expect(ben.page.get_by_role("link", name=decision.number)).to_be_visible()
    expect(ben.page.locator('[data-field="done"]')).to_have_text("1")
    ben.check("letters made")
    ben.page.get_by_role("button", name="Batch als verzonden markeren").click()
    ben.check("sending summary")
    ben.page.get_by_role("button", name="Ja, batch als verzonden markeren").click()
    expect(ben.page.get_by_text("Alle beschikkingen van deze verdeling zijn verzonden")).to_be_visible()
    expect(ben.page.get_by_role("button", name="Brieven opnieuw maken met de nieuwste teksten")).to_have_count(0)
    ben.check("letters sent")
    application.refresh_from_db()
    assert application.status == Status.LETTER_SENT

    # ... and the officer finds the decision on the application and downloads the letter.
    page = officer_visitor.page
    officer_visitor.nav("Mijn aanvragen")
    officer_visitor.check("my applications")
    page.get_by_role("link", name=application.title).click()
    expect(page.get_by_role("heading", name="Besluit")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("application.")  # the history in words, not audit codes
    officer_visitor.check("application with decision")
    page.get_by_role("link", name="Beschikking downloaden").click()
    officer_visitor.check("letters of the application")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"{decision.number} versie 1 (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{decision.number}-v1.pdf"
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(content)).pages)
    text = " ".join(text.split())
    assert decision.number in text
    assert "€ 250.000,00" in text
    assert f"Datum {working_day.day} " in text  # dated by the day it was sent

    # 5. Anne exports the decisions of the final run and opens the overview.
    page = anne.page
    page.reload()
    expect(page.get_by_text("is goedgekeurd en definitief").or_(page.get_by_text("Definitief"))).not_to_have_count(0)
    anne.check("run final")
    page.get_by_role("link", name="Besluiten exporteren").click()
    anne.check("exports")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV voor Nederlandse Excel (puntkomma, decimale komma)").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig")), delimiter=";"))
    assert any(decision.number in row and application.reference in row for row in rows), rows
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(download_info.value.path().read_bytes()), read_only=True).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert any(application.reference in row and decision.number in row for row in values), values
    anne.nav("Overzichten")
    anne.check("overviews")
    page.get_by_role("link", name=call.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(call.title)
    anne.check("call overview")

    everyone = (officer_visitor, anne, rik, bea, ben)
    for visitor in everyone:
        assert not visitor.unchecked(), f"{visitor.name} saw pages that axe did not check: {visitor.unchecked()}"
    (RESULTS / "timing.txt").write_text(
        f"{Visitor.shots} pages checked by axe-core and photographed in {Visitor.seconds:.1f} s\n"
    )
    errors = [error for visitor in everyone for error in visitor.errors]
    assert not errors, "\n".join(errors)
