"""The officer's step-by-step application pages: every step saves a draft, shows Dutch errors beside the
field, notices a colleague's concurrent edit, and refuses bad uploads with the reason."""

import html
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from applications import attachments, services
from applications.models import Attachment, BudgetLine
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    NetworkFactory,
    OfficerFactory,
    RequiredAttachmentFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db):
    return CallFactory(
        title="Leefbaarheidsfonds 2027",
        max_per_application=Decimal("500000.00"),
        min_cofinancing_pct=Decimal("25"),
    )


@pytest.fixture
def themes(call):
    return [
        ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1),
        ThemeFactory(scheme=call.scheme, name="Ontwikkeling jonge kind", order=2),
    ]


@pytest.fixture
def draft(officer, call, themes):
    return ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer, title="Samen sterk")


def step_url(application, step):
    return reverse("application_step", args=[application.pk, step])


def post_step(client, application, step, data, **extra):
    application.refresh_from_db()
    return client.post(step_url(application, step), {"revision": application.revision, **data}, **extra)


def errors_of(response, field_id: str) -> list[str]:
    """The messages in the error list linked to one field (Django gives it the id ``<field>_error``)."""
    body = response.content.decode()
    match = re.search(rf'<ul class="errorlist[^"]*" id="{re.escape(field_id)}_error">(.*?)</ul>', body, re.S)
    assert match, f"no errors beside {field_id}"
    assert f'aria-describedby="{field_id}' in body or f'{field_id}_error"' in body
    return [html.unescape(m) for m in re.findall(r"<li>(.*?)</li>", match.group(1), re.S)]


def top_errors(response) -> str:
    body = response.content.decode()
    match = re.search(r'<div class="[^"]*nplv-error-summary"[^>]*>(.*?)</div>\s*</div>', body, re.S)
    assert match, "no error summary at the top"
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))


def grid(theme, year):
    return f"regel_{theme.pk}_{year}"


# --- step 1: municipality, area, title ------------------------------------------------------------


