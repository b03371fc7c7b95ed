"""The assessment configuration is saved by applications.assessment.config, for the API and the admin
alike: the criteria lock holds in the service, and the admin shows locked criteria read-only."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from applications.assessment import config
from applications.models import Criterion, Review, ReviewAssignment, Status
from tests.factories import ApplicationFactory, CriterionFactory, UpcomingCallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def criterion():
    """A criterion of a call whose window has not opened: its rules may still change."""
    return CriterionFactory(call=UpcomingCallFactory(), name="Aansluiting", weight=Decimal("1.00"))


def submit_a_review(call, reviewer, administrator):
    application = ApplicationFactory(call=call, status=Status.IN_REVIEW, submitted_at=timezone.now())
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=administrator, assigned_at=timezone.now()
    )
    Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED, submitted_at=timezone.now())


def test_the_service_saves_a_criterion_and_audits_it_on_the_call(criterion, administrator):
    config.save(row=criterion, values={"weight": Decimal("2.50")}, by=administrator)

    criterion.refresh_from_db()
    assert criterion.weight == Decimal("2.50")
    event = AuditEvent.objects.get(verb="criterion.updated")
    assert event.target_id == str(criterion.call_id)
    assert (event.data["before"], event.data["after"]) == ({"weight": "1.00"}, {"weight": "2.50"})


def test_a_new_criterion_goes_last(criterion, administrator):
    new = config.save(
        row=Criterion(call=criterion.call), values={"name": "Bereik", "weight": Decimal("1.00")}, by=administrator
    )

    assert new.order == criterion.order + 1
    assert AuditEvent.objects.filter(verb="criterion.created").count() == 1


def test_the_service_refuses_other_roles(criterion, reviewer, officer):
    for user in (reviewer, officer):
        with pytest.raises(PermissionDenied):
            config.save(row=criterion, values={"weight": Decimal(3)}, by=user)
    criterion.refresh_from_db()
    assert criterion.weight == Decimal("1.00")


def test_the_criteria_lock_holds_in_the_service(criterion, administrator, reviewer):
    submit_a_review(criterion.call, reviewer, administrator)

    with pytest.raises(TransitionNotAllowed, match="liggen de criteria vast"):
        config.save(row=criterion, values={"weight": Decimal("5.00")}, by=administrator)
    with pytest.raises(TransitionNotAllowed):
        config.save(row=Criterion(call=criterion.call), values={"name": "Nieuw"}, by=administrator)
    with pytest.raises(TransitionNotAllowed):
        config.delete(row=criterion, by=administrator, in_use_message="in gebruik")

    criterion.refresh_from_db()
    assert criterion.weight == Decimal("1.00")
    assert Criterion.objects.filter(call=criterion.call).count() == 1
    assert not AuditEvent.objects.filter(verb__startswith="criterion.").exists()


def test_the_service_gives_field_errors(criterion, administrator):
    other = CriterionFactory(call=criterion.call, name="Bereik")

    with pytest.raises(ValidationError) as excinfo:
        config.save(row=other, values={"name": "aansluiting"}, by=administrator)

    assert excinfo.value.message_dict == {"name": ["Deze aanvraagronde heeft al een criterium met deze naam."]}


def test_the_admin_shows_locked_criteria_read_only(criterion, administrator, administrator_client, reviewer):
    url = f"/admin/applications/call/{criterion.call_id}/change/"
    open_page = administrator_client.get(url)
    assert open_page.status_code == 200
    assert 'name="criteria-0-weight"' in open_page.content.decode()

    submit_a_review(criterion.call, reviewer, administrator)
    locked_page = administrator_client.get(url).content.decode()

    assert 'name="criteria-0-weight"' not in locked_page
    assert 'name="criteria-0-DELETE"' not in locked_page
    assert "Aansluiting" in locked_page
