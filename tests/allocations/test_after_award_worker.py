"""After the award, end to end on PostgreSQL with a real worker (issue 21): one SPUK decision and one Awb decision
(the M50 and New Town fund) from their sent letters through their instalments, the payment orders and paid dates,
the accountability (the SPUK's in a SiSa file, the Awb's entered by the municipality's officer with its report),
and the settlement in three steps by three people: the SPUK in full, the Awb lower on a ground of Awb 4:46 with a
reclaim. At every step awarded = paid + still due; at the end settled + reclaimed = paid.

The worker makes and sends what is a task here: the award letters and the mail. The people's steps go through
the pages and the API, each on its day of the story (``worker_story.on``).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from allocations.accountability.models import Source, Statement
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource
from allocations.runs.models import AllocationRun, Decision
from allocations.settlements.models import Settlement, SettlementStatus
from applications.models import Application, Call, Scheme, Status, Theme
from tests.allocations.final_runs import Planned, letter_run, write_run
from tests.allocations.worker_story import (
    api,
    body,
    delivered,
    letters_of,
    ok,
    on,
    page,
    printed,
    send_award_letters,
)
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import AdministratorFactory, OfficerFactory, ReviewerFactory

pytestmark = pytest.mark.worker

SENT_ON = datetime.date(2027, 3, 15)  # a Monday: the letters' date and the day they are sent
FIRST_PAY_DATE = datetime.date(2027, 4, 12)  # four weeks after the letter: the 2027 instalments
SECOND_PAY_DATE = datetime.date(2028, 2, 15)  # the 2028 instalments
LATER_SENT_ON = datetime.date(2029, 3, 15)  # the fund's next call: the same town's later grant (a Thursday)
SETTLE_ON = datetime.date(2029, 9, 3)  # after the spending period 2027–2028 and both final accounts
AWARD = Decimal("120001.00")  # rank 1 of ``letter_run``: € 60.000,50 for 2027 and for 2028
AWB_SETTLED = Decimal("110000.50")
AWB_RECLAIM = AWARD - AWB_SETTLED
RECLAIM_NUMBER = "VORD-2029-0042"


# --- The story's money, checked at every step ---------------------------------------------------------------
def money(decision: Decision) -> dict[str, Decimal]:
    """The decision's instalments by state, as the payments overview adds them up."""
    sums = {state: Decimal("0.00") for state in InstalmentStatus.values}
    for row in Instalment.objects.filter(decision=decision).values("status").annotate(total=Sum("amount")):
        sums[row["status"]] = row["total"]
    return sums


def still_adds_up(*decisions: Decision) -> None:
    """Before settlement: awarded = paid + still due, to the cent (nothing has lapsed)."""
    for decision in decisions:
        decision.refresh_from_db()
        sums = money(decision)
        assert sums[InstalmentStatus.CANCELLED] == 0, decision.number
        still_due = sums[InstalmentStatus.DUE] + sums[InstalmentStatus.ORDERED]
        assert decision.amount == sums[InstalmentStatus.PAID] + still_due, (decision.number, sums)


def settled_adds_up(decision: Decision) -> Settlement:
    """After settlement: what was awarded is paid, still due or lapsed; and settled + reclaimed = paid."""
    settlement = Settlement.objects.get(decision=decision, status=SettlementStatus.APPROVED)
    sums = money(decision)
    still_due = sums[InstalmentStatus.DUE] + sums[InstalmentStatus.ORDERED]
    assert decision.amount == sums[InstalmentStatus.PAID] + still_due + sums[InstalmentStatus.CANCELLED]
    assert still_due == 0, "every instalment is paid, or lapsed at the settlement"
    assert settlement.settled + settlement.reclaim == sums[InstalmentStatus.PAID], (decision.number, sums)
    return settlement


# --- The world ----------------------------------------------------------------------------------------------
def awards(admin: User) -> tuple[AllocationRun, AllocationRun]:
    """Two final runs of three municipalities each (``letter_run``): rank 1 gets € 120.001,00 in full, rank 2 a
    part, rank 3 nothing. The second run is an Awb subsidy of the M50 and New Town fund."""
    spuk = letter_run(count=3, by=admin, prefix="S")
    awb = letter_run(count=3, by=admin, prefix="A")
    Scheme.objects.filter(pk=awb.call.scheme_id).update(
        kind=Scheme.Kind.SUBSIDY,
        name="Leefbaarheidsfonds M50 en New Town Alliantie",
        legal_basis="Artikel 4 van de Subsidieregeling leefbaarheidsfonds M50 en New Towns (test).",
    )
    return spuk, awb


