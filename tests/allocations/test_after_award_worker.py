"""After the award, end to end on PostgreSQL with a real worker (issue 21): one SPUK decision and one Awb decision
(the M50 and New Town fund) from their sent letters through their instalments, the payment orders and paid dates,
the accountability (the SPUK's in a SiSa file, the Awb's entered by the municipality's officer with its report),
and the settlement in three steps by three people: the SPUK in full, proposed by a settlement batch the worker
runs; the Awb lower on a ground of Awb 4:46 with a reclaim, set off against the same town's later grant. Their
letters are made by the worker, sent and frozen. At every step awarded = paid + still due; at the end settled +
reclaimed = paid (and, for the later grant, awarded = paid + still due + set off).

The worker does what is a task here: the award letters, the settlement batch, the settlement letters and the mail.
The people's steps go through the pages and the API, each on its day of the story (``worker_story.on``). The
worker keeps the real clock, by which a settlement is ready (its spending period over) and dated, so the story
starts three years ago and the settlement is today.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from allocations.accountability.models import Source, Statement
from allocations.letters.deadlines import instalment_due, local_today, objection_last_day
from allocations.payments import selectors as payments_overview
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource
from allocations.runs.models import AllocationRun, Decision, outcome_for
from allocations.settlements.models import (
    SetOff,
    Settlement,
    SettlementBatch,
    SettlementDocument,
    SettlementStatus,
)
from allocations.settlements.rules import reclaim_due
from applications.models import Application, Call, Scheme, Theme
from tests.allocations.final_runs import Planned, cents, write_run
from tests.allocations.worker_story import (
    api,
    body,
    delivered,
    letters_of,
    long_date,
    moment,
    ok,
    on,
    page,
    printed,
    send_award_letters,
    working_day_until,
)
from tests.applications.conftest import MINIMAL_PDF
from tests.factories import AdministratorFactory, MunicipalityFactory, OfficerFactory, ReviewerFactory
from tests.worker import wait_for

pytestmark = pytest.mark.worker

AWARD = Decimal("120001.00")  # rank 1: € 60.000,50 for each year of the spending period
AWB_SETTLED = Decimal("110000.50")
AWB_RECLAIM = AWARD - AWB_SETTLED  # € 10.000,50
LATER_INSTALMENT = Decimal("8000.00")  # each year's instalment of the Awb town's later grant
AWB_TO_PAY = AWB_RECLAIM - LATER_INSTALMENT  # what the set-off against one of them leaves to pay back
RECLAIM_NUMBER = "VORD-0042"


@dataclass(frozen=True)
class Days:
    """The story's days: a spending period of two years that began three years ago, and today."""

    year: int  # the first year of the spending period
    sent_on: datetime.date  # the award letters' date and the day they are sent
    first_pay: datetime.date  # the first year's instalments are due
    second_pay: datetime.date
    first_accounts: datetime.date  # the SiSa figures and the report over the first year
    final_accounts: datetime.date
    later_sent_on: datetime.date  # the fund's next call: the Awb town's later grant
    today: datetime.date  # the settlement

    @classmethod
    def of_today(cls) -> Days:
        today = local_today()
        year = today.year - 3
        sent_on = working_day_until(datetime.date(year, 3, 15))
        return cls(
            year=year,
            sent_on=sent_on,
            first_pay=instalment_due(sent_on, year),
            second_pay=instalment_due(sent_on, year + 1),
            first_accounts=datetime.date(year + 1, 7, 3),
            final_accounts=datetime.date(year + 2, 7, 3),
            later_sent_on=working_day_until(datetime.date(year + 2, 9, 15)),
            today=today,
        )


# --- The story's money, checked at every step ---------------------------------------------------------------
def money(decision: Decision) -> dict[str, Decimal]:
    """The decision's instalments by state, as the payments overview adds them up."""
    sums = {state: Decimal("0.00") for state in InstalmentStatus.values}
    for row in Instalment.objects.filter(decision=decision).values("status").annotate(total=Sum("amount")):
        sums[row["status"]] = row["total"]
    return sums


