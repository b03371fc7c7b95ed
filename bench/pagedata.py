"""Data at a real volume for the page benchmarks (and the load test after them): a scheme with a few calls,
1,000 applications in every stage of the assessment, and signed-in sessions for each role.

Rows are written with ``bulk_create``, not through the services: the services check, audit and notify one
application at a time, which would take minutes at this size and measures nothing the pages do. Only the
stored points go through the real code (``points.store``), so every breakdown is one the portal itself
would have computed. Everything here needs a configured Django (the reference data loaded first).
"""

from __future__ import annotations

import datetime
import io
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.importers import ensure_indicators, ensure_networks
from accounts.models import IndicatorValue, Municipality, Network, Role, User
from applications.models import (
    Application,
    AssessmentSettings,
    BonusRule,
    BudgetLine,
    Call,
    Criterion,
    NeedBand,
    Review,
    ReviewAssignment,
    ReviewScore,
    Scheme,
    Status,
    Theme,
)
from applications.published_rules.services import record_version

APPLICATIONS = 1_000
CALLS = 3
REVIEWERS = 10
THEMES = ["Sociale samenhang", "Veiligheid", "Fysieke leefomgeving", "Jeugd en onderwijs", "Programmaorganisatie"]
CRITERIA = [
    ("Aansluiting bij de doelen", "3"),
    ("Effectiviteit van de aanpak", "3"),
    ("Lokale alliantie", "2"),
    ("Betrokkenheid van bewoners", "2"),
]
NEED_BANDS = {
    "leefbaarometer_weak_or_lower": [("10", "3"), ("25", "6"), ("40", "10")],
    "households_below_poverty_line": [("6", "2"), ("10", "4")],
    "social_assistance": [("4", "2"), ("8", "4")],
}
REFERENCE_YEAR = 2024
# What share of each call's applications is in which stage; the rest (about 55%) is reviewed, with points.
DRAFT_SHARE, SUBMITTED_SHARE, IN_REVIEW_SHARE = 0.05, 0.10, 0.30
TEXT = (
    "Een wijkteam met vaste gezichten, een brede school en een buurthuis dat elke dag open is. "
    "Bewoners beslissen mee over de besteding; de woningcorporatie, de scholen, de GGD en de politie "
    "maken afspraken over wie wat doet en hoe de voortgang wordt gevolgd. "
) * 4


@dataclass
class PageData:
    """The ids the pages need, and who is who. ``biggest_call`` has the most applications in assessment."""

    calls: list[int]
    biggest_call: int
    administrator: User
    reviewer: User
    officer: User
    open_assignment: int  # one of the reviewer's assignments with a draft review: the review page
    provisional_application: int  # in review, no stored points yet: the provisional points page
    reviewed_application: int  # reviewed, with stored points
    spuk_call: int  # the demo's SPUK call with its 20 area reservations: the policy page of issue 18
    counts: dict[str, int] = field(default_factory=dict)


def load_reference() -> None:
    """Municipalities and network memberships, as ``make run`` loads them."""
    call_command("load_reference_data", stdout=io.StringIO())


def _stage(index: int, size: int) -> str:
    share = index / size
    if share < DRAFT_SHARE:
        return Status.DRAFT
    if share < DRAFT_SHARE + SUBMITTED_SHARE:
        return Status.SUBMITTED
    if share < DRAFT_SHARE + SUBMITTED_SHARE + IN_REVIEW_SHARE:
        return Status.IN_REVIEW
    return Status.REVIEWED


def _users(municipalities: list[Municipality], reviewers: int, password: str) -> tuple[User, list[User], dict]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    administrator = User(
        email="beheerder@bench.nplv.example", full_name="Beheerder Bench", role=Role.ADMINISTRATOR, is_staff=True
    )
    staff = [
        User(email=f"beoordelaar{n}@bench.nplv.example", full_name=f"Beoordelaar {n:02d}", role=Role.REVIEWER)
        for n in range(1, reviewers + 1)
    ]
    officers = [
        User(
            email=f"aanvrager.{m.cbs_code.lower()}@bench.nplv.example",
            full_name=f"Aanvrager {m.name}",
            role=Role.OFFICER,
            municipality=m,
        )
        for m in municipalities
    ]
    for user in (administrator, *staff, *officers):
        user.password = password
    User.objects.bulk_create([administrator, *staff, *officers])
    for user in (administrator, *staff):
        TOTP.activate(user, generate_totp_secret())
    return administrator, staff, {o.municipality_id: o for o in officers}


