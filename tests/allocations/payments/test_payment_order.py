"""The payment order of a pay date: ordered first (a confirmed step), then downloaded as CSV or XLSX by an
administrator only, audited; it lists per instalment the reference to quote, the decision number, the CBS code
and municipality, the amount and the due date, adding up to what was ordered; a municipality's name that
looks like a formula stays text."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Municipality
from allocations.payments.models import Instalment, InstalmentStatus
from tests.allocations.payments.sent import sent_run

pytestmark = pytest.mark.django_db

FIRST_PAY_DATE = datetime.date(2027, 4, 12)


@pytest.fixture
def run(administrator):
    hostile = Municipality.objects.create(
        cbs_code="GM9001",
        name='=HYPERLINK("http://evil.example","klik")',
        province="Utrecht",
        inhabitants=40_000,
        inhabitants_year=2024,
        postal_address="Postbus 1",
        postal_code="3500 AA",
        postal_city="Briefstad",
    )
    others = [
        Municipality.objects.create(
            cbs_code=f"GM900{i}", name=f"Betaalgemeente {i}", province="Utrecht", inhabitants=1, inhabitants_year=2024
        )
        for i in (2, 3)
    ]
    return sent_run(by=administrator, municipalities=[hostile, *others])


def _download(client, fmt: str, day=FIRST_PAY_DATE):
    return client.get(reverse("payments_order_download", args=[day.isoformat(), fmt]))


def _order(client, day=FIRST_PAY_DATE):
    url = reverse("payments_order", args=[day.isoformat()])
    summary = client.get(url)
    assert summary.status_code == 200 and "Betaalopdracht geven" in summary.content.decode()
    return client.post(url, {"bevestigd": "ja"})


def test_nothing_to_download_before_the_order_then_the_order_lists_every_instalment_of_the_day(
    run, administrator, administrator_client
):
    early = _download(administrator_client, "csv")
    assert early.status_code == 302
    assert not AuditEvent.objects.filter(verb="payment_order.exported").exists()
    unconfirmed = administrator_client.post(reverse("payments_order", args=[FIRST_PAY_DATE.isoformat()]))
    assert unconfirmed.status_code == 302
    assert not Instalment.objects.filter(status=InstalmentStatus.ORDERED).exists()  # not confirmed: nothing
    assert _order(administrator_client).status_code == 302
    ordered = Instalment.objects.filter(due_on=FIRST_PAY_DATE)
    assert set(ordered.values_list("status", flat=True)) == {InstalmentStatus.ORDERED}

    response = _download(administrator_client, "csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('filename="betaalopdracht-2027-04-12.csv"')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "Betalingskenmerk",
        "Beschikkingsnummer",
        "CBS-code",
        "Gemeente",
        "Bedrag",
        "Uiterste betaaldatum",
    ]
    expected = {(i.reference, i.decision.number, f"{i.amount:.2f}") for i in ordered}
    assert {(row[0], row[1], row[4]) for row in rows[1:]} == expected
    hostile = next(row for row in rows[1:] if row[2] == "GM9001")
    assert hostile[3].startswith("'=HYPERLINK")  # inert in a spreadsheet
    assert {row[5] for row in rows[1:]} == {"2027-04-12"}
    assert sum(Decimal(row[4]) for row in rows[1:]) == sum(i.amount for i in ordered)
    event = AuditEvent.objects.get(verb="payment_order.exported")
    assert event.actor == administrator and event.data["pay_date"] == "2027-04-12" and event.data["format"] == "csv"
    assert event.data["lines"] == len(expected) and event.data["total"] == f"{sum(i.amount for i in ordered):.2f}"


def test_the_xlsx_order_holds_numbers_dates_and_safe_text(run, administrator_client, tmp_path):
    _order(administrator_client)
    response = _download(administrator_client, "xlsx")
    assert response.status_code == 200
    path = tmp_path / "order.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    book = openpyxl.load_workbook(path)
    sheet = book["Betaalopdracht"]
    rows = list(sheet.iter_rows(values_only=True))
    lines = [row for row in rows[1:] if row[0] and str(row[0]).startswith("NPLV-")]
    ordered = Instalment.objects.filter(due_on=FIRST_PAY_DATE)
    assert len(lines) == ordered.count()
    assert {round(Decimal(str(row[4])), 2) for row in lines} == {i.amount for i in ordered}
    assert all(row[5].date() == FIRST_PAY_DATE for row in lines)
    assert any(str(row[3]).startswith("'=HYPERLINK") for row in lines)
    assert all(sheet.cell(row=r, column=4).data_type == "s" for r in range(2, len(lines) + 2))


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_only_administrators_order_and_download(run, administrator_client, role, request):
    _order(administrator_client)
    client = Client()
    client.force_login(request.getfixturevalue(role))
    assert _download(client, "csv").status_code == 403
    assert client.post(reverse("payments_order", args=["2028-02-15"]), {"bevestigd": "ja"}).status_code == 403
    assert not AuditEvent.objects.filter(verb="payment_order.exported").exists()
    assert not Instalment.objects.filter(due_on=datetime.date(2028, 2, 15), status="ordered").exists()


def test_unknown_formats_and_dates_are_not_found(run, administrator_client):
    _order(administrator_client)
    assert _download(administrator_client, "json").status_code == 404
    assert administrator_client.get("/beheer/betalingen/2027-13-01/opdracht/csv/").status_code == 404
    assert administrator_client.get("/beheer/betalingen/2030-01-01/").status_code == 404
