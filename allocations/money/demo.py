"""Demo calls after the award, one in each phase, so that the payments, accountability, settlement and money
pages have something true to show (``seed_demo`` only):

- *instalments due*: a fund's call whose letters went out three months ago, the first instalments paid;
- *figures in*: a SPUK call in its last spending year, last year's figures in (a SiSa import and one
  municipality's own entry);
- *settled with a reclaim*: a SPUK call whose period has ended, its final accounts in, one decision settled
  below what was paid (proposed, checked with a reclaim number and approved by three different people);
- *report overdue*: an Awb subsidy whose report was due on 15 July and never came (the staff board's overdue).

Every step goes through the services, with the clock of the day it happened on (``now=``), so the data obeys
every rule: the call is published before it opens, divided after it closes by one administrator and approved
by another, its letters prepared and sent on a working day (``objections.demo.sent_run``), the instalments
made by sending, ordered and paid on their due dates. Dates are relative to today. Idempotent: a call that
exists is left alone, and each call is made in one transaction.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality, User
from allocations.accountability import services as accountability
from allocations.letters.deadlines import next_working_day
from allocations.objections.demo import sent_run
from allocations.payments import services as payments
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.runs.demo import _applications, _assessment, _call, _publish
from allocations.runs.models import AllocationRun, Decision
from allocations.settlements import services as settlements
from applications.models import Call, Scheme

DOMAIN = "demo.nplv.example"
RECLAIM_NUMBER = "VORD-DEMO-0001"
SUBSIDY_CODE = "leefbaarheidssubsidie-demo"


@dataclass(frozen=True)
class People:
    """Who does what: two administrators (four eyes), a reviewer as the settlement's assessor."""

    first: User  # starts runs, sends letters, orders payments, checks a settlement (internal auditor)
    second: User  # approves runs and settlements (coordinator)
    assessor: User  # proposes a settlement
    reviewers: list[User]


@dataclass(frozen=True)
class Phase:
    code: str
    prefix: str  # of the decision numbers
    title: str
    scheme: Scheme
    year_from: int
    year_to: int
    sent_on: datetime.date  # the working day the letters are dated and sent
    entries: list[tuple[str, Decimal]]  # (CBS code, requested)


def _people() -> People:
    def user(name: str) -> User:
        return User.objects.get(email=f"{name}@{DOMAIN}")

    reviewers = [user("beoordelaar1"), user("beoordelaar2")]
    return People(first=user("beheerder1"), second=user("beheerder2"), assessor=reviewers[0], reviewers=reviewers)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    """``hour`` o'clock in Amsterdam on ``day``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _subsidy_scheme() -> Scheme:
    scheme, _created = Scheme.objects.get_or_create(
        code=SUBSIDY_CODE,
        defaults={
            "name": "Subsidieregeling leefbaarheid (demo)",
            "kind": Scheme.Kind.SUBSIDY,
            "legal_basis": "Subsidieregeling leefbaarheid (demoregeling), artikelen 2 tot en met 9, en titel 4.2 van "
            "de Algemene wet bestuursrecht.",
            "description": "Een Awb-subsidie: vaststelling na een inhoudelijk en financieel verslag.",
        },
    )
    for order, name in enumerate(["Wijkaanpak", "Ontmoeting"], start=1):
        scheme.themes.get_or_create(name=name, defaults={"order": order})
    return scheme


def phases(today: datetime.date) -> list[Phase]:
    """The four calls, dated from ``today``."""
    year = today.year
    fund = Scheme.objects.get(code="leefbaarheidsfonds-m50-2027")
    spuk = Scheme.objects.get(code="spuk-kansrijke-wijk-2026-2028")
    recent = next_working_day(today - datetime.timedelta(days=90))
    return [
        Phase(
            "demo-betalingen",
            "DEMOBET",
            "Leefbaarheidsfonds – termijnen lopen (demo)",
            fund,
            recent.year,
            recent.year + 1,
            recent,
            [("GM0356", Decimal("400000")), ("GM0794", Decimal("300000")), ("GM0400", Decimal("250000"))],
        ),
        Phase(
            "demo-verantwoording",
            "DEMOVER",
            "SPUK Kansrijke Wijk – verantwoording loopt (demo)",
            spuk,
            year - 1,
            year,
            next_working_day(datetime.date(year - 1, 3, 2)),
            [("GM0363", Decimal("900000")), ("GM0356", Decimal("600000")), ("GM0794", Decimal("500000"))],
        ),
        Phase(
            "demo-vaststelling",
            "DEMOVST",
            "SPUK Kansrijke Wijk – vaststelling (demo)",
            spuk,
            year - 3,
            year - 2,
            next_working_day(datetime.date(year - 3, 3, 2)),
            [("GM0363", Decimal("800000")), ("GM0400", Decimal("400000"))],
        ),
        Phase(
            "demo-verslag-te-laat",
            "DEMOVSL",
            "Subsidie leefbaarheid – verslag te laat (demo)",
            _subsidy_scheme(),
            year - 3,
            year - 2,
            next_working_day(datetime.date(year - 3, 3, 3)),
            [("GM0794", Decimal("200000"))],
        ),
    ]


# --- From call to sent letters ---------------------------------------------------------------------------------
def _open_call(phase: Phase, people: People) -> Call | None:
    """The call, published and with its reviewed applications; None when it exists already."""
    closes = phase.sent_on - datetime.timedelta(days=60)
    opens = closes - datetime.timedelta(days=60)
    call, fresh = _call(
        phase.code,
        phase.scheme,
        title=phase.title,
        budget=sum((requested for _code, requested in phase.entries), Decimal(0)) * 2,
        year_from=phase.year_from,
        year_to=phase.year_to,
        prefix=phase.prefix,
        opens_at=_at(opens, 9),
        closes_at=_at(closes, 17),
        description="Demo: het geld na de toekenning.",
    )
    if not fresh:
        return None
    _assessment(call)
    _publish(call, by=people.first, policy={"values": {"method": "ranked"}, "pots": [], "reservations": []})
    municipalities = {m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=[c for c, _r in phase.entries])}
    entries = [(municipalities[code], "", requested) for code, requested in phase.entries]
    _applications(call, entries, by=people.first, reviewers=people.reviewers)
    return call


def _pay_due(decisions: list[Decision], people: People, *, until: datetime.date, first_only: bool = False) -> None:
    """Order and pay, on its due date, every instalment due by ``until`` (only the first of each decision when
    ``first_only``, so that some stay due)."""
    due = Instalment.objects.filter(decision__in=decisions, status=InstalmentStatus.DUE, due_on__lte=until)
    if first_only:
        due = due.filter(sequence=1)
    for pay_date in sorted(set(due.values_list("due_on", flat=True))):
        for instalment in payments.order_payments(pay_date=pay_date, by=people.first, now=_at(pay_date, 9)):
            payments.record_paid(instalment=instalment, paid_on=pay_date, by=people.first, now=_at(pay_date, 16))


def _awards(run: AllocationRun) -> dict[str, Decision]:
    """The run's sent awards by CBS code."""
    decisions = Decision.objects.filter(run=run, amount__gt=0).select_related("application__municipality", "line")
    return {decision.application.municipality.cbs_code: decision for decision in decisions}