def _scheme_and_calls(count: int, now: datetime.datetime) -> tuple[list[Call], list[Theme], dict[int, list]]:
    scheme = Scheme.objects.create(
        code="bench-leefbaarheidsfonds",
        name="Leefbaarheidsfonds (benchmark)",
        kind=Scheme.Kind.FUND,
        legal_basis="Regeling leefbaarheidsfonds, artikelen 2 tot en met 9 (benchmarkgegevens).",
    )
    themes = Theme.objects.bulk_create(
        [Theme(scheme=scheme, name=name, order=order) for order, name in enumerate(THEMES, start=1)]
    )
    indicators = ensure_indicators()
    networks = ensure_networks()
    calls, criteria = [], {}
    for number in range(1, count + 1):
        call = Call.objects.create(
            scheme=scheme,
            code=f"bench-tranche-{number}",
            title=f"Leefbaarheidsfonds – tranche {number} (benchmark)",
            opens_at=now - datetime.timedelta(days=90 + number),
            closes_at=now - datetime.timedelta(days=10),
            budget=Decimal("50000000.00"),
            year_from=2027,
            year_to=2029,
            multiple_per_municipality=True,
            min_cofinancing_pct=Decimal("10.00"),
            prefix=f"BEN{number}",
        )
        AssessmentSettings.objects.create(
            call=call,
            reviewers_per_application=2,
            need_reference_year=REFERENCE_YEAR,
            min_reviewer_score=Decimal("40"),
            review_deadline=now + datetime.timedelta(days=30),
        )
        criteria[call.pk] = Criterion.objects.bulk_create(
            [
                Criterion(call=call, name=name, guidance="Hoe sterk is het plan hierop?", weight=Decimal(w), order=o)
                for o, (name, w) in enumerate(CRITERIA, start=1)
            ]
        )
        NeedBand.objects.bulk_create(
            [
                NeedBand(call=call, indicator=indicators[code], threshold=Decimal(t), points=Decimal(p))
                for code, steps in NEED_BANDS.items()
                for t, p in steps
            ]
        )
        BonusRule.objects.bulk_create(
            [
                BonusRule(
                    call=call,
                    kind=BonusRule.Kind.NETWORK,
                    network=networks[code],
                    label=f"Lid van {networks[code].name}",
                    points=Decimal(points),
                )
                for code, points in ((Network.NPLV, "5"), (Network.M50, "3"), (Network.NEW_TOWN, "3"))
            ]
            + [
                BonusRule(
                    call=call,
                    kind=BonusRule.Kind.NOT_FUNDED_BEFORE,
                    label="Niet eerder gefinancierd binnen de regeling",
                    points=Decimal("5"),
                    min_reviewer_score=Decimal("50"),
                )
            ]
        )
        # The rules were published the day before the call opened, as every call's are.
        record_version(call=call, by=None, now=call.opens_at - datetime.timedelta(days=1))
        calls.append(call)
    return calls, themes, criteria


def _indicator_values(municipalities: list[Municipality], rng: random.Random) -> None:
    indicators = ensure_indicators()
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=indicators[code],
                municipality=m,
                year=REFERENCE_YEAR,
                value=Decimal(rng.randint(0, 5_000)) / 100,
                is_demo=True,
                source="benchmarkgegevens",
            )
            for code in NEED_BANDS
            for m in municipalities
        ],
        ignore_conflicts=True,
    )


