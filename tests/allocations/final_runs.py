"""The one builder of an allocation run for the money tests: the rows an approval leaves behind.

``write_run`` writes what ``runs.services.approve_run`` writes, directly, so a test of a letter, an export
or a page needs no policy, snapshot or worker: the run (made final last, as a final run's columns never
change afterwards), one line per planned application with its ground, its splits per theme and year, and a
decision whose outcome follows from the award (``outcome_for``). The run's totals are added up from its
lines. Every line's reason is a code the portal knows and agrees with its ground, so no test reads a line
that no run could produce.

The shapes the tests use are built on it:
- ``letter_run``: a small run of its own scheme and municipalities, split over two themes and two years, for
  the letter tests (full awards, one partial, refusals, an ineligible line of an older run);
- ``export_run``: a run with odd cents, networks, a reserve, a hostile title and letters, for the exports;
- ``run_of_plan``: the lines a ``plan.PlannedLine`` list gives, without decisions.

The service-built run (``tests/allocations/runs/test_runs_final.py``) is the test of approval itself.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Municipality, Role, User
from allocations.letters.models import Letter
from allocations.runs import reasons
from allocations.runs.models import AllocationLine, AllocationRun, Decision, LineSplit, Method, RunStatus, outcome_for
from applications.models import Application, Call, Scheme, Status, Theme
from tests.factories import free_cbs_code

# A line of a run from before grounds were stored: its reason without a ground. Letters and pages must still
# say something true about it (the code's name).
WITHOUT_GROUND: Mapping[str, Any] = {}


def cents(amount: Decimal) -> int:
    return int(amount * 100)


@dataclass(frozen=True)
class Planned:
    """One application's line as the plan gave it, and its decision (``number=None``: none written)."""

    application: Application
    requested: Decimal
    awarded: Decimal
    ground: Mapping[str, Any]
    rank: int | None
    reason: str = ""  # the ground's code unless the ground is WITHOUT_GROUND
    eligible: bool = True
    pot: str = ""
    scores: tuple[Decimal, Decimal, Decimal] = (Decimal(0), Decimal(0), Decimal(0))  # reviewer, need, bonus
    total_points: Decimal | None = None  # the scores added up unless given
    ceiling: Decimal | None = None  # the most the line could get: its request unless given
    breakdown: Sequence[Mapping[str, str]] = ()
    # (theme, year, requested, awarded) per cell; the awarded parts add up to the award
    splits: Sequence[tuple[Theme, int, Decimal, Decimal]] = ()
    number: str | None = None
    refusal: str = ""  # the decision's own motivation, where the ground does not give it

    @property
    def code(self) -> str:
        code = self.ground.get("code") or self.reason
        assert code in reasons.REASONS, f"no run gives the reason {code!r}"
        assert not self.reason or self.reason == code, "a line's reason is its ground's code"
        return code


