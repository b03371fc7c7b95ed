"""Paid dates: recorded by an administrator on the pay date's page (errors beside the field), or imported
from the financial system's CSV, all or nothing: a malformed row, an unknown reference, an amount that is not
the instalment's (and the other problems) are each reported with their line, and a file with any bad row
records nothing. Reading the same file twice changes nothing."""

import datetime
import html

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent
from allocations.payments import imports, services
from allocations.payments.models import Instalment, InstalmentStatus
from tests.allocations.letters.batch import SEND_DAY
from tests.allocations.payments.sent import sent_run

pytestmark = pytest.mark.django_db

FIRST_PAY_DATE = datetime.date(2027, 4, 12)
LATER = datetime.datetime(2027, 5, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def run(administrator):
    run = sent_run(by=administrator, count=3)
    services.order_payments(pay_date=FIRST_PAY_DATE, by=administrator, now=SEND_DAY)
    return run


@pytest.fixture
def ordered():
    return list(Instalment.objects.filter(status=InstalmentStatus.ORDERED).order_by("reference"))


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_a_good_file_records_every_paid_date_and_reading_it_again_changes_nothing(run, administrator, ordered):
    assert len(ordered) == 2
    content = _csv(
        "reference;decision_number;amount;paid_on",
        *(f"{i.reference};{i.decision.number};{str(i.amount).replace('.', ',')};10-04-2027" for i in ordered),
    )
    assert imports.import_paid_dates(source=content, name="bank.csv", by=administrator, now=LATER) == 2
    for instalment in ordered:
        instalment.refresh_from_db()
        assert (instalment.status, instalment.paid_on, instalment.paid_source) == (
            "paid",
            datetime.date(2027, 4, 10),
            "import",
        )
    event = AuditEvent.objects.get(verb="payments.imported")
    assert (event.data["recorded"], event.data["unchanged"], event.data["file"]) == (2, 0, "bank.csv")
    assert AuditEvent.objects.filter(verb="instalment.paid").count() == 2
    assert imports.import_paid_dates(source=content, name="bank.csv", by=administrator, now=LATER) == 0
    assert AuditEvent.objects.filter(verb="instalment.paid").count() == 2


def test_one_bad_row_refuses_the_whole_file_with_an_error_per_row(run, administrator, ordered):
    good, other = ordered
    due, due_too = Instalment.objects.filter(status=InstalmentStatus.DUE).order_by("reference")[:2]
    content = _csv(
        "reference,amount,paid_on",
        f"{good.reference},{good.amount},2027-04-10",  # fine on its own
        f"{other.reference},{other.amount}",  # malformed: a column short
        "NPLV-ONBEKEND-T1,100.00,2027-04-10",
        f"{other.reference},{other.amount + 1},2027-04-10",
        f"{due.reference},veel,2027-04-10",
        f"{due_too.reference},{due_too.amount},2027-04-10",
        f"{good.reference},{good.amount},2027-04-11",
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_paid_dates(source=content, by=administrator, now=LATER)
    wrong = f"{other.amount + 1:.2f}"
    assert refused.value.errors == [
        "Regel 3: 2 kolommen in plaats van 3, zoals de kopregel.",
        "Regel 4: onbekend betalingskenmerk NPLV-ONBEKEND-T1.",
        f"Regel 5: bedrag {wrong} is niet het bedrag van termijn {other.reference} ({other.amount:.2f}).",
        "Regel 6: bedrag 'veel' is geen bedrag (schrijf bijvoorbeeld 1234.56 of 1234,56).",
        f"Regel 7: voor termijn {due_too.reference} is geen betaalopdracht gegeven (status: Te betalen).",
        f"Regel 8: betalingskenmerk {good.reference} stond al op regel 2.",
    ]
    assert not Instalment.objects.filter(status=InstalmentStatus.PAID).exists()  # not even the good row
    assert not AuditEvent.objects.filter(verb__in=["payments.imported", "instalment.paid"]).exists()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "Het bestand is leeg."),
        (b"kenmerk,bedrag\nX,1\n", "Kolommen ontbreken: paid_on"),
        (b"reference,amount,paid_on\n", "Het bestand bevat geen betalingen."),
        ("reference,amount,paid_on\nX,1,2027-04-10\n".encode("utf-16"), "geen UTF-8-tekst"),
    ],
)
def test_an_unreadable_file_is_refused_with_what_is_wrong(run, administrator, content, says):
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_paid_dates(source=content, by=administrator, now=LATER)
    assert says in refused.value.errors[0]