def generate(
    *,
    applications: int = APPLICATIONS,
    calls: int = CALLS,
    reviewers: int = REVIEWERS,
    seed: int = 2026,
    now: datetime.datetime | None = None,
    log=None,
) -> PageData:
    """Write the whole data set; the reference data must be loaded (``load_reference``) first.

    Every call gets an equal share of the applications, spread over the municipalities (a municipality
    applies for a second area once each has one). Per call: 5% drafts, 10% submitted and waiting for
    reviewers, 30% in review (two reviewers, one review in, the other a draft or not started), the rest
    reviewed by two reviewers with stored points. Reviewers take turns, so each has many assignments.
    """
    if reviewers < 3:
        raise ValueError("At least three reviewers: two per application and one to spare on a conflict.")
    per_call = [applications // calls + (1 if n < applications % calls else 0) for n in range(calls)]
    if not {Status.IN_REVIEW, Status.REVIEWED} <= {_stage(i, per_call[0]) for i in range(per_call[0])}:
        raise ValueError(f"{applications} applications over {calls} calls leave the pages without data.")
    now = now or timezone.now()
    rng = random.Random(seed)
    started = time.perf_counter()

    def step(what: str) -> None:
        if log:
            log(f"{what} ({time.perf_counter() - started:.1f} s)")

    municipalities = list(Municipality.objects.order_by("cbs_code"))
    if not municipalities:
        raise RuntimeError("No municipalities: load the reference data first.")
    with transaction.atomic():
        call_rows, themes, criteria = _scheme_and_calls(calls, now)
        _indicator_values(municipalities, rng)
        used = municipalities[: min(len(municipalities), max(per_call))]
        # Nobody logs in with a password here: sessions are made directly (session_for).
        administrator, staff, officers = _users(used, reviewers, make_password(None))
        step("calls, indicator values and users")

        rows = []
        for call, size in zip(call_rows, per_call, strict=True):
            for index in range(size):
                municipality = used[index % len(used)]
                round_ = index // len(used)
                stage = _stage(index, size)
                officer = officers[municipality.pk]
                rows.append(
                    Application(
                        call=call,
                        municipality=municipality,
                        area_name=f"Wijk {round_ + 1}" if round_ else "",
                        reference=f"{call.reference_prefix}-{index + 1:04d}",
                        title=f"{municipality.name}: samen sterker in de wijk {index + 1}",
                        status=stage,
                        goals=TEXT,
                        approach=TEXT,
                        partners=TEXT[:400],
                        residents_involvement=TEXT[:400],
                        requested_amount=Decimal("0"),
                        cofinancing_amount=Decimal("0"),
                        cofinancing_sources="Gemeentebegroting en bijdrage woningcorporatie",
                        created_at=now - datetime.timedelta(days=60, minutes=index),
                        updated_at=now - datetime.timedelta(days=20, minutes=index),
                        created_by=officer,
                        updated_by=officer,
                        submitted_at=None
                        if stage == Status.DRAFT
                        else now - datetime.timedelta(days=20, minutes=index),
                    )
                )
        # Budget lines per theme and year that add up to the requested amount, co-financing at 25%.
        lines = []
        for application in rows:
            total = Decimal("0")
            for theme in themes:
                for year in application.call.years:
                    amount = Decimal(rng.randint(10, 200) * 1_000)
                    total += amount
                    lines.append((application, theme, year, amount))
            application.requested_amount = total
            application.cofinancing_amount = (total / 4).quantize(Decimal("0.01"))
        Application.objects.bulk_create(rows, batch_size=500)
        BudgetLine.objects.bulk_create(
            [BudgetLine(application=a, theme=t, year=y, amount=m) for a, t, y, m in lines], batch_size=2_000
        )
        step(f"{len(rows)} applications, {len(lines)} budget lines")

        assignments, reviews, turn = [], [], 0
        for application in rows:
            if application.status not in (Status.IN_REVIEW, Status.REVIEWED):
                continue
            first, second, spare = (staff[(turn + k) % len(staff)] for k in range(3))
            turn += 1
            if turn % 40 == 0:  # now and then a reviewer declared a conflict and was replaced
                assignments.append(
                    ReviewAssignment(
                        application=application,
                        reviewer=spare,
                        assigned_by=administrator,
                        assigned_at=now - datetime.timedelta(days=19),
                        active=False,
                        conflict_reason="Ik ben in deze gemeente bestuurlijk betrokken geweest.",
                        conflict_declared_at=now - datetime.timedelta(days=18),
                    )
                )
            for position, reviewer in enumerate((first, second)):
                assignment = ReviewAssignment(
                    application=application,
                    reviewer=reviewer,
                    assigned_by=administrator,
                    assigned_at=now - datetime.timedelta(days=18, minutes=position),
                )
                assignments.append(assignment)
                # In review: the second reviewer is done; the first has a draft, or has not begun (every third).
                done = application.status == Status.REVIEWED or position == 1
                if done or turn % 3 != 1:
                    reviews.append(
                        Review(
                            assignment=assignment,
                            status=Review.Status.SUBMITTED if done else Review.Status.DRAFT,
                            overall_comment="Sterk plan; let op de planning van het eerste jaar." if done else "",
                            created_at=now - datetime.timedelta(days=15),
                            updated_at=now - datetime.timedelta(days=12),
                            submitted_at=now - datetime.timedelta(days=12) if done else None,
                        )
                    )
        ReviewAssignment.objects.bulk_create(assignments, batch_size=1_000)
        Review.objects.bulk_create(reviews, batch_size=1_000)
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(
                    review=review,
                    criterion=criterion,
                    score=rng.randint(4, 9),
                    motivation="Goed onderbouwd, met concrete afspraken en een haalbare planning.",
                )
                for review in reviews
                for criterion in criteria[review.assignment.application.call_id]
                if review.status == Review.Status.SUBMITTED or criterion.order <= 2
            ],
            batch_size=2_000,
        )
        step(f"{len(assignments)} assignments, {len(reviews)} reviews")

    from applications.assessment import points  # the real computation, so every stored breakdown is genuine

    reviewed = Application.objects.filter(call__in=call_rows, status=Status.REVIEWED).select_related("call")
    for application in reviewed:
        points.store(application, review_count=2)
    step("stored points")

    spuk = _spuk_call(administrator, staff[1:3])
    step("the SPUK call with its 20 reservations")

    reviewer = staff[0]
    # A review in progress (a draft, or else one not begun): the page a reviewer works on.
    mine = ReviewAssignment.objects.filter(reviewer=reviewer, active=True).order_by("pk")
    open_assignment = (
        mine.filter(review__status=Review.Status.DRAFT).values_list("pk", flat=True).first()
        or mine.filter(review__isnull=True).values_list("pk", flat=True).first()
    )
    counts = {
        "applications": len(rows),
        "budget_lines": len(lines),
        "assignments": len(assignments),
        "reviews": len(reviews),
        "reviewer_assignments": ReviewAssignment.objects.filter(reviewer=reviewer, active=True).count(),
    }
    in_assessment = {
        call.pk: sum(1 for a in rows if a.call_id == call.pk and a.status != Status.DRAFT) for call in call_rows
    }
    return PageData(
        calls=[c.pk for c in call_rows],
        biggest_call=max(in_assessment, key=lambda pk: (in_assessment[pk], -pk)),
        administrator=administrator,
        reviewer=reviewer,
        officer=officers[used[0].pk],
        open_assignment=open_assignment,
        provisional_application=next(a.pk for a in rows if a.status == Status.IN_REVIEW),
        reviewed_application=next(a.pk for a in rows if a.status == Status.REVIEWED),
        spuk_call=spuk.pk,
        counts=counts,
    )