def write_run(
    *,
    call: Call,
    planned: Sequence[Planned],
    started_by: User,
    approved_by: User | None,
    decided_at: datetime.datetime,
    policy: Mapping[str, Any] | None = None,
    total_budget: Decimal | None = None,
    status: str = RunStatus.FINAL,
    method: str = Method.RANKED,
    input_hash: str = "ab" * 32,
) -> AllocationRun:
    """The run of ``call`` over ``planned``, with decisions when it is final (status written last)."""
    final = status == RunStatus.FINAL
    run = AllocationRun.objects.create(
        call=call,
        number=AllocationRun.objects.filter(call=call).count() + 1,
        status=RunStatus.DRAFT,  # its lines and totals are written first: a final run never changes
        method=method,
        parameters={"policy": dict(policy)} if policy is not None else {},
        total_budget=call.budget if total_budget is None else total_budget,
        started_by=started_by,
        approved_by=approved_by if final else None,
        approved_at=decided_at if final else None,
        input_hash=input_hash,
    )
    for plan in planned:
        assert plan.awarded <= plan.requested
        assert not plan.splits or sum(cell[3] for cell in plan.splits) == plan.awarded, "splits add up to the award"
        line = AllocationLine.objects.create(
            run=run,
            application=plan.application,
            rank=plan.rank,
            included=True,
            pot=plan.pot,
            requested=plan.requested,
            ceiling=plan.requested if plan.ceiling is None else plan.ceiling,
            awarded=plan.awarded,
            reason=plan.code,
            ground=dict(plan.ground),
            eligible=plan.eligible,
            reviewer_score=plan.scores[0],
            need_score=plan.scores[1],
            bonus_score=plan.scores[2],
            total_points=sum(plan.scores, Decimal(0)) if plan.total_points is None else plan.total_points,
            breakdown=list(plan.breakdown),
        )
        LineSplit.objects.bulk_create(
            LineSplit(line=line, theme=theme, year=year, requested=requested, awarded=awarded)
            for theme, year, requested, awarded in plan.splits
        )
        if final and plan.number is not None:
            Decision.objects.create(
                application=plan.application,
                run=run,
                line=line,
                number=plan.number,
                outcome=outcome_for(awarded=plan.awarded, requested=plan.requested),
                amount=plan.awarded,
                reason=plan.refusal,
                decided_at=decided_at,
                decided_by=approved_by,
            )
    run.total_requested = sum((plan.requested for plan in planned), Decimal(0))
    run.total_awarded = sum((plan.awarded for plan in planned), Decimal(0))
    run.total_unspent = run.total_budget - run.total_awarded
    run.funded_count = sum(1 for plan in planned if plan.awarded)
    run.status = status
    run.save()
    return run


# ---- letter_run: a small run of its own scheme and municipalities --------------------------------------

_codes = itertools.count()  # CBS codes unique across runs in one test (free_cbs_code skips those in use)
LETTER_DECIDED_AT = datetime.datetime(2027, 3, 12, 10, 0, tzinfo=datetime.UTC)  # a Friday
LETTER_BREAKDOWN = (
    {"kind": "criterion", "label": "Kwaliteit van het plan", "points": "12.0"},
    {"kind": "criterion", "label": "Draagvlak", "points": "8.0"},
    {"kind": "bonus", "label": "Lid van M50", "points": "2.0"},
)
INELIGIBLE = "De gemeente is geen lid van een netwerk dat mag aanvragen."