def test_a_date_in_the_future_or_before_the_letter_is_refused(run, administrator, ordered):
    first, second = ordered
    content = _csv(
        "reference,amount,paid_on",
        f"{first.reference},{first.amount},2027-05-02",
        f"{second.reference},{second.amount},2027-03-14",
        f"{second.reference[:-1]}9,1,31-02-2027",
    )
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_paid_dates(source=content, by=administrator, now=LATER)
    assert refused.value.errors[0] == "Regel 2: 2 mei 2027 ligt in de toekomst. Een betaling is al gedaan."
    assert refused.value.errors[1] == (
        "Regel 3: 14 maart 2027 ligt vóór de verzending van de beschikking (15 maart 2027)."
    )
    assert refused.value.errors[2].startswith("Regel 4: onbekend betalingskenmerk")


def test_the_import_page_shows_every_error_and_records_nothing(run, administrator, ordered):
    with time_machine.travel(LATER, tick=True):
        administrator_client = Client()
        administrator_client.force_login(administrator)
        _import_page(administrator_client, ordered)


def _import_page(administrator_client, ordered):
    first = ordered[0]
    bad = _csv("reference,amount,paid_on", f"{first.reference},{first.amount},2027-04-10", "ONBEKEND,1,2027-04-10")
    response = administrator_client.post(
        reverse("payments_import"), {"file": SimpleUploadedFile("bank.csv", bad, content_type="text/csv")}
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "Het bestand is niet ingelezen: 1 fout, zie de lijst hieronder. Er is niets vastgelegd." in page
    assert "<title>Fout: " in page and "data-error-summary" in page
    assert "Regel 3: onbekend betalingskenmerk ONBEKEND." in page
    assert not Instalment.objects.filter(status=InstalmentStatus.PAID).exists()
    good = _csv("reference,amount,paid_on", f"{first.reference},{first.amount},{datetime.date.today().isoformat()}")
    response = administrator_client.post(
        reverse("payments_import"), {"file": SimpleUploadedFile("bank.csv", good, content_type="text/csv")}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == InstalmentStatus.PAID


@pytest.mark.parametrize("role", ["officer", "reviewer"])
def test_only_an_administrator_imports(run, role, request, ordered):
    client = Client()
    client.force_login(request.getfixturevalue(role))
    first = ordered[0]
    good = _csv("reference,amount,paid_on", f"{first.reference},{first.amount},2027-04-10")
    response = client.post(reverse("payments_import"), {"file": SimpleUploadedFile("bank.csv", good)})
    assert response.status_code == 403
    assert not Instalment.objects.filter(status=InstalmentStatus.PAID).exists()


# --- On the page ----------------------------------------------------------------------------------------------
def test_a_paid_date_on_the_page_with_its_errors_beside_the_field(run, administrator, ordered):
    with time_machine.travel(LATER, tick=True):
        administrator_client = Client()
        administrator_client.force_login(administrator)
        _paid_on_the_page(administrator_client, ordered)


def _paid_on_the_page(administrator_client, ordered):
    first = ordered[0]
    page_url = reverse("payments_pay_date", args=[FIRST_PAY_DATE.isoformat()])
    page = html.unescape(administrator_client.get(page_url).content.decode())
    assert f'action="{reverse("instalment_paid", args=[first.pk])}"' in page
    field = f"betaald-{first.pk}-paid_on"
    bad = administrator_client.post(reverse("instalment_paid", args=[first.pk]), {field: "31-02-2027"})
    assert bad.status_code == 400
    bad_page = html.unescape(bad.content.decode())
    assert "Vul een datum in als dd-mm-jjjj, bijvoorbeeld 15-04-2027." in bad_page
    assert "<title>Fout: " in bad_page and f'href="#id_{field}"' in bad_page  # the summary links to the field
    future = (datetime.date.today() + datetime.timedelta(days=3)).strftime("%d-%m-%Y")
    refused = administrator_client.post(reverse("instalment_paid", args=[first.pk]), {field: future})
    assert refused.status_code == 400 and "ligt in de toekomst" in html.unescape(refused.content.decode())
    first.refresh_from_db()
    assert first.status == InstalmentStatus.ORDERED
    today = datetime.date.today()
    done = administrator_client.post(reverse("instalment_paid", args=[first.pk]), {field: today.strftime("%d-%m-%Y")})
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.paid_on, first.paid_source) == ("paid", today, "page")
    again = administrator_client.post(reverse("instalment_paid", args=[first.pk]), {field: today.strftime("%d-%m-%Y")})
    assert again.status_code == 409


def test_cancelling_on_the_page_needs_a_reason(run, administrator_client, ordered):
    first = ordered[0]
    field = f"vervallen-{first.pk}-reason"
    bad = administrator_client.post(reverse("instalment_cancel", args=[first.pk]), {field: ""})
    assert bad.status_code == 400 and "Geef de reden waarom deze termijn vervalt." in bad.content.decode()
    done = administrator_client.post(reverse("instalment_cancel", args=[first.pk]), {field: "Herzien besluit"})
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.status == InstalmentStatus.CANCELLED