def test_area_step_saves_the_title_and_goes_on_to_the_plan(officer_client, draft):
    page = officer_client.get(step_url(draft, "gebied"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Nieuwegein (GM0356)" in body
    assert 'aria-current="step"' in body
    assert f'name="revision" value="{draft.revision}"' in body
    response = post_step(officer_client, draft, "gebied", {"title": "Samen sterk in Batau", "verder": "1"})
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "plan")
    draft.refresh_from_db()
    assert draft.title == "Samen sterk in Batau"
    assert draft.revision == 2


def test_saving_without_going_on_stays_on_the_step(officer_client, draft):
    response = post_step(officer_client, draft, "gebied", {"title": "Nieuwe titel", "opslaan": "1"})
    assert response["Location"] == step_url(draft, "gebied")
    page = officer_client.get(response["Location"])
    assert "Uw wijzigingen zijn opgeslagen." in page.content.decode()


def test_an_empty_title_is_refused_beside_the_field(officer_client, draft):
    response = post_step(officer_client, draft, "gebied", {"title": "  "})
    assert response.status_code == 200
    assert errors_of(response, "id_title") == ["Geef de aanvraag een titel."]
    draft.refresh_from_db()
    assert draft.title == "Samen sterk"


def test_a_call_per_area_offers_the_municipalitys_focus_areas_and_another(officer_client, officer, municipality):
    call = CallFactory(multiple_per_municipality=True)
    MembershipFactory(municipality=municipality, network=NetworkFactory(code="NPLV"), area_name="Batau-Noord")
    application = ApplicationFactory(call=call, municipality=municipality, created_by=officer, area_name="Batau-Noord")
    body = officer_client.get(step_url(application, "gebied")).content.decode()
    assert '<option value="Batau-Noord" selected>Batau-Noord</option>' in body
    assert "Een ander gebied (vul hieronder in)" in body
    response = post_step(
        officer_client,
        application,
        "gebied",
        {"title": application.title, "area_name": "__anders__", "area_other": "Galecop"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.area_name == "Galecop"
    response = post_step(
        officer_client,
        application,
        "gebied",
        {"title": application.title, "area_name": "__anders__", "area_other": ""},
    )
    assert errors_of(response, "id_area_other") == ["Vul de naam van het gebied in."]


# --- step 2: plan ---------------------------------------------------------------------------------


def test_plan_step_saves_part_of_the_plan_as_a_draft(officer_client, draft):
    response = post_step(
        officer_client,
        draft,
        "plan",
        {"goals": "Minder schooluitval.", "approach": "", "partners": "", "residents_involvement": ""},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.goals == "Minder schooluitval."
    body = officer_client.get(step_url(draft, "plan")).content.decode()
    assert "Minder schooluitval." in body
    assert "niet verplicht" not in body  # needed to submit, even though a draft may be saved without


def test_a_colleagues_edit_in_between_is_not_overwritten_and_the_input_is_kept(officer_client, draft, municipality):
    colleague = OfficerFactory(municipality=municipality, full_name="Fatima de Vries")
    loaded_revision = draft.revision
    services.update_application(
        application=draft,
        by=colleague,
        data={"goals": "Versie van Fatima"},
        expected_revision=loaded_revision,
    )
    response = officer_client.post(
        step_url(draft, "plan"),
        {
            "revision": loaded_revision,
            "goals": "Mijn eigen tekst",
            "approach": "",
            "partners": "",
            "residents_involvement": "",
        },
    )
    assert response.status_code == 409
    assert "Fatima de Vries heeft deze aanvraag intussen gewijzigd" in top_errors(response)
    assert "Mijn eigen tekst</textarea>" in response.content.decode()
    draft.refresh_from_db()
    assert draft.goals == "Versie van Fatima"


def test_the_last_editor_is_shown(officer_client, draft, municipality):
    colleague = OfficerFactory(municipality=municipality, full_name="Fatima de Vries")
    services.update_application(application=draft, by=colleague, data={"goals": "x"})
    body = officer_client.get(step_url(draft, "plan")).content.decode()
    assert "Laatst bewerkt door Fatima de Vries op" in body


# --- step 3: budget -------------------------------------------------------------------------------


def test_budget_step_saves_the_amount_and_a_line_per_theme_per_year(officer_client, draft, themes):
    school, youth = themes
    response = post_step(
        officer_client,
        draft,
        "begroting",
        {
            "requested_amount": "300.000,00",
            grid(school, 2027): "200000",
            grid(youth, 2028): "100.000,00",
            grid(school, 2029): "",
            "verder": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == step_url(draft, "cofinanciering")
    draft.refresh_from_db()
    assert draft.requested_amount == Decimal("300000.00")
    assert {(line.theme_id, line.year, line.amount) for line in draft.budget_lines.all()} == {
        (school.pk, 2027, Decimal("200000.00")),
        (youth.pk, 2028, Decimal("100000.00")),
    }
    page = officer_client.get(step_url(draft, "begroting")).content.decode()
    assert "De begroting telt op tot € 300.000,00." in page
    assert "Dat is gelijk aan het aangevraagde bedrag van € 300.000,00." in page
    assert f'name="{grid(school, 2027)}" value="200.000,00"' in page  # thousands grouped, read back as typed


def test_budget_step_shows_the_difference_with_the_requested_amount(officer_client, draft, themes):
    post_step(officer_client, draft, "begroting", {"requested_amount": "300000", grid(themes[0], 2027): "250000"})
    page = officer_client.get(step_url(draft, "begroting")).content.decode()
    assert "De begroting telt op tot € 250.000,00." in page
    assert "Het aangevraagde bedrag is € 300.000,00; het verschil is € 50.000,00." in page


def test_saving_an_unchanged_budget_writes_no_new_budget_event(officer_client, draft, themes):
    data = {"requested_amount": "1000", grid(themes[0], 2027): "1000"}
    post_step(officer_client, draft, "begroting", data)
    post_step(officer_client, draft, "begroting", data)
    assert AuditEvent.objects.filter(verb="application.budget_updated").count() == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-100", "Het bedrag moet groter zijn dan nul."),
        ("100,1255", "Een bedrag heeft hoogstens twee cijfers achter de komma."),
        ("veel geld", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
        (
            "600000",
            "Het aangevraagde bedrag is hoger dan het maximum van € 500.000,00 per aanvraag in deze ronde.",
        ),
    ],
)
def test_a_bad_requested_amount_is_explained_beside_the_field(officer_client, draft, themes, value, message):
    response = post_step(officer_client, draft, "begroting", {"requested_amount": value})
    assert response.status_code == 200
    assert errors_of(response, "id_requested_amount") == [message]
    draft.refresh_from_db()
    assert draft.requested_amount is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Het bedrag moet groter zijn dan nul."),
        ("0", "Het bedrag moet groter zijn dan nul."),
        ("12,3456", "Een bedrag heeft hoogstens twee cijfers achter de komma."),
    ],
)
def test_a_bad_amount_in_the_grid_is_shown_in_its_own_cell_and_nothing_is_saved(
    officer_client, draft, themes, value, message
):
    school, youth = themes
    response = post_step(
        officer_client,
        draft,
        "begroting",
        {"requested_amount": "2000", grid(school, 2027): "1000", grid(youth, 2029): value},
    )
    assert response.status_code == 200
    assert errors_of(response, f"id_{grid(youth, 2029)}") == [message]
    body = response.content.decode()
    assert f'name="{grid(youth, 2029)}" value="{value}"' in body  # the person's input is kept
    draft.refresh_from_db()
    assert draft.requested_amount is None  # the valid requested amount was not saved either
    assert not BudgetLine.objects.exists()


def test_a_year_outside_the_call_in_a_tampered_form_is_refused(officer_client, draft, themes):
    response = post_step(
        officer_client,
        draft,
        "begroting",
        {"requested_amount": "1000", grid(themes[0], 2027): "500", grid(themes[0], 2035): "500"},
    )
    assert response.status_code == 200
    assert "Het jaar 2035 valt buiten de looptijd van de ronde (2027–2029)." in top_errors(response)
    draft.refresh_from_db()
    assert draft.requested_amount is None
    assert not BudgetLine.objects.exists()


def test_a_theme_of_another_scheme_in_a_tampered_form_is_refused(officer_client, draft):
    stranger = ThemeFactory(name="Niet van deze regeling")
    response = post_step(officer_client, draft, "begroting", {"requested_amount": "1000", grid(stranger, 2027): "1000"})
    assert "Kies een bestedingsdoel van deze regeling." in top_errors(response)
    assert not BudgetLine.objects.exists()


def test_when_the_budget_service_fails_the_requested_amount_is_not_saved_either(
    officer_client, draft, themes, monkeypatch
):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError({"lines.0.amount": ["Geweigerd door de dienst."]})

    monkeypatch.setattr(services, "replace_budget_lines", refuse)
    response = post_step(
        officer_client, draft, "begroting", {"requested_amount": "1000", grid(themes[0], 2027): "1000"}
    )
    assert errors_of(response, f"id_{grid(themes[0], 2027)}") == ["Geweigerd door de dienst."]
    draft.refresh_from_db()
    assert draft.requested_amount is None
    assert not AuditEvent.objects.filter(verb="application.updated").exists()


# --- step 4: co-financing -------------------------------------------------------------------------


def test_cofinancing_step_shows_the_minimum_and_the_resulting_percentage(officer_client, draft):
    draft.requested_amount = Decimal("400000.00")
    draft.save()
    page = officer_client.get(step_url(draft, "cofinanciering")).content.decode()
    assert "25% van het aangevraagde bedrag" in page
    assert "minstens € 100.000,00" in page
    response = post_step(
        officer_client,
        draft,
        "cofinanciering",
        {"cofinancing_amount": "80.000", "cofinancing_sources": "Gemeentebegroting"},
    )
    assert response.status_code == 302
    page = officer_client.get(step_url(draft, "cofinanciering")).content.decode()
    assert "€ 80.000,00, dat is 20,00% van het aangevraagde bedrag" in page
    assert "onder het minimum" in page


def test_zero_cofinancing_is_allowed_but_a_negative_amount_is_not(officer_client, draft):
    assert post_step(officer_client, draft, "cofinanciering", {"cofinancing_amount": "0"}).status_code == 302
    draft.refresh_from_db()
    assert draft.cofinancing_amount == Decimal("0.00")
    response = post_step(officer_client, draft, "cofinanciering", {"cofinancing_amount": "-1"})
    assert errors_of(response, "id_cofinancing_amount") == ["Het bedrag mag niet negatief zijn."]


# --- step 5: attachments --------------------------------------------------------------------------


@pytest.fixture
def requirement(call):
    return RequiredAttachmentFactory(call=call, name="Plan van aanpak")


def upload(client, application, file, key):
    return client.post(step_url(application, "bijlagen"), {"soort": key, "bestand": file})


def test_a_real_pdf_is_added_listed_downloadable_and_removable(officer_client, draft, requirement):
    page = officer_client.get(step_url(draft, "bijlagen")).content.decode()
    assert "Toegestane bestanden: PDF, elk hoogstens 10 MB." in page
    assert "ontbreekt nog" in page
    response = upload(officer_client, draft, SimpleUploadedFile("plan.pdf", MINIMAL_PDF), str(requirement.pk))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.requirement == requirement
    page = officer_client.get(step_url(draft, "bijlagen")).content.decode()
    assert "De bijlage &#x27;plan.pdf&#x27; is toegevoegd." in page
    download_url = reverse("attachment_download", args=[draft.pk, attachment.pk])
    assert download_url in page
    download = officer_client.get(download_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    removed = officer_client.post(reverse("attachment_delete", args=[draft.pk, attachment.pk]))
    assert removed["Location"] == step_url(draft, "bijlagen")
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "begroting.pdf",
            b"not a pdf",
            "Dit bestand is geen geldig PDF-bestand; de inhoud klopt niet met een toegestaan formaat, ook al "
            "eindigt de naam misschien op .pdf. Sla het document opnieuw op als PDF.",
        ),
        ("leeg.pdf", b"", "Het bestand is leeg. Kies een bestand met inhoud."),
        (
            "groot.pdf",
            b"%PDF-1.4\n" + b"0" * (1024 * 1024) + b"\n%%EOF\n",
            "Het bestand is te groot (1,0 MB). Het maximum is 1 MB.",
        ),
    ],
)
def test_a_refused_upload_shows_the_reason_beside_its_file_field(
    officer_client, draft, requirement, name, content, message
):
    draft.call.max_attachment_mb = 1
    draft.call.save()
    response = upload(officer_client, draft, SimpleUploadedFile(name, content), str(requirement.pk))
    assert response.status_code == 200
    assert errors_of(response, f"bestand-{requirement.pk}") == [message]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_without_a_file_asks_for_one(officer_client, draft):
    response = officer_client.post(step_url(draft, "bijlagen"), {"soort": "overig"})
    assert errors_of(response, "bestand-overig") == ["Kies een bestand om toe te voegen."]


def test_an_attachment_of_another_application_is_not_found(officer_client, draft, officer):
    other = ApplicationFactory(municipality=officer.municipality, created_by=officer)
    attachment = attachments.add_attachment(
        application=other, by=officer, upload=SimpleUploadedFile("x.pdf", MINIMAL_PDF)
    )
    assert officer_client.get(reverse("attachment_download", args=[draft.pk, attachment.pk])).status_code == 404
    assert officer_client.post(reverse("attachment_delete", args=[draft.pk, attachment.pk])).status_code == 404


def test_an_unknown_step_is_not_found(officer_client, draft):
    assert officer_client.get(step_url(draft, "onbekend")).status_code == 404