def still_adds_up(*decisions: Decision) -> None:
    """Before settlement: awarded = paid + still due, to the cent (nothing has lapsed), for each decision and for
    each call in the payments overview."""
    for decision in decisions:
        decision.refresh_from_db()
        sums = money(decision)
        assert sums[InstalmentStatus.CANCELLED] == 0, decision.number
        still_due = sums[InstalmentStatus.DUE] + sums[InstalmentStatus.ORDERED]
        assert decision.amount == sums[InstalmentStatus.PAID] + still_due, (decision.number, sums)
    for call in payments_overview.per_call():
        assert call.decided == call.sums.paid + call.sums.still_due, (call.code, call)


def settled_adds_up(decision: Decision) -> Settlement:
    """After settlement: what was awarded is paid, still due or lapsed; and settled + reclaimed = paid."""
    settlement = Settlement.objects.get(decision=decision, status=SettlementStatus.APPROVED)
    sums = money(decision)
    still_due = sums[InstalmentStatus.DUE] + sums[InstalmentStatus.ORDERED]
    assert decision.amount == sums[InstalmentStatus.PAID] + still_due + sums[InstalmentStatus.CANCELLED]
    assert still_due == 0, "every instalment is paid, or lapsed at the settlement"
    assert settlement.settled + settlement.reclaim == sums[InstalmentStatus.PAID], (decision.number, sums)
    return settlement


def set_off_adds_up(decision: Decision, set_off: Decimal) -> None:
    """The later grant after the set-off: awarded = paid + still due + set off, to the cent. The instalment set off
    lapsed; what would be left of it becomes a new instalment due on the same day."""
    decision.refresh_from_db()
    sums = money(decision)
    still_due = sums[InstalmentStatus.DUE] + sums[InstalmentStatus.ORDERED]
    assert decision.amount == sums[InstalmentStatus.PAID] + still_due + set_off, (decision.number, sums)


def overview_adds_up(admin: User, *decisions: Decision) -> None:
    """The money overview (API) says the same of each decision: it adds up, with the same figures."""
    for decision in decisions:
        row = ok(api(admin).get(f"/api/v1/money/decisions/{decision.pk}/")).json()
        assert row["adds_up"], row
        sums, figures = money(decision), row["figures"]
        assert Decimal(figures["paid"]) == sums[InstalmentStatus.PAID], row
        settlement = Settlement.objects.filter(decision=decision, status=SettlementStatus.APPROVED).first()
        if settlement is not None:
            assert (Decimal(figures["settled"]), Decimal(figures["reclaimed"])) == (
                settlement.settled,
                settlement.reclaim,
            ), row


# --- The world ----------------------------------------------------------------------------------------------
def fund(*, code: str, name: str, kind: str, legal_basis: str) -> tuple[Scheme, list[Theme]]:
    scheme = Scheme.objects.create(code=code, name=name, kind=kind, legal_basis=legal_basis)
    themes = [Theme.objects.create(scheme=scheme, name=n, order=i) for i, n in enumerate(("Veiligheid", "Onderwijs"))]
    return scheme, themes


def town(name: str):
    return MunicipalityFactory(
        name=name, postal_address="Postbus 100", postal_code="3500 AA", postal_city=name, inhabitants=45_000
    )


