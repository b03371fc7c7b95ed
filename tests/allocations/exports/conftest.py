"""A final allocation run with lines, decisions and letters, built directly (the run services are elsewhere)."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from allocations.letters.models import Letter
from allocations.runs.models import AllocationLine, AllocationRun, Decision, Outcome, RunStatus
from applications.models import Status
from tests.factories import AdministratorFactory, ApplicationFactory, CallFactory, MembershipFactory, NetworkFactory

DECIDED_AT = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
CORRECTED_LETTER_DATE = dt.date(2026, 11, 4)  # the corrected letter is dated (and to be sent) two days later


RESERVE = Decimal("10000.00")


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def build_final_run(*, lines=4, call=None, status=RunStatus.FINAL, hostile=True, letters=True, reserve=RESERVE):
    """A run over ``lines`` applications: ranked, the last ones rejected, amounts with odd cents.

    The call's published ceiling is its budget; ``reserve`` is kept out, so the run divides the rest (as a
    run stores it: ``parameters["policy"]`` and ``total_budget``). Each line has its ground, as the plan
    gives it: the first in full, the second what was left, the others nothing after the money ran out."""
    call = call or CallFactory(budget=Decimal("1000000.00"))
    admin, approver = AdministratorFactory(), AdministratorFactory()
    m50 = NetworkFactory(code="M50", name="M50")
    nplv = NetworkFactory(code="NPLV", name="NPLV")
    run = AllocationRun.objects.create(
        call=call,
        number=AllocationRun.objects.filter(call=call).count() + 1,
        status=RunStatus.DRAFT,  # its totals are written below, and a final run never changes
        method="ranked",
        parameters={
            "policy": {
                "budget": cents(call.budget),
                "reserve": cents(reserve),
                "ceiling": cents(call.budget - reserve),
                "method": "ranked",
            }
        },
        total_budget=call.budget - reserve,
        started_by=admin,
        approved_by=approver if status == RunStatus.FINAL else None,
        approved_at=DECIDED_AT if status == RunStatus.FINAL else None,
        input_hash="ab" * 32,
    )
    requested_total = awarded_total = Decimal(0)
    for i in range(lines):
        application = ApplicationFactory(
            call=call,
            title='=HYPERLINK("http://evil.example","klik")' if hostile and i == 0 else f"Wijkplan {i}",
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
        line = AllocationLine.objects.create(
            run=run,
            application=application,
            rank=i + 1,
            pot="M50",
            requested=requested,
            ceiling=requested,
            awarded=awarded,
            reason=ground["code"],
            ground=ground,
            reviewer_score=Decimal("40.5") - i,
            need_score=Decimal("20.25"),
            bonus_score=Decimal("5"),
            total_points=Decimal("65.75") - i,
        )
        requested_total += requested
        awarded_total += awarded
        if status != RunStatus.FINAL:
            continue
        outcome = Outcome.AWARDED if i == 0 else Outcome.PARTIALLY_AWARDED if i == 1 else Outcome.REJECTED
        decision = Decision.objects.create(
            application=application,
            run=run,
            line=line,
            number=f"NPLV-{run.pk}-{i + 1:05d}",
            outcome=outcome,
            amount=awarded,
            decided_at=DECIDED_AT,
            decided_by=approver,
        )
        if letters:
            content = f"letter {decision.number}".encode()
            Letter.objects.create(
                decision=decision,
                version=1,
                file=ContentFile(content, name="brief.pdf"),
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                amount=decision.amount,
                letter_date=timezone.localdate(DECIDED_AT),
                superseded_at=timezone.now() if i == 0 else None,
            )
            if i == 0:  # a corrected letter: version 2 is the current one
                content = b"corrected"
                Letter.objects.create(
                    decision=decision,
                    version=2,
                    file=ContentFile(content, name="brief.pdf"),
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                    amount=decision.amount,
                    letter_date=CORRECTED_LETTER_DATE,
                )
    run.total_requested = requested_total
    run.total_awarded = awarded_total
    run.total_unspent = run.total_budget - awarded_total
    run.funded_count = 2 if lines >= 2 else lines
    run.status = status
    run.save()
    return run


def build_run_with_lines(planned, *, reserve=RESERVE, title=None) -> AllocationRun:
    """A final run whose lines are ``planned`` (``plan.PlannedLine``s: their amounts and grounds as the plan
    gave them), one application each, without decisions; ``title`` for every application if given."""
    total = sum(line.ceiling for line in planned) + cents(reserve)
    call = CallFactory(budget=Decimal(total) / 100)
    admin = AdministratorFactory()
    run = AllocationRun.objects.create(
        call=call,
        number=1,
        status=RunStatus.DRAFT,  # made final last: a final run's columns can no longer change
        method="ranked",
        parameters={"policy": {"budget": total, "reserve": cents(reserve), "ceiling": total - cents(reserve)}},
        total_budget=Decimal(total) / 100 - reserve,
        started_by=admin,
        approved_by=AdministratorFactory(),
        approved_at=DECIDED_AT,
        input_hash="cd" * 32,
    )
    for rank, line in enumerate(planned, start=1):
        application = ApplicationFactory(
            call=call,
            title=title or f"Plan {line.reference}",
            requested_amount=Decimal(line.requested) / 100,
            status=Status.AWARDED if line.awarded else Status.REJECTED,
            created_by=admin,
        )
        AllocationLine.objects.create(
            run=run,
            application=application,
            rank=rank,
            pot=line.pot,
            requested=Decimal(line.requested) / 100,
            ceiling=Decimal(line.ceiling) / 100,
            awarded=Decimal(line.awarded) / 100,
            reason=line.reason,
            ground=line.ground,
            total_points=Decimal("60.00"),
        )
    awarded = Decimal(sum(line.awarded for line in planned)) / 100
    run.total_requested = Decimal(sum(line.requested for line in planned)) / 100
    run.total_awarded = awarded
    run.total_unspent = run.total_budget - awarded
    run.funded_count = sum(1 for line in planned if line.awarded)
    run.status = RunStatus.FINAL
    run.save()
    return run


@pytest.fixture
def final_run(db):
    return build_final_run()