# --- What follows in each phase --------------------------------------------------------------------------------
def _officer(cbs_code: str) -> User:
    return User.objects.get(role="officer", municipality__cbs_code=cbs_code, email__endswith=f"@{DOMAIN}")


def _share(decision: Decision, percent: int) -> Decimal:
    return (decision.amount * percent / 100).quantize(Decimal("0.01"))


def _figures_in(awards: dict[str, Decision], year: int, people: People) -> None:
    """Last year's figures: Amsterdam enters its own, the others come in a SiSa file."""
    own = awards["GM0363"]
    accountability.record_statement(
        decision=own, year=year, spent=_share(own, 30), final=False, finished=False, by=_officer("GM0363")
    )
    lines = ["gemeente;beschikkingsnummer;jaar;indicator;waarde"]
    for code in ("GM0356", "GM0794"):
        decision, spent = awards[code], str(_share(awards[code], 25)).replace(".", ",")
        lines += [f"{code};{decision.number};{year};{indicator};{spent}" for indicator in ("B01", "B02")]
        lines += [f"{code};{decision.number};{year};B03;N", f"{code};{decision.number};{year};B04;N"]
    content = ("\n".join(lines) + "\n").encode()
    accountability.import_statements(content=content, file_name="sisa-demo.csv", by=people.first)


def _final_accounts(awards: dict[str, Decision], phase: Phase) -> None:
    """Each municipality's two years, the second its final account: Amsterdam spent 80% of its award, Den Helder
    all of it."""
    for code, percent in (("GM0363", 80), ("GM0400", 100)):
        decision, officer = awards[code], _officer(code)
        total = _share(decision, percent)
        first = (total / 2).quantize(Decimal("0.01"))
        accountability.record_statement(
            decision=decision, year=phase.year_from, spent=first, final=False, finished=False, by=officer
        )
        accountability.record_statement(
            decision=decision, year=phase.year_to, spent=total - first, final=True, finished=True, by=officer
        )


def _settle_with_reclaim(decision: Decision, people: People) -> None:
    """Proposed by the assessor, checked with the reclaim number by the internal auditor, approved by the
    coordinator: three people."""
    settlement = settlements.propose_settlement(decision=decision, by=people.assessor)
    settlement = settlements.check_settlement(settlement=settlement, by=people.first, reclaim_number=RECLAIM_NUMBER)
    settlements.approve_settlement(settlement=settlement, by=people.second)


def _follow_up(phase: Phase, run: AllocationRun, people: People, today: datetime.date) -> None:
    awards = _awards(run)
    _pay_due(list(awards.values()), people, until=today, first_only=phase.code == "demo-betalingen")
    if phase.code == "demo-verantwoording":
        _figures_in(awards, phase.year_from, people)
    elif phase.code == "demo-vaststelling":
        _final_accounts(awards, phase)
        _settle_with_reclaim(awards["GM0363"], people)
    # "demo-betalingen": instalments due; "demo-verslag-te-laat": nothing came, the report is overdue.


def seed_after_award(today: datetime.date | None = None) -> list[Call]:
    """Make the calls of ``phases`` that do not exist yet; returns those made."""
    today = today or timezone.localdate()
    people = _people()
    made = []
    for phase in phases(today):
        with transaction.atomic():
            call = _open_call(phase, people)
            if call is None:
                continue
            run = sent_run(call, sent_on=phase.sent_on, starter=people.first, approver=people.second)
            _follow_up(phase, run, people, today)
            made.append(call)
    return made