def final_run(scheme: Scheme, themes: list[Theme], *, prefix: str, years: tuple[int, int], towns, by: User):
    """A call of ``scheme`` over ``years``, decided on 1 March of the first year (``final_runs.write_run``): the
    first town gets € 120.001,00 in full, the second € 50.000,01 of its request, the third nothing (the money ran
    out). Each award is split over the two themes and the two years, a quarter each, to the cent."""
    first, last = years
    opened = moment(datetime.date(first - 1, 9, 1))
    call = Call.objects.create(
        scheme=scheme,
        code=f"{scheme.code}-{first}",
        title=f"{scheme.name}, ronde {first}",
        opens_at=opened,
        closes_at=opened + datetime.timedelta(days=60),
        budget=Decimal("1000000.00"),
        year_from=first,
        year_to=last,
    )
    planned = []
    for rank, municipality in enumerate(towns, start=1):
        requested = AWARD if rank == 1 else Decimal("120000.00") + rank
        if rank == 1:
            awarded, ground = requested, {"code": "full"}
        elif rank == 2:
            awarded = Decimal("50000.01")
            ground = {"code": "partial", "pot": "algemeen", "left": cents(awarded), "wanted": cents(requested)}
        else:
            awarded, ground = Decimal(0), {"code": "budget_exhausted", "pot": "algemeen", "cutoff_rank": 2}
        application = Application.objects.create(
            call=call,
            municipality=municipality,
            reference=f"{prefix}{first % 100}-{rank:04d}",
            title=f"Wijkaanpak {municipality.name}",
            status=outcome_for(awarded=awarded, requested=requested),
            requested_amount=requested,
            submitted_at=opened + datetime.timedelta(days=30),
            created_by=by,
            updated_by=by,
        )
        quarter = cents(awarded) // 4
        parts = [quarter, quarter, quarter, cents(awarded) - 3 * quarter]
        cells = [(theme, year) for theme in themes for year in years]
        planned.append(
            Planned(
                application=application,
                requested=requested,
                awarded=awarded,
                ground=ground,
                rank=rank,
                pot="algemeen",
                scores=(Decimal("20.0"), Decimal("5.0"), Decimal("2.0")),
                splits=[
                    (theme, year, requested / 4, Decimal(part) / 100)
                    for (theme, year), part in zip(cells, parts, strict=True)
                ]
                if awarded
                else [],
                number=f"NPLV-{first}-{prefix}-{rank:06d}",
            )
        )
    decided = moment(datetime.date(first, 3, 1))
    return write_run(call=call, planned=planned, started_by=by, approved_by=by, decided_at=decided)


def later_grant(scheme: Scheme, themes: list[Theme], earlier: Decision, days: Days, *, by: User) -> AllocationRun:
    """The fund's next call: the Awb town gets another award for the same activities, € 16.000,00, half in each
    of the next year and the one after (its instalments are still to come when the first award is settled)."""
    first, last = days.year + 4, days.year + 5
    opened = moment(datetime.date(days.year + 1, 9, 1))
    call = Call.objects.create(
        scheme=scheme,
        code=f"{scheme.code}-{first}",
        title=f"{scheme.name}, ronde {first}",
        opens_at=opened,
        closes_at=opened + datetime.timedelta(days=60),
        budget=Decimal("500000.00"),
        year_from=first,
        year_to=last,
    )
    amount, half = 2 * LATER_INSTALMENT, LATER_INSTALMENT
    application = Application.objects.create(
        call=call,
        municipality=earlier.application.municipality,
        reference=f"A{first % 100}-0001",
        title="Wijkaanpak, tweede fase",
        status=outcome_for(awarded=amount, requested=amount),
        requested_amount=amount,
        submitted_at=opened + datetime.timedelta(days=30),
        created_by=by,
        updated_by=by,
    )
    planned = Planned(
        application=application,
        requested=amount,
        awarded=amount,
        ground={"code": "full"},
        rank=1,
        pot="algemeen",
        scores=(Decimal("20.0"), Decimal("5.0"), Decimal("2.0")),
        splits=[(themes[0], first, half, half), (themes[-1], last, half, half)],
        number=f"NPLV-{first}-A-000001",
    )
    decided = moment(days.later_sent_on - datetime.timedelta(days=14))
    return write_run(call=call, planned=[planned], started_by=by, approved_by=by, decided_at=decided)


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