def letter_run(*, count: int = 3, by: User | None = None, municipalities=None, prefix: str = "T") -> AllocationRun:
    """Rank i gets: the first third full awards, the next a partial one, the rest refusals (money ran out);
    the last one, when there are five or more, is ineligible, on a line of an older run (without a ground),
    with the decision's own motivation."""
    by = by or User.objects.filter(role=Role.ADMINISTRATOR).first()
    if by is None:
        by = User.objects.create_user(email=f"beheer-{prefix.lower()}@example.nl", role=Role.ADMINISTRATOR)
    scheme = Scheme.objects.create(
        code=f"spuk-{prefix.lower()}",
        name="SPUK Kansrijke Wijk 2027–2029",
        legal_basis="Artikel 17 van de Financiële-verhoudingswet en artikel 4 van de Regeling (test).",
    )
    themes = [
        Theme.objects.create(scheme=scheme, name=name, order=i) for i, name in enumerate(("Veiligheid", "Onderwijs"))
    ]
    now = timezone.now()
    call = Call.objects.create(
        scheme=scheme,
        code=f"kw-{prefix.lower()}",
        title="Aanvraagronde Kansrijke Wijk 2027",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
        budget=Decimal("1000000.00"),
        year_from=2027,
        year_to=2028,
    )
    if municipalities is None:
        municipalities = [
            Municipality.objects.create(
                cbs_code=free_cbs_code(next(_codes), first=8000),
                name=f"Briefgemeente {i}",
                province="Utrecht",
                inhabitants=40_000,
                inhabitants_year=2024,
                postal_address=f"Postbus {100 + i}",
                postal_code="3500 AA",
                postal_city=f"Briefstad {i}",
            )
            for i in range(count)
        ]
    full = max(1, len(municipalities) // 3)
    cells = [(theme, year) for theme in themes for year in (2027, 2028)]
    planned = []
    for rank, municipality in enumerate(municipalities, start=1):
        requested = Decimal("120000.00") + rank
        eligible = not (len(municipalities) >= 5 and rank == len(municipalities))
        if rank <= full:
            awarded, ground = requested, {"code": "full"}
        elif rank == full + 1:
            awarded = Decimal("50000.01")
            ground = {"code": "partial", "pot": "algemeen", "left": 5_000_001, "wanted": cents(requested)}
        elif eligible:
            awarded, ground = Decimal(0), {"code": "budget_exhausted", "pot": "algemeen", "cutoff_rank": full + 1}
        else:
            awarded, ground = Decimal(0), WITHOUT_GROUND
        application = Application.objects.create(
            call=call,
            municipality=municipality,
            reference=f"{prefix}27-{rank:04d}",
            title=f"Wijkaanpak {municipality.name}",
            # the decision is written; the letter moves it on to "letter sent"
            status=outcome_for(awarded=awarded, requested=requested),
            requested_amount=requested,
            submitted_at=LETTER_DECIDED_AT - datetime.timedelta(days=90),
            created_by=by,
            updated_by=by,
        )
        # Split over 2 themes x 2 years to the cent: the last cell takes the remainder.
        parts = [cents(awarded) // 4] * 3 + [cents(awarded) - 3 * (cents(awarded) // 4)]
        planned.append(
            Planned(
                application=application,
                requested=requested,
                awarded=awarded,
                ground=ground,
                reason="" if eligible else "ineligible",
                rank=rank if eligible else None,
                eligible=eligible,
                scores=(Decimal("20.0"), Decimal("5.0"), Decimal("2.0")),
                breakdown=LETTER_BREAKDOWN,
                splits=[
                    (theme, year, requested / 4, Decimal(part) / 100)
                    for (theme, year), part in zip(cells, parts, strict=True)
                ]
                if awarded
                else [],
                number=f"NPLV-2027-{prefix}-{rank:06d}",
                refusal="" if eligible else INELIGIBLE,
            )
        )
    return write_run(
        call=call, planned=planned, started_by=by, approved_by=by, decided_at=LETTER_DECIDED_AT, method=Method.RANKED
    )


# ---- export_run: odd cents, networks, a reserve, a hostile title and letters -----------------------------

EXPORT_DECIDED_AT = datetime.datetime(2026, 11, 2, 9, 30, tzinfo=datetime.UTC)
CORRECTED_LETTER_DATE = datetime.date(2026, 11, 4)  # the corrected letter is dated (and to be sent) two days later
RESERVE = Decimal("10000.00")
HOSTILE_TITLE = '=HYPERLINK("http://evil.example","klik")'


def export_run(*, lines=4, call=None, status=RunStatus.FINAL, hostile=True, letters=True, reserve=RESERVE):
    """A run over ``lines`` applications: ranked, the last ones rejected, amounts with odd cents.

    The call's published ceiling is its budget; ``reserve`` is kept out, so the run divides the rest (as a
    run stores it: ``parameters["policy"]`` and ``total_budget``). Each line has its ground, as the plan
    gives it: the first in full, the second what was left, the others nothing after the money ran out. The
    first decision's letter was corrected once: version 2 is the current one."""
    from tests.factories import AdministratorFactory, ApplicationFactory, CallFactory, MembershipFactory, NetworkFactory

    call = call or CallFactory(budget=Decimal("1000000.00"))
    admin, approver = AdministratorFactory(), AdministratorFactory()
    m50 = NetworkFactory(code="M50", name="M50")
    nplv = NetworkFactory(code="NPLV", name="NPLV")
    number = AllocationRun.objects.filter(call=call).count() + 1
    planned = []
    for i in range(lines):
        application = ApplicationFactory(
            call=call,
            title=HOSTILE_TITLE if hostile and i == 0 else f"Wijkplan {i}",
            requested_amount=Decimal("250000.33") + i,
            status=Status.LETTER_SENT if i < 2 else Status.REJECTED,
            area_name="Centrale As" if i == 0 else "",
            created_by=admin,  # one user for all: hashing a password per application is slow
        )
        MembershipFactory(municipality=application.municipality, network=m50)
        if i % 2 == 0:
            MembershipFactory(municipality=application.municipality, network=nplv, area_name=f"Wijk {i}")
        requested = application.requested_amount
        awarded = requested if i == 0 else Decimal("123456.78") if i == 1 else Decimal(0)
        if i == 0:
            ground = {"code": "full"}
        elif i == 1:
            ground = {"code": "partial", "pot": "M50", "left": cents(awarded), "wanted": cents(requested)}
        else:
            ground = {"code": "budget_exhausted", "pot": "M50", "cutoff_rank": 2}
        planned.append(
            Planned(
                application=application,
                requested=requested,
                awarded=awarded,
                ground=ground,
                rank=i + 1,
                pot="M50",
                scores=(Decimal("40.5") - i, Decimal("20.25"), Decimal("5")),
                number=f"NPLV-{call.pk}.{number}-{i + 1:05d}",
            )
        )
    run = write_run(
        call=call,
        planned=planned,
        started_by=admin,
        approved_by=approver,
        decided_at=EXPORT_DECIDED_AT,
        policy={
            "budget": cents(call.budget),
            "reserve": cents(reserve),
            "ceiling": cents(call.budget - reserve),
            "method": "ranked",
        },
        total_budget=call.budget - reserve,
        status=status,
    )
    if letters and status == RunStatus.FINAL:
        for decision in Decision.objects.filter(run=run).order_by("line__rank"):
            first = decision.line.rank == 1
            _letter(decision, 1, f"letter {decision.number}".encode(), superseded=first)
            if first:
                _letter(decision, 2, b"corrected", letter_date=CORRECTED_LETTER_DATE)
    return run


def _letter(decision, version, content, *, superseded=False, letter_date=None) -> Letter:
    return Letter.objects.create(
        decision=decision,
        version=version,
        file=ContentFile(content, name="brief.pdf"),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        amount=decision.amount,
        letter_date=letter_date or timezone.localdate(EXPORT_DECIDED_AT),
        superseded_at=timezone.now() if superseded else None,
    )


# ---- run_of_plan: the lines a plan gives -----------------------------------------------------------------


def run_of_plan(planned_lines, *, reserve=RESERVE, title=None) -> AllocationRun:
    """A final run whose lines are ``planned_lines`` (``plan.PlannedLine``s: their amounts and grounds as the
    plan gave them), one application each, without decisions; ``title`` for every application if given."""
    from tests.factories import AdministratorFactory, ApplicationFactory, CallFactory

    total = sum(line.ceiling for line in planned_lines) + cents(reserve)
    call = CallFactory(budget=Decimal(total) / 100)
    admin = AdministratorFactory()
    planned = [
        Planned(
            application=ApplicationFactory(
                call=call,
                title=title or f"Plan {line.reference}",
                requested_amount=Decimal(line.requested) / 100,
                status=Status.AWARDED if line.awarded else Status.REJECTED,
                created_by=admin,
            ),
            requested=Decimal(line.requested) / 100,
            awarded=Decimal(line.awarded) / 100,
            ground=line.ground,
            reason=line.reason,
            rank=rank,
            pot=line.pot,
            ceiling=Decimal(line.ceiling) / 100,
            total_points=Decimal("60.00"),
        )
        for rank, line in enumerate(planned_lines, start=1)
    ]
    return write_run(
        call=call,
        planned=planned,
        started_by=admin,
        approved_by=AdministratorFactory(),
        decided_at=EXPORT_DECIDED_AT,
        policy={"budget": total, "reserve": cents(reserve), "ceiling": total - cents(reserve)},
        total_budget=Decimal(total) / 100 - reserve,
        input_hash="cd" * 32,
    )
