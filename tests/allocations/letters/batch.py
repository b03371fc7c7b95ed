"""A final allocation run with decisions of every kind, built directly in the database for letter tests.

Imported by the letter tests, the fault test and the batch benchmark: one run, ``count`` municipalities,
each with one reviewed application, a line, its splits per theme and year, and a decision. ``prepare`` makes
its letters the way an administrator does, dated ``SEND_ON``, on that day (``SEND_DAY``), and ``on_send_day``
sets the clock to that day for pages, which read the clock themselves.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.models import Municipality, Role, User
from allocations.runs.models import AllocationLine, AllocationRun, Decision, LineSplit, Method, Outcome, RunStatus
from applications.models import Application, Call, Scheme, Status, Theme

_codes = itertools.count(8000)  # CBS codes unique across runs in one test
DECIDED_AT = datetime.datetime(2027, 3, 12, 10, 0, tzinfo=datetime.UTC)  # a Friday
# The letters are sent on the Monday after: their date, and the day the objection term counts from.
SEND_ON = datetime.date(2027, 3, 15)
SEND_DAY = datetime.datetime(2027, 3, 15, 9, 0, tzinfo=datetime.UTC)  # 10:00 in Amsterdam


def prepare(run: AllocationRun, *, send_on: datetime.date = SEND_ON, by: User | None = None, now=SEND_DAY):
    """Prepare the run's letters with ``send_on`` as an administrator does (tasks queue after commit)."""
    from allocations.letters import batches

    return batches.prepare_letters(run=run, send_on=send_on, by=by or run.approved_by, now=now)


def on_send_day(moment: datetime.datetime = SEND_DAY):
    """The clock at ``moment`` (it keeps ticking), for code that reads it: pages, services called without
    ``now``. Use as a context manager."""
    return time_machine.travel(moment, tick=True)


def make_run(*, count: int = 3, by: User | None = None, municipalities=None, prefix: str = "T") -> AllocationRun:
    """Rank i gets: the first third full awards, the next a partial one, the rest refusals (money ran out);
    the last one, when there are five or more, is ineligible."""
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
    run = AllocationRun.objects.create(
        call=call,
        number=1,
        status=RunStatus.FINAL,
        method=Method.RANKED,
        started_by=by,
        approved_by=by,
        approved_at=DECIDED_AT,
        total_budget=Decimal("1000000.00"),
    )
    if municipalities is None:
        municipalities = [
            Municipality.objects.create(
                cbs_code=f"GM{next(_codes) % 10_000:04d}",
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
    for rank, municipality in enumerate(municipalities, start=1):
        requested = Decimal("120000.00") + rank
        eligible = not (len(municipalities) >= 5 and rank == len(municipalities))
        # The ground as a run stores it (plan.py); the ineligible line has none, as lines of older runs.
        if rank <= full:
            outcome, awarded, reason = Outcome.AWARDED, requested, "full"
            ground = {"code": "full"}
        elif rank == full + 1:
            outcome, awarded, reason = Outcome.PARTIALLY_AWARDED, Decimal("50000.01"), "partial"
            ground = {"code": "partial", "pot": "algemeen", "left": 5_000_001, "wanted": int(requested * 100)}
        else:
            outcome, awarded, reason = Outcome.REJECTED, Decimal(0), "budget_exhausted" if eligible else "ineligible"
            ground = {"code": "budget_exhausted", "pot": "algemeen", "cutoff_rank": full + 1} if eligible else {}
        application = Application.objects.create(
            call=call,
            municipality=municipality,
            reference=f"{prefix}27-{rank:04d}",
            title=f"Wijkaanpak {municipality.name}",
            status=outcome,  # the decision is written; the letter moves it on to "letter sent"
            requested_amount=requested,
            submitted_at=DECIDED_AT - datetime.timedelta(days=90),
            created_by=by,
            updated_by=by,
        )
        line = AllocationLine.objects.create(
            run=run,
            application=application,
            rank=rank if eligible else None,
            included=True,
            requested=requested,
            ceiling=requested,
            awarded=awarded,
            reason=reason,
            ground=ground,
            eligible=eligible,
            reviewer_score=Decimal("20.0"),
            need_score=Decimal("5.0"),
            bonus_score=Decimal("2.0"),
            total_points=Decimal("27.0"),
            breakdown=[
                {"kind": "criterion", "label": "Kwaliteit van het plan", "points": "12.0"},
                {"kind": "criterion", "label": "Draagvlak", "points": "8.0"},
                {"kind": "bonus", "label": "Lid van M50", "points": "2.0"},
            ],
        )
        if awarded:
            # Split over 2 themes x 2 years to the cent: the last cell takes the remainder.
            cents = int(awarded * 100)
            parts = [cents // 4] * 3 + [cents - 3 * (cents // 4)]
            cells = [(theme, year) for theme in themes for year in (2027, 2028)]
            for (theme, year), part in zip(cells, parts, strict=True):
                LineSplit.objects.create(
                    line=line, theme=theme, year=year, requested=requested / 4, awarded=Decimal(part) / 100
                )
        Decision.objects.create(
            application=application,
            run=run,
            line=line,
            number=f"NPLV-2027-{prefix}-{rank:06d}",
            outcome=outcome,
            amount=awarded,
            reason="" if eligible else "De gemeente is geen lid van een netwerk dat mag aanvragen.",
            decided_at=DECIDED_AT,
            decided_by=by,
        )
    return run


assert Status.AWARDED == Outcome.AWARDED  # the decision's outcome is the application's status