def settle_spuk_by_batch(decision: Decision, *, assessor: User, auditor: User, coordinator: User, worker):
    """The assessor starts the call's settlement batch on its page; the worker proposes the settlement of every
    ready decision from the stored figures (progress to done), and the batch verifies. The internal auditor checks
    and the coordinator approves through the API; the auditor may not approve what they checked."""
    call = decision.run.call
    ok(page(assessor).post(reverse("settlement_batch_start", args=[call.pk]), {"batch-sample_percent": "100"}), 302)
    batch = SettlementBatch.objects.get(call=call)
    url = f"/api/v1/settlement-batches/{batch.pk}/"
    wait_for(
        lambda: api(assessor).get(url).json()["status"] == "finished",
        timeout=90,
        worker=worker,
        what="the worker to run the settlement batch",
    )
    done = api(assessor).get(url).json()
    assert (done["progress"]["percent"], done["progress"]["done"], done["progress"]["failed"]) == (100, 1, 0), done
    assert ok(api(auditor).post(f"{url}verify/")).json()["ok"]
    settlement = Settlement.objects.get(decision=decision)
    assert (settlement.proposed_by, settlement.settled, settlement.reclaim) == (assessor, AWARD, 0)
    assert settlement.sample  # the batch's sample of 100 % takes it for an in-depth check
    pk = settlement.pk
    assert api(assessor).post(f"/api/v1/settlements/{pk}/check/", {}).status_code == 403  # an assessor's role
    ok(api(auditor).post(f"/api/v1/settlements/{pk}/check/", {"reclaim_number": ""}))
    refused = api(auditor).post(f"/api/v1/settlements/{pk}/approve/")
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.json()["detail"]
    approved = ok(api(coordinator).post(f"/api/v1/settlements/{pk}/approve/")).json()
    assert (approved["status"], approved["settled_on"]) == ("approved", local_today().isoformat())
    return Settlement.objects.get(pk=pk)


def settle_awb_lower_with_reclaim(
    decision: Decision, later: Decision, *, assessor: User, auditor: User, coordinator: User
) -> Settlement:
    """Three steps on the pages: a lower amount on ground a of Awb 4:46 lid 2, the reclaim set off against the
    first open instalment of the town's later grant (Awb 4:57), the reclaim number at the check."""
    first_open = Instalment.objects.filter(decision=later, status=InstalmentStatus.DUE).order_by("due_on").first()
    proposed = page(assessor).post(
        reverse("settlement_propose", args=[decision.pk]),
        {
            "voorstel-ground": "not_performed",
            "voorstel-proposed": "110.000,50",
            "voorstel-motivation": "De buurtmanifestatie van het laatste jaar heeft niet plaatsgevonden.",
            "voorstel-set_off": [first_open.pk],
        },
    )
    ok(proposed, 302)
    settlement = Settlement.objects.get(decision=decision)
    assert (settlement.settled, settlement.reclaim, settlement.set_off) == (AWB_SETTLED, AWB_RECLAIM, LATER_INSTALMENT)
    detail = reverse("settlement_detail", args=[settlement.pk])
    # The check form shows the set-off chosen, ticked: the auditor keeps it and adds the reclaim number.
    form = ok(page(auditor).get(detail)).content.decode()
    assert re.search(rf'name="controle-set_off" value="{first_open.pk}"[^>]*checked', form), "ticked"
    checked = {"controle-reclaim_number": RECLAIM_NUMBER, "controle-set_off": [first_open.pk]}
    ok(page(auditor).post(f"{detail}controleren/", checked), 302)
    refused = page(auditor).post(f"{detail}goedkeuren/", {"goedkeuring-agreed": "on"})
    assert refused.status_code == 403 and "vier-ogenprincipe" in refused.content.decode()
    ok(page(coordinator).post(f"{detail}goedkeuren/", {"goedkeuring-agreed": "on"}), 302)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED
    assert {settlement.proposed_by, settlement.checked_by, settlement.approved_by} == {assessor, auditor, coordinator}
    set_off = SetOff.objects.get(settlement=settlement)
    assert (set_off.instalment, set_off.amount, set_off.applied_at is not None) == (first_open, first_open.amount, True)
    assert set_off.remainder is None  # the whole instalment is set off: it lapses, nothing of it is left to pay
    return settlement