def _spuk_call(administrator: User, reviewers: list[User]) -> Call:
    """The demo's SPUK Kansrijke Wijk call, built by the demo's own code: its policy page, with a reservation for
    each of the 20 NPLV focus areas, is the largest form of the portal. Its 20 applications go to reviewers other
    than the one whose queue is measured."""
    from allocations.runs.demo import seed_spuk_call
    from applications.demo import SPUK_THEMES

    scheme = Scheme.objects.create(
        code="bench-spuk-kansrijke-wijk",
        name="SPUK Kansrijke Wijk 2026–2028 (bench)",
        kind=Scheme.Kind.SPECIFIC_GRANT,
        legal_basis="Artikel 17 van de Financiële-verhoudingswet (benchmarkgegevens).",
    )
    Theme.objects.bulk_create(Theme(scheme=scheme, name=name, order=n) for n, name in enumerate(SPUK_THEMES, start=1))
    networks = {network.code: network for network in Network.objects.all()}
    return seed_spuk_call(scheme=scheme, by=administrator, reviewers=reviewers, networks=networks)


def session_for(user: User) -> str:
    """A signed-in session, as after a password and (for ministry roles) an authenticator code, without the
    login pages: the session the auth middleware reads, and allauth's record of both steps, which is what
    marks a session as two-factor authenticated. Returns the session key (the cookie's value)."""
    from importlib import import_module

    from allauth.mfa.models import Authenticator

    from accounts.adapter import AUTHENTICATION_RECORDS_KEY

    at = time.time()
    records = [{"method": "password", "at": at, "email": user.email}]
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        records.append({"method": "mfa", "at": at, "id": authenticator.pk, "type": authenticator.type})
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[AUTHENTICATION_RECORDS_KEY] = records
    session.create()
    return session.session_key