def later_grant(earlier: Decision, *, by: User) -> AllocationRun:
    """The fund's next call (2029–2030): the same town gets another award for the same activities, € 80.000,00,
    half in each year; its letter is sent on ``LATER_SENT_ON``."""
    scheme = earlier.run.call.scheme
    themes = list(Theme.objects.filter(scheme=scheme).order_by("order"))
    now = timezone.now()
    call = Call.objects.create(
        scheme=scheme,
        code="m50-2029",
        title="Leefbaarheidsfonds M50 en New Towns 2029",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        budget=Decimal("500000.00"),
        year_from=2029,
        year_to=2030,
    )
    amount = Decimal("80000.00")
    application = Application.objects.create(
        call=call,
        municipality=earlier.application.municipality,
        reference="A29-0001",
        title="Wijkaanpak, tweede fase",
        status=Status.AWARDED,
        requested_amount=amount,
        submitted_at=now - datetime.timedelta(days=45),
        created_by=by,
        updated_by=by,
    )
    half = amount / 2
    planned = Planned(
        application=application,
        requested=amount,
        awarded=amount,
        ground={"code": "full"},
        rank=1,
        scores=(Decimal("20.0"), Decimal("5.0"), Decimal("2.0")),
        splits=[(themes[0], 2029, half, half), (themes[-1], 2030, half, half)],
        number="NPLV-2029-A-000001",
    )
    return write_run(
        call=call,
        planned=[planned],
        started_by=by,
        approved_by=by,
        decided_at=datetime.datetime(2029, 3, 1, 10, 0, tzinfo=datetime.UTC),
    )


# --- The steps ---------------------------------------------------------------------------------------------
def order_and_download(admin: User, pay_date: datetime.date, decisions: list[Decision]) -> list[dict]:
    """The administrator gives the pay date's payment order and downloads it for the financial system."""
    client = api(admin)
    with on(pay_date):
        ordered = ok(client.post("/api/v1/payment-orders/", {"pay_date": pay_date.isoformat()})).json()["ordered"]
        csv = body(ok(client.get(f"/api/v1/payment-orders/{pay_date.isoformat()}/csv/"))).decode("utf-8-sig")
    for decision in decisions:
        line = next(i for i in ordered if i["reference"].startswith(decision.number))
        assert line["status"] == "ordered"
        assert line["reference"] in csv and decision.application.municipality.cbs_code in csv
    return ordered


def import_paid_dates(admin: User, ordered: list[dict], *, paid_on: datetime.date) -> None:
    """The financial system's file of paid dates, read on the payments page the next day."""
    lines = ["reference;amount;paid_on"] + [f"{i['reference']};{i['amount']};{paid_on.isoformat()}" for i in ordered]
    upload = SimpleUploadedFile("betaald.csv", "\n".join(lines).encode(), content_type="text/csv")
    with on(paid_on + datetime.timedelta(days=1)):
        ok(page(admin).post(reverse("payments_import"), {"file": upload}), 302)
    for line in ordered:
        instalment = Instalment.objects.get(reference=line["reference"])
        assert (instalment.status, instalment.paid_on, instalment.paid_source) == (
            InstalmentStatus.PAID,
            paid_on,
            PaidSource.IMPORT,
        )


def record_paid(admin: User, decision: Decision, *, pay_date: datetime.date, paid_on: datetime.date) -> None:
    """A paid date recorded one instalment at a time, through the API."""
    instalment = Instalment.objects.get(decision=decision, due_on=pay_date)
    with on(paid_on):
        paid = ok(api(admin).post(f"/api/v1/instalments/{instalment.pk}/paid/", {"paid_on": paid_on.isoformat()}))
    assert paid.json()["status"] == "paid"


def sisa_import(admin: User, decision: Decision, year: int, *, spent: str, to_date: str, final: bool, day) -> None:
    """The SPUK's SiSa figures for ``year``, one row per indicator, imported on the import page."""
    code, number = decision.application.municipality.cbs_code, decision.number
    flag = "J" if final else "N"
    rows = [("B01", spent), ("B02", to_date), ("B03", flag), ("B04", flag)]
    lines = ["gemeente;beschikkingsnummer;jaar;indicator;waarde"] + [
        f"{code};{number};{year};{indicator};{value}" for indicator, value in rows
    ]
    upload = SimpleUploadedFile(f"sisa-{year}.csv", "\n".join(lines).encode(), content_type="text/csv")
    with on(day):
        ok(page(admin).post(reverse("accountability_import"), {"file": upload}), 302)
    statement = Statement.objects.get(decision=decision, year=year)
    assert (statement.source, statement.final) == (Source.IMPORT, final)


