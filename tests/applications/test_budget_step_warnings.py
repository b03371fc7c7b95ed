"""The budget and co-financing steps save a draft that does not hold together yet, but say so plainly on
the step instead of a green "opgeslagen"; the step and the check page state the same budget rule."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from applications.models import BudgetLine
from tests.factories import ApplicationFactory, CallFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(officer):
    call = CallFactory(min_cofinancing_pct=Decimal("25"))
    ThemeFactory(scheme=call.scheme, name="School en omgeving", order=1)
    return ApplicationFactory(call=call, municipality=officer.municipality, created_by=officer)


def _post(client, application, step, data):
    application.refresh_from_db()
    url = reverse("application_step", args=[application.pk, step])
    return client.post(url, {"revision": application.revision, "verder": "1", **data}, follow=True)


def _messages(response) -> str:
    return html.unescape(" ".join(str(m) for m in response.context["messages"]))


def test_lines_that_do_not_add_up_are_saved_with_a_warning_on_the_step(officer_client, draft):
    theme = draft.call.scheme.themes.get()
    year = draft.call.years[0]
    response = _post(
        officer_client, draft, "begroting", {"requested_amount": "1000", f"regel_{theme.pk}_{year}": "600"}
    )
    assert response.redirect_chain[-1][0] == reverse("application_step", args=[draft.pk, "begroting"])
    said = _messages(response)
    assert "als concept opgeslagen, maar dit klopt nog niet" in said
    assert "De begrotingsregels tellen op tot € 600,00, maar het aangevraagde bedrag is € 1.000,00." in said
    assert "Uw wijzigingen zijn opgeslagen." not in said
    assert BudgetLine.objects.filter(application=draft).count() == 1  # the draft is saved all the same
    body = html.unescape(response.content.decode())
    assert "utrecht-alert--warning" in body
    assert re.search(r"Nog te verdelen:\s*<strong data-remaining>€ 400,00</strong>", body)


def test_a_consistent_budget_goes_on_with_the_green_message(officer_client, draft):
    theme = draft.call.scheme.themes.get()
    year = draft.call.years[0]
    response = _post(
        officer_client, draft, "begroting", {"requested_amount": "1000", f"regel_{theme.pk}_{year}": "1.000"}
    )
    assert response.redirect_chain[-1][0] == reverse("application_step", args=[draft.pk, "cofinanciering"])
    assert "Uw wijzigingen zijn opgeslagen." in _messages(response)


def test_cofinancing_under_the_minimum_is_saved_with_a_warning(officer_client, draft):
    draft.requested_amount = Decimal("1000")
    draft.save()
    response = _post(officer_client, draft, "cofinanciering", {"cofinancing_amount": "100"})
    said = _messages(response)
    assert "als concept opgeslagen, maar dit klopt nog niet" in said
    assert "deze ronde vraagt minstens 25% (€ 250,00)" in said
    draft.refresh_from_db()
    assert draft.cofinancing_amount == Decimal("100.00")


def test_the_step_and_the_check_page_state_the_same_budget_rule(officer_client, draft):
    step = html.unescape(officer_client.get(reverse("application_step", args=[draft.pk, "begroting"])).content.decode())
    check = html.unescape(officer_client.get(reverse("application_check", args=[draft.pk])).content.decode())
    assert "niets aanvraagt; minstens één vak heeft een bedrag." in step
    assert "minstens één bedrag. Laat de vakken leeg van bestedingsdoelen en jaren waarvoor u niets aanvraagt." in check
    assert "minstens één bedrag per bestedingsdoel en jaar" not in check
