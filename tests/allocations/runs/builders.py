"""Calls with reviewed applications and stored points, built fast, for the allocation-run tests.

A call's rules are published before its window opens and are frozen from then on (Awb 4:27), and a run needs
the window closed. So a builder sets the rules up on the day before the opening, with the clock moved back to
that day (``before_opening``), and the call is closed by the time the test divides it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import time_machine
from django.utils import timezone

from accounts.models import Membership, Municipality, Network, User
from allocations.runs.policies import PotInput, ReservationInput, save_policy
from applications.models import Application, BudgetLine, Call, PointsBreakdown, PointsComponent, Status, Theme
from applications.published_rules.services import record_version
from tests.factories import AdministratorFactory, CallFactory, OfficerFactory, ThemeFactory


def network(code: str) -> Network:
    return Network.objects.get_or_create(code=code, defaults={"name": code})[0]


def before_opening(call: Call, configure: Callable[[Call], object] | None = None, *, by: User | None = None) -> None:
    """Set up ``call``'s rules (``configure(call)``, through the services or directly) and publish them, on the
    day before its window opened: the clock goes back to that day, as the rules were set then."""
    with time_machine.travel(call.opens_at - datetime.timedelta(days=1), tick=False):
        if configure is not None:
            configure(call)
        record_version(call=call, by=by)


def set_policy(
    call: Call,
    *,
    by: User | None = None,
    pots: list[PotInput] | None = None,
    reservations: list[ReservationInput] | None = None,
    **values,
) -> None:
    """Save the call's allocation policy through the service, before the window opens (see ``before_opening``)."""
    by = by or AdministratorFactory(totp=False)
    before_opening(
        call,
        lambda c: save_policy(call=c, by=by, values=values, pots=pots or [], reservations=reservations or []),
        by=by,
    )


def allocation_call(
    *,
    budget: Decimal = Decimal("1000000.00"),
    policy: dict | None = None,
    configure: Callable[[Call], object] | None = None,
    **kwargs,
):
    """A closed call, ready to divide, whose rules (``policy``: the values, pots and reservations of
    ``save_policy``; ``configure``: anything else) were published before it opened."""
    call = CallFactory(
        budget=budget,
        opens_at=timezone.now() - datetime.timedelta(days=60),
        closes_at=timezone.now() - datetime.timedelta(days=30),
        **kwargs,
    )
    ThemeFactory(scheme=call.scheme, name="Wonen", order=1)
    ThemeFactory(scheme=call.scheme, name="Veiligheid", order=2)
    before_opening(call, configure)
    if policy is not None:
        set_policy(call, **policy)
    return call


def reviewed(
    call,
    *,
    requested: Decimal,
    total: Decimal,
    need: Decimal = Decimal("5.00"),
    status: str = Status.REVIEWED,
    municipality: Municipality | None = None,
    networks: tuple[str, ...] = (),
    meets_minimum: bool = True,
    n: int | None = None,
) -> Application:
    """One application with two budget lines (themes × years) that add up to its request, and its points."""
    count = Application.objects.count() if n is None else n
    if municipality is None:
        municipality = Municipality.objects.create(
            cbs_code=f"GM{8000 + count:04d}",
            name=f"Gemeente {count}",
            province="Utrecht",
            inhabitants=10_000 + count,
            inhabitants_year=2024,
        )
    for code in networks:
        Membership.objects.get_or_create(
            municipality=municipality,
            network=network(code),
            area_name="",
            defaults={"valid_from": datetime.date(2020, 1, 1)},
        )
    officer = OfficerFactory(municipality=municipality)
    application = Application.objects.create(
        call=call,
        municipality=municipality,
        reference=f"{call.reference_prefix}-{count:05d}",
        title=f"Plan {count}",
        status=status,
        requested_amount=requested,
        cofinancing_amount=Decimal("0"),
        created_by=officer,
        updated_by=officer,
        submitted_at=call.opens_at + datetime.timedelta(days=1),
    )
    themes = list(Theme.objects.filter(scheme=call.scheme).order_by("order"))
    first = (requested * Decimal("0.6")).quantize(Decimal("0.01"))
    BudgetLine.objects.create(application=application, theme=themes[0], year=call.year_from, amount=first)
    BudgetLine.objects.create(
        application=application, theme=themes[-1], year=call.year_from + 1, amount=requested - first
    )
    if status in (Status.REVIEWED, Status.AWARDED, Status.PARTIALLY_AWARDED, Status.REJECTED):
        reviewer_score = total - need
        breakdown = PointsBreakdown.objects.create(
            application=application,
            reviewer_score=reviewer_score,
            need_score=need,
            bonus_score=Decimal("0"),
            total=total,
            review_count=2,
            meets_minimum=meets_minimum,
            minimum_reason="" if meets_minimum else "Totaal te laag.",
        )
        PointsComponent.objects.create(
            breakdown=breakdown,
            kind="criterion",
            key="criterion-1",
            label="Kwaliteit",
            points=reviewer_score,
            detail={"mean": str(reviewer_score)},
            order=0,
        )
        PointsComponent.objects.create(
            breakdown=breakdown,
            kind="indicator",
            key="armoede",
            label="Armoede",
            points=need,
            detail={"value": "12.500"},
            order=1,
        )
    return application
