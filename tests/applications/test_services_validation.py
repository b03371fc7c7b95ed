"""Every submission and input rule of an application, with the Dutch message a grant officer reads."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from applications import attachments, services
from applications.models import Status
from tests.factories import (
    ApplicationFactory,
    CallFactory,
    MembershipFactory,
    NetworkFactory,
    RequiredAttachmentFactory,
    ThemeFactory,
    complete_application,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = datetime.timezone(datetime.timedelta(hours=1))


def _messages(excinfo, field):
    return excinfo.value.message_dict.get(field, [])


def _app(officer, **kwargs):
    return complete_application(municipality=officer.municipality, created_by=officer, **kwargs)


class TestDeadline:
    """The window is opens_at <= now < closes_at, in server time (Europe/Amsterdam)."""

    @pytest.fixture
    def application(self, officer):
        call = CallFactory(
            opens_at=datetime.datetime(2027, 1, 5, 9, 0, tzinfo=AMSTERDAM),
            closes_at=datetime.datetime(2027, 3, 1, 17, 0, tzinfo=AMSTERDAM),
        )
        with time_machine.travel(datetime.datetime(2027, 1, 10, 12, 0, tzinfo=AMSTERDAM), tick=False):
            return _app(officer, call=call)

    def test_one_second_before_close_is_accepted(self, application, officer):
        with time_machine.travel(datetime.datetime(2027, 3, 1, 16, 59, 59, tzinfo=AMSTERDAM), tick=False):
            services.submit_application(application=application, by=officer)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.submitted_at == datetime.datetime(2027, 3, 1, 16, 59, 59, tzinfo=AMSTERDAM)

    def test_exactly_at_close_is_refused(self, application, officer):
        at_close = datetime.datetime(2027, 3, 1, 17, 0, 0, tzinfo=AMSTERDAM)
        with time_machine.travel(at_close, tick=False), pytest.raises(ValidationError) as excinfo:
            services.submit_application(application=application, by=officer)
        assert _messages(excinfo, "__all__") == [
            "Deze aanvraagronde is gesloten sinds 01-03-2027 17:00. Indienen kan niet meer."
        ]
        application.refresh_from_db()
        assert application.status == Status.DRAFT

    def test_after_close_is_refused(self, application, officer):
        after_close = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=AMSTERDAM)
        with (
            time_machine.travel(after_close, tick=False),
            pytest.raises(ValidationError, match="gesloten sinds 01-03-2027 17:00"),
        ):
            services.submit_application(application=application, by=officer)

    def test_before_opening_is_refused(self, officer):
        call = CallFactory(
            opens_at=timezone.now() + datetime.timedelta(days=2),
            closes_at=timezone.now() + datetime.timedelta(days=30),
        )
        application = _app(officer, call=call)
        with pytest.raises(ValidationError) as excinfo:
            services.submit_application(application=application, by=officer)
        assert _messages(excinfo, "__all__")[0].startswith("Deze aanvraagronde is nog niet open. Indienen kan vanaf")

    def test_resubmission_after_an_information_request_may_come_after_close(self, application, officer, administrator):
        with time_machine.travel(datetime.datetime(2027, 2, 1, 10, 0, tzinfo=AMSTERDAM), tick=False):
            services.submit_application(application=application, by=officer)
            services.request_information(application=application, by=administrator, message="Graag de begroting")
        with time_machine.travel(datetime.datetime(2027, 3, 10, 10, 0, tzinfo=AMSTERDAM), tick=False):
            services.submit_application(application=application, by=officer)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED
        assert application.information_requests.get().answered_at is not None


class TestCompleteness:
    def test_all_missing_content_is_reported_per_field(self, officer):
        call = CallFactory(multiple_per_municipality=True)
        RequiredAttachmentFactory(call=call, name="Plan van aanpak")
        application = ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer, area_name="")
        with pytest.raises(ValidationError) as excinfo:
            services.submit_application(application=application, by=officer)
        errors = excinfo.value.message_dict
        assert errors["goals"] == ["Beschrijf de doelen van het plan."]
        assert errors["approach"] == ["Beschrijf de aanpak."]
        assert errors["partners"] == ["Noem de partners in de lokale alliantie."]
        assert errors["residents_involvement"] == ["Beschrijf hoe bewoners betrokken zijn."]
        assert errors["area_name"] == ["Kies het gebied waarvoor u aanvraagt."]
        assert errors["requested_amount"] == ["Vul het aangevraagde bedrag in."]
        assert errors["budget_lines"] == [
            "Vul de begroting in: minstens één bedrag. Laat de vakken leeg van bestedingsdoelen en jaren "
            "waarvoor u niets aanvraagt."
        ]
        assert errors["cofinancing_amount"] == ["Vul de cofinanciering in (0 als er geen is)."]
        assert errors["attachments"] == ["De verplichte bijlage 'Plan van aanpak' ontbreekt."]
        assert not AuditEvent.objects.filter(verb="application.submitted").exists()

    def test_budget_lines_must_add_up_to_the_requested_amount(self, officer):
        application = _app(officer)
        services.update_application(application=application, by=officer, data={"requested_amount": "300000.01"})
        with pytest.raises(ValidationError) as excinfo:
            services.submit_application(application=application, by=officer)
        assert _messages(excinfo, "budget_lines") == [
            "De begrotingsregels tellen op tot € 300.000,00, maar het aangevraagde bedrag is € 300.000,01. "
            "Die twee moeten gelijk zijn."
        ]

    def test_cofinancing_at_the_minimum_passes_and_below_is_refused(self, officer):
        call = CallFactory(min_cofinancing_pct=Decimal("25.00"))
        application = _app(officer, call=call)
        services.update_application(application=application, by=officer, data={"cofinancing_amount": "74999.99"})
        with pytest.raises(ValidationError) as excinfo:
            services.submit_application(application=application, by=officer)
        assert _messages(excinfo, "cofinancing_amount") == [
            "De cofinanciering is 24,99% van het aangevraagde bedrag; deze ronde vraagt minstens 25% (€ 75.000,00)."
        ]
        services.update_application(application=application, by=officer, data={"cofinancing_amount": "75000"})
        services.submit_application(application=application, by=officer)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED

    def test_required_attachment_present_allows_submission(self, officer, pdf_upload):
        call = CallFactory()
        requirement = RequiredAttachmentFactory(call=call, name="Collegebesluit")
        application = _app(officer, call=call)
        attachments.add_attachment(application=application, by=officer, upload=pdf_upload(), requirement=requirement)
        services.submit_application(application=application, by=officer)
        application.refresh_from_db()
        assert application.status == Status.SUBMITTED


class TestInputRules:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("-5", "Het bedrag moet groter zijn dan nul."),
            ("0", "Het bedrag moet groter zijn dan nul."),
            ("10.001", "Een bedrag heeft hoogstens twee cijfers achter de komma."),
            ("tienduizend", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
            ("NaN", "Vul een bedrag in euro in, bijvoorbeeld 250000 of 250000,50."),
        ],
    )
    def test_bad_requested_amounts_change_nothing(self, officer, value, message):
        application = _app(officer)
        revision = application.revision
        with pytest.raises(ValidationError) as excinfo:
            services.update_application(application=application, by=officer, data={"requested_amount": value})
        assert _messages(excinfo, "requested_amount") == [message]
        application.refresh_from_db()
        assert (application.requested_amount, application.revision) == (Decimal("300000.00"), revision)

    def test_amount_above_the_call_maximum(self, officer):
        call = CallFactory(max_per_application=Decimal("250000.00"))
        application = _app(officer, call=call)
        with pytest.raises(ValidationError) as excinfo:
            services.update_application(application=application, by=officer, data={"requested_amount": "250000.01"})
        assert _messages(excinfo, "requested_amount") == [
            "Het aangevraagde bedrag is hoger dan het maximum van € 250.000,00 per aanvraag in deze ronde."
        ]

    def test_budget_line_rules(self, officer):
        application = _app(officer)
        theme = application.budget_lines.first().theme
        other_scheme_theme = ThemeFactory()
        lines = [
            {"theme": theme.pk, "year": 2026, "amount": "100"},
            {"theme": theme.pk, "year": 2027, "amount": "-1"},
            {"theme": theme.pk, "year": 2028, "amount": "1.005"},
            {"theme": other_scheme_theme.pk, "year": 2028, "amount": "1"},
            {"theme": theme.pk, "year": 2029, "amount": "5"},
            {"theme": theme.pk, "year": 2029, "amount": "6"},
        ]
        with pytest.raises(ValidationError) as excinfo:
            services.replace_budget_lines(application=application, by=officer, lines=lines)
        errors = excinfo.value.message_dict
        assert errors["lines.0.year"] == ["Het jaar 2026 valt buiten de looptijd van de ronde (2027–2029)."]
        assert errors["lines.1.amount"] == ["Het bedrag moet groter zijn dan nul."]
        assert errors["lines.2.amount"] == ["Een bedrag heeft hoogstens twee cijfers achter de komma."]
        assert errors["lines.3.theme"] == ["Kies een bestedingsdoel van deze regeling."]
        assert errors["lines.5.theme"] == [
            f"Het bestedingsdoel '{theme.name}' staat voor 2029 al in de begroting; voeg de bedragen samen."
        ]
        assert application.budget_lines.count() == 2

    def test_budget_replacement_is_audited(self, officer):
        application = _app(officer)
        theme = application.budget_lines.first().theme
        services.replace_budget_lines(
            application=application, by=officer, lines=[{"theme": theme.pk, "year": 2028, "amount": "300000"}]
        )
        assert application.budget_lines.get().amount == Decimal("300000.00")
        event = AuditEvent.objects.get(verb="application.budget_updated")
        assert event.data["after"]["lines"] == [{"theme": theme.name, "year": 2028, "amount": "300000.00"}]
        assert len(event.data["before"]["lines"]) == 2

    def test_concurrent_edit_is_refused_and_names_the_other_editor(self, officer, municipality):
        from tests.factories import OfficerFactory

        colleague = OfficerFactory(municipality=municipality, full_name="Collega Jansen")
        application = _app(officer)
        revision = application.revision
        services.update_application(
            application=application, by=colleague, data={"goals": "Nieuw doel"}, expected_revision=revision
        )
        with pytest.raises(services.ConcurrentEdit, match="Collega Jansen heeft deze aanvraag intussen gewijzigd"):
            services.update_application(
                application=application, by=officer, data={"goals": "Mijn doel"}, expected_revision=revision
            )
        application.refresh_from_db()
        assert (application.goals, application.updated_by) == ("Nieuw doel", colleague)


class TestEligibilityAndUniqueness:
    def test_only_network_members_may_apply(self, officer, municipality):
        m50 = NetworkFactory(code="M50", name="M50")
        new_town = NetworkFactory(code="NEW_TOWN", name="New Town Alliantie")
        call = CallFactory()
        call.eligible_networks.set([m50, new_town])
        with pytest.raises(ValidationError) as excinfo:
            services.start_application(call=call, by=officer, title="Plan")
        assert _messages(excinfo, "call") == [
            "Gemeente Nieuwegein komt niet in aanmerking voor deze ronde; die staat alleen open voor leden van: "
            "M50, New Town Alliantie."
        ]
        MembershipFactory(municipality=municipality, network=new_town)
        application = services.start_application(call=call, by=officer, title="Plan")
        assert application.reference == f"{call.reference_prefix}-GM0356-1"

    def test_membership_must_be_valid_on_the_submission_date(self, officer, municipality):
        m50 = NetworkFactory(code="M50", name="M50")
        membership = MembershipFactory(municipality=municipality, network=m50)
        call = CallFactory()
        call.eligible_networks.set([m50])
        application = _app(officer, call=call)
        membership.valid_to = timezone.localdate() - datetime.timedelta(days=1)
        membership.save()
        with pytest.raises(ValidationError, match="komt niet in aanmerking"):
            services.submit_application(application=application, by=officer)

    def test_one_application_per_municipality_per_call(self, officer):
        call = CallFactory()
        first = services.start_application(call=call, by=officer, title="Eerste")
        with pytest.raises(ValidationError) as excinfo:
            services.start_application(call=call, by=officer, title="Tweede")
        assert _messages(excinfo, "call") == [
            f"Uw gemeente heeft al een aanvraag in deze ronde (kenmerk {first.reference}). Er is één aanvraag per "
            "gemeente toegestaan."
        ]

    def test_one_application_per_area_when_the_call_allows_more(self, officer):
        call = CallFactory(multiple_per_municipality=True)
        with pytest.raises(ValidationError) as excinfo:
            services.start_application(call=call, by=officer, title="Zonder gebied")
        assert _messages(excinfo, "area_name") == ["In deze ronde vraagt u per gebied aan; kies het gebied."]
        services.start_application(call=call, by=officer, title="Noord", area_name="Noord")
        services.start_application(call=call, by=officer, title="Zuid", area_name="Zuid")
        with pytest.raises(ValidationError, match="al een aanvraag voor dit gebied"):
            services.start_application(call=call, by=officer, title="Noord opnieuw", area_name="Noord")

    def test_a_withdrawn_application_makes_room_for_a_new_one(self, officer):
        call = CallFactory()
        first = services.start_application(call=call, by=officer, title="Eerste")
        services.withdraw_application(application=first, by=officer)
        second = services.start_application(call=call, by=officer, title="Nieuwe poging")
        assert second.reference.endswith("-2")

    def test_closed_call_cannot_be_started(self, officer):
        call = CallFactory(
            opens_at=timezone.now() - datetime.timedelta(days=30),
            closes_at=timezone.now() - datetime.timedelta(days=1),
        )
        with pytest.raises(ValidationError, match="gesloten sinds"):
            services.start_application(call=call, by=officer, title="Te laat")


class TestLifecycleAndPermissions:
    def test_submitted_application_is_read_only_until_information_is_requested(self, officer, administrator):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(TransitionNotAllowed, match="is ingediend en kan niet meer worden gewijzigd"):
            services.update_application(application=application, by=officer, data={"goals": "Later"})
        services.request_information(application=application, by=administrator, message="Welke scholen?")
        services.update_application(application=application, by=officer, data={"partners": "Scholen A en B"})
        services.submit_application(application=application, by=officer)
        verbs = list(AuditEvent.objects.for_target(application).order_by("id").values_list("verb", flat=True))
        assert verbs[-4:] == [
            "application.submitted",
            "application.information_requested",
            "application.updated",
            "application.submitted",
        ]

    def test_submitting_twice_is_a_conflict(self, officer):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(TransitionNotAllowed, match="al ingediend"):
            services.submit_application(application=application, by=officer)

    def test_other_municipality_gets_not_found_and_changes_nothing(self, officer, other_officer):
        application = _app(officer)
        for call in (
            lambda: services.update_application(application=application, by=other_officer, data={"goals": "x"}),
            lambda: services.submit_application(application=application, by=other_officer),
            lambda: services.withdraw_application(application=application, by=other_officer),
            lambda: services.delete_draft(application=application, by=other_officer),
        ):
            with pytest.raises(Http404):
                call()
        application.refresh_from_db()
        assert application.status == Status.DRAFT

    def test_ministry_roles_cannot_edit_or_submit_for_a_municipality(self, officer, administrator):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(PermissionDenied):
            services.update_application(application=application, by=administrator, data={"goals": "x"})
        with pytest.raises(PermissionDenied):
            services.withdraw_application(application=application, by=administrator)

    def test_officer_cannot_request_information_or_start_review(self, officer):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(PermissionDenied):
            services.request_information(application=application, by=officer, message="x")
        with pytest.raises(PermissionDenied):
            services.start_review(application=application, by=officer)

    def test_information_request_needs_a_message(self, officer, administrator):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(ValidationError) as excinfo:
            services.request_information(application=application, by=administrator, message="  ")
        assert _messages(excinfo, "message") == ["Beschrijf welke informatie de gemeente moet aanvullen."]

    def test_only_drafts_can_be_deleted(self, officer):
        application = _app(officer)
        services.submit_application(application=application, by=officer)
        with pytest.raises(TransitionNotAllowed, match="Alleen een concept"):
            services.delete_draft(application=application, by=officer)
