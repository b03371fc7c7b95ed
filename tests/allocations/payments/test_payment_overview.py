"""The overview: awarded = paid + still due, in total, per call and per municipality, on the payments pages
for ministry staff; the municipality sees its own instalments on its decision's page and nobody else's; the
pages cost the same number of queries however many instalments there are."""

import datetime
import html

import pytest
from django.urls import reverse

from allocations.payments import selectors, services
from allocations.payments.models import Instalment
from allocations.runs.models import Outcome
from tests.allocations.letters.batch import SEND_DAY
from tests.allocations.payments.sent import sent_run
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

FIRST_PAY_DATE = datetime.date(2027, 4, 12)
LATER = datetime.datetime(2027, 5, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def run(administrator, municipality):
    others = [MunicipalityFactory(), MunicipalityFactory()]
    run = sent_run(by=administrator, count=3, municipalities=[municipality, *others])
    services.order_payments(pay_date=FIRST_PAY_DATE, by=administrator, now=SEND_DAY)
    first = Instalment.objects.filter(decision__application__municipality=municipality).order_by("sequence").first()
    services.record_paid(instalment=first, paid_on=datetime.date(2027, 4, 10), by=administrator, now=LATER)
    return run


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_awarded_is_paid_plus_still_due_in_total_per_call_and_per_municipality(run, municipality):
    awarded = sum(d.amount for d in run.decisions.exclude(outcome=Outcome.REJECTED))
    totals = selectors.totals()
    assert totals.awarded == awarded == totals.paid + totals.still_due
    paid = Instalment.objects.get(status="paid")
    assert totals.paid == paid.amount
    (call,) = selectors.per_call()
    assert call.decided == awarded == call.sums.paid + call.sums.still_due
    rows = {row.cbs_code: row.sums for row in selectors.per_municipality(call_id=run.call_id)}
    assert sum((sums.awarded for sums in rows.values()), 0) == awarded
    own = rows[municipality.cbs_code]
    assert own.paid == paid.amount and own.awarded == run.decisions.get(application__municipality=municipality).amount


def test_the_payments_pages_show_the_figures_to_ministry_staff(run, administrator_client, reviewer_client):
    totals = selectors.totals()
    for client in (administrator_client, reviewer_client):
        page = text(client.get(reverse("payments")))
        assert "€ " in page and run.call.title in page
        assert f"{totals.awarded:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") in page
        day = text(client.get(reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()])))
        assert all(i.reference in day for i in Instalment.objects.filter(due_on=FIRST_PAY_DATE))
        per_call = text(client.get(reverse("payments_call", args=[run.call_id])))
        assert all(d.application.municipality.name in per_call for d in run.decisions.exclude(outcome="rejected"))
    reviewer_day = text(reviewer_client.get(reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()])))
    assert "Betaaldatum vastleggen" not in reviewer_day and "Betaalopdracht downloaden" not in reviewer_day
    admin_day = text(administrator_client.get(reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()])))
    assert "Betaaldatum vastleggen" in admin_day and "Betaalopdracht downloaden" in admin_day


def test_a_municipality_sees_no_payments_pages(run, officer_client):
    for url in (
        reverse("payments"),
        reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()]),
        reverse("payments_call", args=[run.call_id]),
        reverse("payments_import"),
    ):
        assert officer_client.get(url).status_code == 403, url


def test_the_municipality_sees_its_own_instalments_on_its_decision_page(
    run, municipality, officer_client, other_officer_client
):
    decision = run.decisions.get(application__municipality=municipality)
    page = text(officer_client.get(reverse("application_letters", args=[decision.application_id])))
    assert "Betaling in termijnen" in page
    for instalment in decision.instalments.all():
        assert instalment.reference in page
    assert "Betaald" in page and "10 april 2027" in page
    others = Instalment.objects.exclude(decision=decision)
    assert others.exists() and not any(i.reference in page for i in others)
    assert other_officer_client.get(reverse("application_letters", args=[decision.application_id])).status_code == 404


@pytest.mark.parametrize("url", ["payments", "pay_date", "call"])
def test_query_counts_do_not_grow_with_the_instalments(administrator, administrator_client, count_queries, url):
    """More calls, more instalments on a pay date, more municipalities in a call: the same number of queries."""

    def cost(prefix: str, count: int) -> int:
        run = sent_run(by=administrator, count=count, prefix=prefix)
        path = {
            "payments": reverse("payments"),
            "pay_date": reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()]),
            "call": reverse("payments_call", args=[run.call_id]),
        }[url]
        return count_queries(administrator_client, path, warm=True)

    assert cost("Q1", 3) == cost("Q2", 6)


def test_the_payments_pages_speak_english_on_request(run, administrator_client, officer_client, municipality):
    administrator_client.cookies["django_language"] = "en"
    page = text(administrator_client.get(reverse("payments")))
    assert "Awarded (sent decisions)" in page and "Still due" in page and "Per pay date" in page
    day = text(administrator_client.get(reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()])))
    assert "Record paid date" in day and "Download payment order" in day and "Payment ordered" in day
    officer_client.cookies["django_language"] = "en"
    decision = run.decisions.get(application__municipality=municipality)
    own = text(officer_client.get(reverse("application_letters", args=[decision.application_id])))
    assert "Payment in instalments" in own and "Paid" in own