def officer_reports(officer: User, decision: Decision, year: int, *, spent: str, final: bool, day) -> None:
    """The officer enters the year's spending on the accountability page; the final account with its report."""
    fields = {"verantwoording-year": year, "verantwoording-spent": spent}
    if final:
        report = SimpleUploadedFile("Eindverslag.pdf", MINIMAL_PDF, content_type="application/pdf")
        fields |= {"verantwoording-final": "on", "verantwoording-finished": "on", "verantwoording-report": report}
    with on(day):
        ok(page(officer).post(reverse("accountability_decision", args=[decision.pk]), fields), 302)
    statement = Statement.objects.get(decision=decision, year=year)
    assert (statement.source, statement.final, statement.entered_by) == (Source.PORTAL, final, officer)


def settle_spuk_in_full(decision: Decision, *, assessor: User, auditor: User, coordinator: User) -> Settlement:
    """Three steps through the API: the assessor proposes, the internal auditor checks, the coordinator approves;
    the auditor may not approve what they checked."""
    with on(SETTLE_ON):
        proposal = ok(api(assessor).post(f"/api/v1/decisions/{decision.pk}/settlements/", {"sample": True}), 201)
        settlement = proposal.json()
        assert (settlement["settled"], settlement["reclaim"], settlement["spent"]) == ("120001.00", "0.00", "120001.00")
        pk = settlement["id"]
        assert api(assessor).post(f"/api/v1/settlements/{pk}/check/", {}).status_code == 403  # an assessor's role
        ok(api(auditor).post(f"/api/v1/settlements/{pk}/check/", {"reclaim_number": ""}))
        refused = api(auditor).post(f"/api/v1/settlements/{pk}/approve/")
        assert refused.status_code == 403 and "vier-ogenprincipe" in refused.json()["detail"]
        approved = ok(api(coordinator).post(f"/api/v1/settlements/{pk}/approve/")).json()
    assert (approved["status"], approved["settled_on"]) == ("approved", SETTLE_ON.isoformat())
    return Settlement.objects.get(pk=pk)


def settle_awb_lower_with_reclaim(decision: Decision, *, assessor: User, auditor: User, coordinator: User):
    """Three steps on the pages: a lower amount on ground a of Awb 4:46 lid 2, the reclaim number at the check."""
    with on(SETTLE_ON):
        proposed = page(assessor).post(
            reverse("settlement_propose", args=[decision.pk]),
            {
                "voorstel-ground": "not_performed",
                "voorstel-proposed": "110.000,50",
                "voorstel-motivation": "De buurtmanifestatie van 2028 heeft niet plaatsgevonden.",
            },
        )
        ok(proposed, 302)
        settlement = Settlement.objects.get(decision=decision)
        assert (settlement.settled, settlement.reclaim) == (AWB_SETTLED, AWB_RECLAIM)
        detail = reverse("settlement_detail", args=[settlement.pk])
        ok(page(auditor).post(f"{detail}controleren/", {"controle-reclaim_number": RECLAIM_NUMBER}), 302)
        refused = page(auditor).post(f"{detail}goedkeuren/", {"goedkeuring-agreed": "on"})
        assert refused.status_code == 403 and "vier-ogenprincipe" in refused.content.decode()
        ok(page(coordinator).post(f"{detail}goedkeuren/", {"goedkeuring-agreed": "on"}), 302)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED
    assert {settlement.proposed_by, settlement.checked_by, settlement.approved_by} == {assessor, auditor, coordinator}
    assert settlement.reclaim_due_on == SETTLE_ON + datetime.timedelta(weeks=6)
    return settlement


def settlement_letter_text(settlement: Settlement, by: User) -> str:
    with on(SETTLE_ON, 12):
        pdf = body(ok(page(by).get(reverse("settlement_letter", args=[settlement.pk]))))
    assert pdf.startswith(b"%PDF-")
    return printed(pdf)