def settlement_letter_sent(settlement: Settlement, *, by: User, officer: User, worker) -> str:
    """The worker makes the approved settlement's letter, dated today; the administrator sends it (confirmed), the
    worker e-mails the officer, the letter is frozen, and the officer downloads it. Returns its printed text."""
    wait_for(
        lambda: SettlementDocument.objects.filter(settlement=settlement).exists(),
        timeout=90,
        worker=worker,
        what=f"the worker to make the letter of {settlement.reference}",
    )
    made = SettlementDocument.objects.get(settlement=settlement)
    assert made.letter_date == local_today() and made.sent_at is None
    send = reverse("settlement_letter_send", args=[settlement.pk])
    ok(page(by).post(send, {"bevestigd": "ja"}), 302)
    document = SettlementDocument.objects.get(settlement=settlement, sent_at__isnull=False)
    assert document.pk == made.pk, "the letter the worker made is the one sent"
    assert page(by).post(send, {"bevestigd": "ja"}).status_code == 409  # sent once, then frozen
    delivered(worker, to=officer.email, containing=f"Vaststelling van beschikking {settlement.decision.number}")
    pdf = body(ok(page(officer).get(reverse("settlement_document_download", args=[document.pk]))))
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == document.sha256
    return printed(pdf)


# --- The story ---------------------------------------------------------------------------------------------
def test_a_spuk_and_an_awb_award_from_their_letters_to_their_settlement(celery_worker_process):
    worker = celery_worker_process
    days = Days.of_today()
    admin = AdministratorFactory(email="beheer@minvro.nl")  # sends the letters and orders the payments
    auditor = AdministratorFactory(email="controle@minvro.nl")
    coordinator = AdministratorFactory(email="coordinator@minvro.nl")
    assessor = ReviewerFactory(email="beoordelaar@minvro.nl")

    period = (days.year, days.year + 1)
    spuk_fund = fund(
        code="spuk-kw",
        name=f"SPUK Kansrijke Wijk {days.year}–{days.year + 1}",
        kind=Scheme.Kind.SPECIFIC_GRANT,
        legal_basis="Artikel 17 van de Financiële-verhoudingswet en artikel 4 van de Regeling (test).",
    )
    awb_fund = fund(
        code="m50-nt",
        name="Leefbaarheidsfonds M50 en New Town Alliantie",
        kind=Scheme.Kind.SUBSIDY,
        legal_basis="Artikel 4 van de Subsidieregeling leefbaarheidsfonds M50 en New Towns (test).",
    )
    spuk_towns = [town("Kansrijkstad"), town("Wijkerveen"), town("Buurthoven")]
    awb_towns = [town("Middenstad"), town("Groeikern"), town("Nieuwland")]
    spuk_run = final_run(*spuk_fund, prefix="S", years=period, towns=spuk_towns, by=admin)
    awb_run = final_run(*awb_fund, prefix="A", years=period, towns=awb_towns, by=admin)
    spuk = Decision.objects.select_related("application__municipality").get(run=spuk_run, line__rank=1)
    awb = Decision.objects.select_related("application__municipality").get(run=awb_run, line__rank=1)
    spuk_officer = OfficerFactory(municipality=spuk_towns[0], email="financien@kansrijkstad.nl")
    awb_officer = OfficerFactory(municipality=awb_towns[0], email="subsidies@middenstad.nl")

    # 1. The letters: made by the worker with the send date, sent that day; the instalments follow the schedule.
    for run, decision, officer in ((spuk_run, spuk, spuk_officer), (awb_run, awb, awb_officer)):
        sent = send_award_letters(run, by=admin, send_on=days.sent_on, worker=worker)
        text = printed(sent[decision.number])
        assert decision.number in text and "€ 120.001,00" in text and long_date(days.sent_on) in text
        delivered(worker, to=officer.email, containing=decision.number)
    assert "SiSa" in printed(letters_of(spuk_run)[spuk.number])
    for decision in (spuk, awb):
        schedule = list(Instalment.objects.filter(decision=decision).values_list("due_on", "amount"))
        assert schedule == [(days.first_pay, Decimal("60000.50")), (days.second_pay, Decimal("60000.50"))]
    still_adds_up(spuk, awb)

    # 2. The first pay date: the payment order, and the paid dates read from the financial system's file.
    ordered = order_and_download(admin, days.first_pay, [spuk, awb])
    still_adds_up(spuk, awb)
    import_paid_dates(admin, ordered, paid_on=days.first_pay + datetime.timedelta(days=1))
    still_adds_up(spuk, awb)
    assert money(spuk)[InstalmentStatus.PAID] == Decimal("60000.50")

    # 3. The second pay date: ordered, and each paid date recorded through the API.
    order_and_download(admin, days.second_pay, [spuk, awb])
    for decision in (spuk, awb):
        record_paid(admin, decision, pay_date=days.second_pay, paid_on=days.second_pay + datetime.timedelta(days=1))
    still_adds_up(spuk, awb)
    assert money(awb)[InstalmentStatus.PAID] == AWARD

    # 4. The accounts over the first year: the SPUK's SiSa figures by 15 July, the Awb's entered by its officer.
    sisa_import(admin, spuk, days.year, spent="40000,00", to_date="40000,00", final=False, day=days.first_accounts)
    officer_reports(awb_officer, awb, days.year, spent="60.000,50", final=False, day=days.first_accounts)
    still_adds_up(spuk, awb)

    # 5. The final accounts: the SPUK spent its award in full (carrying the first year's rest over), the Awb less.
    last = days.year + 1
    sisa_import(admin, spuk, last, spent="80001,00", to_date="120001,00", final=True, day=days.final_accounts)
    officer_reports(awb_officer, awb, last, spent="50.000,00", final=True, day=days.final_accounts)
    still_adds_up(spuk, awb)

    # 6. The fund's next call gives the Awb town a later grant for the same activities (its letter by the worker).
    later = Decision.objects.get(run=later_grant(*awb_fund, awb, days, by=admin))
    send_award_letters(later.run, by=admin, send_on=days.later_sent_on, worker=worker)
    still_adds_up(spuk, awb, later)
    overview_adds_up(admin, spuk, awb, later)

    # 7. Settlement today, three people each: the SPUK in full by the batch, the Awb lower with a reclaim set off.
    spuk_settlement = settle_spuk_by_batch(
        spuk, assessor=assessor, auditor=auditor, coordinator=coordinator, worker=worker
    )
    awb_settlement = settle_awb_lower_with_reclaim(
        awb, later, assessor=assessor, auditor=auditor, coordinator=coordinator
    )
    assert settled_adds_up(spuk) == spuk_settlement and spuk_settlement.settled == AWARD
    assert settled_adds_up(awb) == awb_settlement and awb_settlement.reclaim == AWB_RECLAIM
    assert (awb_settlement.set_off, awb_settlement.reclaim_to_pay) == (LATER_INSTALMENT, AWB_TO_PAY)
    set_off_adds_up(later, LATER_INSTALMENT)
    overview_adds_up(admin, spuk, awb, later)

    # 8. Their letters: made by the worker, dated today, sent and frozen, read by the municipality.
    text = settlement_letter_sent(spuk_settlement, by=admin, officer=spuk_officer, worker=worker)
    assert "Vaststelling" in text and spuk.number in text and long_date(days.today) in text
    assert "€ 120.001,00 (honderdtwintigduizend een euro)" in text and "terugvorder" not in text
    assert long_date(objection_last_day(days.today)) in text  # the objection clause
    text = settlement_letter_sent(awb_settlement, by=admin, officer=awb_officer, worker=worker)
    assert "Vaststelling en terugvordering" in text and "4:46, tweede lid" in text
    assert "€ 110.000,50 (honderdtienduizend euro en vijftig cent)" in text
    assert RECLAIM_NUMBER in text and awb.number in text and "4:57" in text
    assert "€ 10.000,50" in text  # paid too much: set off in part, the rest paid back within six weeks
    assert "Verrekening" in text and later.number in text and "€ 8.000,00" in text and "deze termijn vervalt" in text
    assert "€ 2.000,50 (tweeduizend euro en vijftig cent)" in text
    assert long_date(reclaim_due(days.today)) in text
    assert Settlement.objects.get(pk=awb_settlement.pk).reclaim_due_on == reclaim_due(days.today)
    assert long_date(objection_last_day(days.today)) in text
    assert "allocations.letters.tasks.render_letter" in worker.output()
    assert "allocations.settlements.tasks.settle_decision" in worker.output()
    assert "allocations.settlements.tasks.make_settlement_letter" in worker.output()
