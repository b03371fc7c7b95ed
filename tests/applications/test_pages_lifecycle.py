"""Starting an application from a call, the check page, submitting with a receipt, read-only after
submission, editable again after a request for information, and the ministry's actions."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ApplicationDocument, Status
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    NetworkFactory,
    RequiredAttachmentFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(officer):
    return complete_application(municipality=officer.municipality, created_by=officer, title="Samen sterk")


@pytest.fixture
def submitted(complete, officer):
    return services.submit_application(application=complete, by=officer)


def text(response) -> str:
    return html.unescape(response.content.decode())


# --- starting ------------------------------------------------------------------------------------


def test_call_detail_shows_the_rules_and_starting_leads_to_the_first_step(officer_client):
    call = CallFactory(
        title="Leefbaarheidsfonds 2027",
        min_cofinancing_pct=Decimal("25"),
        max_per_application=Decimal("500000"),
        attachment_formats="pdf_office",
        max_attachment_mb=20,
    )
    RequiredAttachmentFactory(call=call, name="Plan van aanpak")
    page = text(officer_client.get(reverse("call_detail", args=[call.pk])))
    for expected in (
        "Regeling testfonds, artikel 2",
        "2027–2029",
        "Alle gemeenten",
        "25% van het aangevraagde bedrag",
        "€ 500.000,00",
        "Plan van aanpak",
        "PDF, Excel (XLSX), Word (DOCX), elk hoogstens 20 MB",
        "Aanvraag starten",
    ):
        assert expected in page
    response = officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Samen sterk"})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("application_step", args=[application.pk, "gebied"])
    assert application.title == "Samen sterk"
    assert application.status == Status.DRAFT


def test_starting_in_a_closed_call_is_refused_with_the_reason(officer_client):
    call = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    page = text(officer_client.get(reverse("call_detail", args=[call.pk])))
    assert "Deze aanvraagronde is gesloten." in page
    assert "Aanvraag starten</button>" not in page
    response = officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Te laat"})
    assert response.status_code == 200
    assert "Deze aanvraagronde is gesloten sinds" in text(response)
    assert not Application.objects.exists()


def test_starting_is_refused_for_a_municipality_outside_the_calls_networks(officer_client):
    call = CallFactory()
    call.eligible_networks.set([NetworkFactory(code="M50", name="M50")])
    assert "komt niet in aanmerking voor deze ronde" in text(officer_client.get(reverse("call_detail", args=[call.pk])))
    response = officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Plan"})
    assert (
        "Gemeente Nieuwegein komt niet in aanmerking voor deze ronde; die staat alleen open voor leden "
        "van: M50." in text(response)
    )
    assert not Application.objects.exists()


def test_a_second_application_is_refused_with_the_reference_of_the_first(officer_client, complete):
    page = text(officer_client.get(reverse("call_detail", args=[complete.call_id])))
    assert complete.reference in page
    assert "Er is één aanvraag per gemeente toegestaan." in page
    response = officer_client.post(reverse("application_start", args=[complete.call_id]), {"title": "Nog een"})
    assert (
        f"Uw gemeente heeft al een aanvraag in deze ronde (kenmerk {complete.reference}). Er is één aanvraag "
        "per gemeente toegestaan." in text(response)
    )
    assert Application.objects.count() == 1


def test_a_call_per_area_asks_for_the_area_from_the_focus_areas(officer_client, municipality):
    call = CallFactory(multiple_per_municipality=True)
    MembershipFactory(municipality=municipality, network=NetworkFactory(code="NPLV"), area_name="Batau-Noord")
    page = text(officer_client.get(reverse("call_detail", args=[call.pk])))
    assert '<option value="Batau-Noord">Batau-Noord</option>' in page
    response = officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Plan"})
    assert "In deze ronde vraagt u per gebied aan; kies het gebied." in text(response)
    officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Plan", "area_name": "Batau-Noord"})
    assert Application.objects.get().area_name == "Batau-Noord"
    again = officer_client.post(
        reverse("application_start", args=[call.pk]), {"title": "Nog een", "area_name": "Batau-Noord"}
    )
    assert "Uw gemeente heeft al een aanvraag voor dit gebied in deze ronde" in text(again)


def test_a_call_per_area_without_focus_areas_lets_the_officer_type_one(officer_client):
    call = CallFactory(multiple_per_municipality=True)
    page = text(officer_client.get(reverse("call_detail", args=[call.pk])))
    assert '<input type="text" name="area_name"' in page
    officer_client.post(reverse("application_start", args=[call.pk]), {"title": "Plan", "area_name": "Galecop"})
    assert Application.objects.get().area_name == "Galecop"


def test_ministry_staff_cannot_start_an_application(administrator_client, reviewer_client):
    call = CallFactory()
    assert administrator_client.post(reverse("application_start", args=[call.pk]), {"title": "x"}).status_code == 403
    assert reviewer_client.post(reverse("application_start", args=[call.pk]), {"title": "x"}).status_code == 403


# --- check page and submission --------------------------------------------------------------------


def test_check_page_lists_what_blocks_submission_with_links_to_the_steps(officer_client, officer):
    call = CallFactory(min_cofinancing_pct=Decimal("25"))
    RequiredAttachmentFactory(call=call, name="Plan van aanpak")
    draft = ApplicationFactory(
        call=call,
        municipality=officer.municipality,
        created_by=officer,
        goals="Doelen",
        requested_amount=Decimal("1000"),
        cofinancing_amount=Decimal("10"),
    )
    page = text(officer_client.get(reverse("application_check", args=[draft.pk])))
    step = reverse("application_step", args=[draft.pk, "plan"])
    assert f'<a href="{step}#id_approach">Beschrijf de aanpak.</a>' in page
    begroting = reverse("application_step", args=[draft.pk, "begroting"])
    assert f'<a href="{begroting}#begroting-tabel">Vul de begroting in' in page
    assert "deze ronde vraagt minstens 25% (€ 250,00)" in page
    assert "De verplichte bijlage 'Plan van aanpak' ontbreekt." in page
    assert "Aanvraag indienen</button>" not in page
    assert page.count(">Wijzigen<") == 5


def test_a_complete_application_is_submitted_with_a_receipt(
    officer_client, complete, django_capture_on_commit_callbacks
):
    page = text(officer_client.get(reverse("application_check", args=[complete.pk])))
    assert "De aanvraag is compleet." in page
    assert "Aanvraag indienen</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("application_transition", args=[complete.pk, "submit"]))
    assert response["Location"] == reverse("application_detail", args=[complete.pk])
    complete.refresh_from_db()
    assert complete.status == Status.SUBMITTED
    detail = text(officer_client.get(response["Location"]))
    when = timezone.localtime(complete.submitted_at)
    assert (
        f"Uw aanvraag is ingediend op {when.day} " in detail
        and f"kenmerk {complete.reference}. U ontvangt een ontvangstbevestiging per e-mail." in detail
    )
    assert ">Ingediend</span>" in detail
    assert "heeft de aanvraag ingediend." in detail
    assert len(mail.outbox) == 1
    assert ApplicationDocument.objects.filter(application=complete).count() == 1


def test_submitting_an_incomplete_application_leads_back_to_the_check_page(officer_client, officer):
    draft = ApplicationFactory(municipality=officer.municipality, created_by=officer)
    response = officer_client.post(reverse("application_transition", args=[draft.pk, "submit"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("application_check", args=[draft.pk])
    assert "De aanvraag is niet ingediend." in text(response)
    assert "Beschrijf de doelen van het plan." in text(response)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_a_submitted_application_is_read_only_for_the_officer(officer_client, submitted):
    step = reverse("application_step", args=[submitted.pk, "plan"])
    response = officer_client.get(step, follow=True)
    assert response.redirect_chain[-1][0] == reverse("application_detail", args=[submitted.pk])
    assert "Deze aanvraag is ingediend en kan niet meer worden gewijzigd." in text(response)
    refused = officer_client.post(
        step,
        {
            "revision": submitted.revision,
            "goals": "Stiekem",
            "approach": "",
            "partners": "",
            "residents_involvement": "",
        },
    )
    assert refused.status_code == 409
    assert "Deze aanvraag is ingediend en kan niet meer worden gewijzigd." in text(refused)
    submitted.refresh_from_db()
    assert submitted.goals != "Stiekem"
    detail = text(officer_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "Aanvraag bewerken" not in detail
    assert ">Wijzigen<" not in detail
    check = text(officer_client.get(reverse("application_check", args=[submitted.pk])))
    assert "Aanvraag indienen</button>" not in check
    again = officer_client.post(reverse("application_transition", args=[submitted.pk, "submit"]), follow=True)
    assert "Deze aanvraag is al ingediend of kan in deze status niet worden ingediend." in text(again)


def test_after_a_request_for_information_the_officer_completes_and_resubmits(
    officer_client, administrator_client, administrator, submitted, settings
):
    response = administrator_client.post(
        reverse("application_transition", args=[submitted.pk, "request_information"]),
        {"aanvulling-message": "Stuur de brief van de corporatie mee."},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.INFO_REQUESTED
    detail = text(officer_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "Het ministerie vraagt om aanvulling" in detail
    assert "Stuur de brief van de corporatie mee." in detail
    assert settings.MINISTRY_NAME in detail
    assert administrator.display_name not in detail  # officers never see ministry staff by name
    step = officer_client.get(reverse("application_step", args=[submitted.pk, "plan"]))
    assert step.status_code == 200
    assert "Stuur de brief van de corporatie mee." in text(step)
    saved = officer_client.post(
        reverse("application_step", args=[submitted.pk, "plan"]),
        {
            "revision": submitted.revision,
            "goals": "Aangevulde doelen",
            "approach": submitted.approach,
            "partners": submitted.partners,
            "residents_involvement": submitted.residents_involvement,
        },
    )
    assert saved.status_code == 302
    check = text(officer_client.get(reverse("application_check", args=[submitted.pk])))
    assert "Aanvraag indienen</button>" in check
    officer_client.post(reverse("application_transition", args=[submitted.pk, "submit"]))
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    detail = text(officer_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "heeft de aanvraag aangevuld en opnieuw ingediend." in detail


def test_a_request_for_information_needs_a_message(administrator_client, submitted):
    response = administrator_client.post(
        reverse("application_transition", args=[submitted.pk, "request_information"]),
        {"aanvulling-message": " "},
    )
    assert response.status_code == 200
    assert "Beschrijf welke informatie de gemeente moet aanvullen." in text(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_administrator_takes_a_submitted_application_into_review(administrator_client, submitted):
    detail = text(administrator_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "In beoordeling nemen</button>" in detail
    assert "Welke informatie moet de gemeente aanvullen?" in detail
    assert "Aanvraag intrekken" not in detail
    administrator_client.post(reverse("application_transition", args=[submitted.pk, "start_review"]))
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    again = administrator_client.post(
        reverse("application_transition", args=[submitted.pk, "start_review"]), follow=True
    )
    assert "Alleen een ingediende aanvraag kan in beoordeling worden genomen." in text(again)


def test_administrators_cannot_edit_and_officers_cannot_take_ministry_steps(
    administrator_client, officer_client, submitted
):
    assert administrator_client.get(reverse("application_step", args=[submitted.pk, "plan"])).status_code == 403
    assert (
        administrator_client.post(reverse("application_transition", args=[submitted.pk, "submit"])).status_code == 403
    )
    assert (
        officer_client.post(reverse("application_transition", args=[submitted.pk, "start_review"])).status_code == 403
    )
    assert officer_client.post(reverse("application_transition", args=[submitted.pk, "nonsense"])).status_code == 404


def test_withdrawing_asks_for_confirmation_without_javascript(officer_client, submitted):
    url = reverse("application_transition", args=[submitted.pk, "withdraw"])
    response = officer_client.post(url, {"intrekken-reason": "Plan gaat niet door"})
    assert response.status_code == 200
    assert "Vink aan dat u het zeker weet." in text(response)
    assert "Ik weet het zeker" in text(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    response = officer_client.post(
        url, {"intrekken-confirm": "on", "intrekken-reason": "Plan gaat niet door"}, follow=True
    )
    assert f"De aanvraag {submitted.reference} is ingetrokken." in text(response)
    assert "Plan gaat niet door" in text(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN


def test_a_draft_can_be_deleted_after_confirmation(officer_client, complete):
    url = reverse("application_delete", args=[complete.pk])
    assert officer_client.post(url).status_code == 200
    assert Application.objects.filter(pk=complete.pk).exists()
    response = officer_client.post(url, {"verwijderen-confirm": "on"})
    assert response["Location"] == reverse("application_list")
    assert not Application.objects.filter(pk=complete.pk).exists()


def test_a_submitted_application_cannot_be_deleted(officer_client, submitted):
    response = officer_client.post(
        reverse("application_delete", args=[submitted.pk]), {"verwijderen-confirm": "on"}, follow=True
    )
    assert "Alleen een concept kan worden verwijderd" in text(response)
    assert Application.objects.filter(pk=submitted.pk).exists()


# --- detail, timeline and files ---------------------------------------------------------------------


def test_the_timeline_speaks_dutch(officer_client, officer, complete):
    services.update_application(application=complete, by=officer, data={"goals": "Nieuwe doelen", "title": "T"})
    page = text(officer_client.get(reverse("application_detail", args=[complete.pk])))
    assert f"{officer.display_name} heeft de aanvraag gewijzigd: titel, doelen." in page


def test_the_pdf_of_a_draft_is_rendered_and_of_a_submitted_application_the_stored_copy(
    officer_client, complete, officer, django_capture_on_commit_callbacks
):
    draft_pdf = officer_client.get(reverse("application_pdf", args=[complete.pk]))
    assert draft_pdf.status_code == 200
    assert draft_pdf["Content-Type"] == "application/pdf"
    assert draft_pdf["Content-Disposition"] == f'attachment; filename="{complete.reference}.pdf"'
    assert b"".join(draft_pdf.streaming_content).startswith(b"%PDF-")
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application=complete, by=officer)
    document = ApplicationDocument.objects.get(application=complete)
    stored = officer_client.get(reverse("application_pdf", args=[complete.pk]))
    assert b"".join(stored.streaming_content) == document.file.open("rb").read()
    versioned = officer_client.get(reverse("application_pdf", args=[complete.pk]) + "?versie=1")
    assert versioned["Content-Disposition"] == f'attachment; filename="{complete.reference}-v1.pdf"'
    assert officer_client.get(reverse("application_pdf", args=[complete.pk]) + "?versie=7").status_code == 404


def test_an_unpublished_call_is_hidden_from_officers_but_not_from_the_ministry(officer_client, administrator_client):
    hidden = CallFactory(is_published=False)
    assert officer_client.get(reverse("call_detail", args=[hidden.pk])).status_code == 404
    assert officer_client.post(reverse("application_start", args=[hidden.pk]), {"title": "x"}).status_code == 404
    assert administrator_client.get(reverse("call_detail", args=[hidden.pk])).status_code == 200