# --- The story ---------------------------------------------------------------------------------------------
def test_a_spuk_and_an_awb_award_from_their_letters_to_their_settlement(celery_worker_process):
    worker = celery_worker_process
    admin = AdministratorFactory(email="beheer@minvro.nl")  # sends the letters and orders the payments
    auditor = AdministratorFactory(email="controle@minvro.nl")
    coordinator = AdministratorFactory(email="coordinator@minvro.nl")
    assessor = ReviewerFactory(email="beoordelaar@minvro.nl")

    spuk_run, awb_run = awards(admin)
    spuk = Decision.objects.select_related("application__municipality").get(run=spuk_run, line__rank=1)
    awb = Decision.objects.select_related("application__municipality").get(run=awb_run, line__rank=1)
    spuk_officer = OfficerFactory(municipality=spuk.application.municipality, email="financien@kansrijk.nl")
    awb_officer = OfficerFactory(municipality=awb.application.municipality, email="subsidies@m50stad.nl")
    assert spuk.amount == awb.amount == AWARD

    # 1. The letters: made by the worker with the send date, sent that day; the instalments follow the schedule.
    for run, officer in ((spuk_run, spuk_officer), (awb_run, awb_officer)):
        sent = send_award_letters(run, by=admin, send_on=SENT_ON, worker=worker)
        decision = spuk if run == spuk_run else awb
        text = printed(sent[decision.number])
        assert decision.number in text and "€ 120.001,00" in text
        delivered(worker, to=officer.email, containing=decision.number)
    assert "SiSa" in printed(letters_of(spuk_run)[spuk.number])
    for decision in (spuk, awb):
        schedule = list(Instalment.objects.filter(decision=decision).values_list("due_on", "amount"))
        assert schedule == [(FIRST_PAY_DATE, Decimal("60000.50")), (SECOND_PAY_DATE, Decimal("60000.50"))]
    still_adds_up(spuk, awb)

    # 2. The first pay date: the payment order, and the paid dates read from the financial system's file.
    ordered = order_and_download(admin, FIRST_PAY_DATE, [spuk, awb])
    still_adds_up(spuk, awb)
    import_paid_dates(admin, ordered, paid_on=FIRST_PAY_DATE + datetime.timedelta(days=1))
    still_adds_up(spuk, awb)
    assert money(spuk)[InstalmentStatus.PAID] == Decimal("60000.50")

    # 3. The second pay date: ordered, and each paid date recorded through the API.
    order_and_download(admin, SECOND_PAY_DATE, [spuk, awb])
    for decision in (spuk, awb):
        record_paid(admin, decision, pay_date=SECOND_PAY_DATE, paid_on=SECOND_PAY_DATE + datetime.timedelta(days=1))
    still_adds_up(spuk, awb)
    assert money(awb)[InstalmentStatus.PAID] == AWARD

    # 4. The accounts over 2027: the SPUK's SiSa figures by 15 July, the Awb's entered by its officer.
    sisa_import(admin, spuk, 2027, spent="40000,00", to_date="40000,00", final=False, day=datetime.date(2028, 7, 3))
    officer_reports(awb_officer, awb, 2027, spent="60.000,50", final=False, day=datetime.date(2028, 7, 3))
    still_adds_up(spuk, awb)

    # 5. The fund's next call gives the Awb town a later grant for the same activities (its letter by the worker).
    later = Decision.objects.get(run=later_grant(awb, by=admin))
    send_award_letters(later.run, by=admin, send_on=LATER_SENT_ON, worker=worker)
    still_adds_up(spuk, awb, later)

    # 6. The final accounts over 2028: the SPUK spent its award in full (carrying 2027's rest over), the Awb less.
    sisa_import(admin, spuk, 2028, spent="80001,00", to_date="120001,00", final=True, day=datetime.date(2029, 7, 2))
    officer_reports(awb_officer, awb, 2028, spent="50.000,00", final=True, day=datetime.date(2029, 7, 2))
    still_adds_up(spuk, awb, later)

    # 7. Settlement, three people each: the SPUK in full, the Awb lower with a reclaim.
    spuk_settlement = settle_spuk_in_full(spuk, assessor=assessor, auditor=auditor, coordinator=coordinator)
    awb_settlement = settle_awb_lower_with_reclaim(awb, assessor=assessor, auditor=auditor, coordinator=coordinator)
    assert settled_adds_up(spuk) == spuk_settlement and spuk_settlement.settled == AWARD
    assert settled_adds_up(awb) == awb_settlement and awb_settlement.reclaim == AWB_RECLAIM
    still_adds_up(later)  # another grant of the same town is not touched by this settlement

    # 8. Their letters.
    text = settlement_letter_text(spuk_settlement, admin)
    assert "Vaststelling" in text and spuk.number in text
    assert "€ 120.001,00 (honderdtwintigduizend een euro)" in text and "terugvorder" not in text
    text = settlement_letter_text(awb_settlement, admin)
    assert "Vaststelling en terugvordering" in text and "4:46, tweede lid" in text
    assert "€ 110.000,50 (honderdtienduizend euro en vijftig cent)" in text
    assert "€ 10.000,50 (tienduizend euro en vijftig cent)" in text
    assert RECLAIM_NUMBER in text and awb.number in text and "4:57" in text
    assert "15 oktober 2029" in text  # the reclaim is paid within six weeks
    assert "allocations.letters.tasks.render_letter" in worker.output()
