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


def build_final_run(*, lines=4, call=None, status=RunStatus.FINAL, hostile=True, letters=True):
    """A run over ``lines`` applications: ranked, the last ones rejected, amounts with odd cents."""
    call = call or CallFactory(budget=Decimal("1000000.00"))
    admin, approver = AdministratorFactory(), AdministratorFactory()
    m50 = NetworkFactory(code="M50", name="M50")
    nplv = NetworkFactory(code="NPLV", name="NPLV")
    run = AllocationRun.objects.create(
        call=call,
        number=AllocationRun.objects.filter(call=call).count() + 1,
        status=status,
        method="ranked",
        total_budget=call.budget,
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
        line = AllocationLine.objects.create(
            run=run,
            application=application,
            rank=i + 1,
            pot="M50",
            requested=requested,
            ceiling=requested,
            awarded=awarded,
            reason="funded" if i == 0 else "partial" if i == 1 else "budget_exhausted",
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
                    letter_date=timezone.localdate(DECIDED_AT),
                )
    run.total_requested = requested_total
    run.total_awarded = awarded_total
    run.total_unspent = run.total_budget - awarded_total
    run.funded_count = 2 if lines >= 2 else lines
    run.save()
    return run


@pytest.fixture
def final_run(db):
    return build_final_run()
