"""Demo calls that are ready to divide: one per scheme, closed, with every review in and points stored.

Used by ``seed_demo`` only. Each call's rules (assessment and allocation policy) are set up and published
first, as on the day before its window opened (the services take that day as their clock), so every run
applies the published rules. Then the applications are bulk-created (applications, budget lines,
assignments, reviews and scores), and the points are computed by the assessment's own code, so the
breakdown is real. Idempotent: a call that already has applications is left alone.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Network, User
from allocations.runs.policies import PotInput, ReservationInput, save_policy
from applications.assessment import points
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
)
from applications.published_rules.services import record_version

CRITERIA = [
    ("Aansluiting bij de doelen", "3"),
    ("Effectiviteit van de aanpak", "3"),
    ("Lokale alliantie", "2"),
    ("Betrokkenheid van bewoners", "2"),
]
BANDS = {
    "leefbaarometer_weak_or_lower": [("10", "3"), ("25", "6"), ("40", "10")],
    "households_below_poverty_line": [("6", "2"), ("10", "4")],
    "social_assistance": [("4", "2"), ("8", "4")],
}


def _score(key: str, low: int = 4) -> int:
    """A stable pseudo-random score between ``low`` and 10."""
    return low + int(hashlib.sha256(key.encode()).hexdigest()[:4], 16) % (11 - low)


def _stable_score(reference: str, order: int, place: int) -> int:
    return _score(f"{reference}-{order}-{place}")


def _amount(key: str, low: int, high: int) -> Decimal:
    step = int(hashlib.sha256(key.encode()).hexdigest()[4:10], 16) % (high - low)
    return Decimal(low + step // 1000 * 1000)


def _call(code: str, scheme: Scheme, **fields) -> tuple[Call, bool]:
    today = timezone.localdate()
    defaults = {
        "scheme": scheme,
        "opens_at": timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=120), datetime.time(9))
        ),
        "closes_at": timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=60), datetime.time(17))
        ),
        **fields,
    }
    call, created = Call.objects.get_or_create(code=code, defaults=defaults)
    return call, created or not call.applications.exists()


def _assessment(call: Call, *, min_reviewer_score=None, bonus_rules=()) -> None:
    from accounts.importers import ensure_indicators

    indicators = ensure_indicators()
    AssessmentSettings.objects.get_or_create(
        call=call, defaults={"need_reference_year": 2024, "min_reviewer_score": min_reviewer_score}
    )
    if not call.criteria.exists():
        Criterion.objects.bulk_create(
            Criterion(call=call, name=name, weight=Decimal(weight), order=order)
            for order, (name, weight) in enumerate(CRITERIA, start=1)
        )
    if not call.need_bands.exists():
        NeedBand.objects.bulk_create(
            NeedBand(call=call, indicator=indicators[code], threshold=Decimal(t), points=Decimal(p))
            for code, steps in BANDS.items()
            for t, p in steps
        )
    if not call.bonus_rules.exists():
        BonusRule.objects.bulk_create(BonusRule(call=call, **rule) for rule in bonus_rules)


def _publish(call: Call, *, by: User, policy: dict) -> None:
    """Save the allocation policy and publish the call's rules, on the day before its window opened."""
    day_before = call.opens_at - datetime.timedelta(days=1)
    save_policy(call=call, by=by, now=day_before, **policy)
    record_version(call=call, by=by, now=day_before)  # also when the policy is the default one


def _applications(
    call: Call,
    entries: list[tuple],
    *,
    by: User,
    reviewers: list[User],
    score: Callable[[str, int, int], int] | None = None,
) -> list[Application]:
    """entries: (municipality, area_name, requested). Reviewed, with two submitted reviews each. ``score``
    (reference, criterion order, reviewer place) gives each review score; a stable pseudo-random one otherwise."""
    themes = list(call.scheme.themes.order_by("order")[:3])
    submitted = call.opens_at + datetime.timedelta(days=10)
    applications = Application.objects.bulk_create(
        Application(
            call=call,
            municipality=municipality,
            area_name=area,
            reference=f"{call.reference_prefix}-{index:03d}",
            title=f"{area or municipality.name}: leefbaar en veilig",
            status=Status.REVIEWED,
            goals="Meer bewoners voelen zich veilig en thuis in de wijk.",
            approach="Een wijkteam, een brede school en een buurthuis dat elke dag open is.",
            partners="Woningcorporatie, scholen, GGD en politie.",
            residents_involvement="Een bewonersraad beslist mee.",
            requested_amount=requested,
            cofinancing_amount=(requested * Decimal("0.30")).quantize(Decimal("1")),
            cofinancing_sources="Gemeentebegroting",
            created_by=by,
            updated_by=by,
            submitted_at=submitted,
            created_at=submitted,
            updated_at=submitted,
        )
        for index, (municipality, area, requested) in enumerate(entries, start=1)
    )
    years = call.years
    lines = []
    for application in applications:
        parts = len(themes) * len(years)
        # Whole euros, as a municipality budgets: a fund that rounds awards to euros then splits them in euros.
        share = (application.requested_amount / parts).quantize(Decimal("1"), rounding=ROUND_DOWN)
        amounts = [share] * (parts - 1) + [application.requested_amount - share * (parts - 1)]
        lines += [
            BudgetLine(application=application, theme=theme, year=year, amount=amounts.pop())
            for theme in themes
            for year in years
        ]
    BudgetLine.objects.bulk_create(lines)
    assignments = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application=a, reviewer=r, assigned_by=by, assigned_at=submitted)
        for a in applications
        for r in reviewers
    )
    reviews = Review.objects.bulk_create(
        Review(assignment=a, status=Review.Status.SUBMITTED, submitted_at=submitted, overall_comment="Beoordeeld.")
        for a in assignments
    )
    criteria = list(call.criteria.all())
    # Scores from the reference, the criterion's order and the reviewer's place, never from database ids: the
    # demo gives the same points (and the same ties) in every database, whatever ids its sequences hand out.
    reviewer_place = {reviewer.pk: place for place, reviewer in enumerate(reviewers, start=1)}
    ReviewScore.objects.bulk_create(
        ReviewScore(
            review=review,
            criterion=c,
            score=(score or _stable_score)(
                review.assignment.application.reference, c.order, reviewer_place[review.assignment.reviewer_id]
            ),
            motivation="Demobeoordeling.",
        )
        for review in reviews
        for c in criteria
    )
    for application in applications:
        points.store(application, review_count=len(reviewers))
    return applications


def _members(*codes: str, with_area: bool = False) -> list[Membership]:
    on = timezone.localdate()
    memberships = Membership.objects.active_on(on).filter(network__code__in=codes).select_related("municipality")
    if with_area:
        memberships = memberships.exclude(area_name="")
    return list(memberships.order_by("municipality__name", "area_name"))


@transaction.atomic
def seed_allocation_calls() -> list[Call]:
    """Three closed calls ready to divide (as beheerder1, then approve as beheerder2)."""
    by = User.objects.get(email="beheerder1@demo.nplv.example")
    reviewers = [User.objects.get(email=f"beoordelaar{i}@demo.nplv.example") for i in (1, 2)]
    networks = {n.code: n for n in Network.objects.all()}
    fund = Scheme.objects.get(code="leefbaarheidsfonds-m50-2027")
    spuk = Scheme.objects.get(code="spuk-kansrijke-wijk-2026-2028")
    vhf, _ = Scheme.objects.get_or_create(
        code="volkshuisvestingsfonds-demo",
        defaults={
            "name": "Volkshuisvestingsfonds (demo-tender)",
            "kind": Scheme.Kind.FUND,
            "legal_basis": "Regeling Volkshuisvestingsfonds (demoregeling), artikelen 3 tot en met 12, en titel 4.2 "
            "van de Algemene wet bestuursrecht.",
            "description": "Tender: rangschikking op punten met een minimumscore.",
        },
    )
    for order, name in enumerate(["Herstructurering", "Verduurzaming", "Leefomgeving"], start=1):
        vhf.themes.get_or_create(name=name, defaults={"order": order})
    calls = []

    # 1. Leefbaarheidsfonds for M50 and New Town: ranked, an M50 pot and a New Town pot spilling into a general pot.
    call, fresh = _call(
        "leefbaarheidsfonds-2026-tranche-2",
        fund,
        title="Leefbaarheidsfonds 2026 – tweede tranche",
        budget=Decimal("12000000.00"),
        year_from=2026,
        year_to=2028,
        prefix="LBF26",
        min_cofinancing_pct=Decimal("25"),
        description="Klaar om te verdelen (demo).",
    )
    if fresh:
        call.eligible_networks.set([networks[Network.M50], networks[Network.NEW_TOWN]])
        _assessment(
            call,
            bonus_rules=[
                {"kind": "network", "network": networks[Network.M50], "label": "Lid van M50", "points": Decimal("3")},
                {
                    "kind": "network",
                    "network": networks[Network.NEW_TOWN],
                    "label": "Lid van de New Town Alliantie",
                    "points": Decimal("3"),
                },
            ],
        )
        _publish(
            call,
            by=by,
            policy={
                "values": {"method": "ranked", "partial_last": True, "unit": 100},
                "pots": [
                    PotInput("M50", Decimal("5000000.00"), networks[Network.M50], "Algemeen"),
                    PotInput("New Town", Decimal("2000000.00"), networks[Network.NEW_TOWN], "Algemeen"),
                    PotInput("Algemeen", Decimal("5000000.00")),
                ],
                "reservations": [],
            },
        )
        seen, entries = set(), []
        for m in _members(Network.NEW_TOWN) + _members(Network.M50):
            if m.municipality_id not in seen and len(entries) < 30:
                seen.add(m.municipality_id)
                entries.append((m.municipality, "", _amount(m.municipality.cbs_code, 250_000, 900_000)))
        _applications(call, entries, by=by, reviewers=reviewers)
    calls.append(call)

    # 2. SPUK Kansrijke Wijk 2026–2028: a reservation for each of the 20 NPLV focus areas, themes × years.
    calls.append(seed_spuk_call(scheme=spuk, by=by, reviewers=reviewers, networks=networks))

    # 3. A Volkshuisvestingsfonds-style tender: ranked, a minimum score, +5 "not funded before" only with a
    # sufficient score, at most 10% of the ceiling per application.
    call, fresh = _call(
        "volkshuisvestingsfonds-tender-2026",
        vhf,
        title="Volkshuisvestingsfonds – tender 2026",
        budget=Decimal("50000000.00"),
        year_from=2026,
        year_to=2027,
        prefix="VHF26",
        description="Klaar om te verdelen (demo).",
    )
    if fresh:
        _assessment(
            call,
            min_reviewer_score=Decimal("60"),
            bonus_rules=[
                {
                    "kind": "not_funded_before",
                    "label": "Niet eerder gefinancierd uit het fonds",
                    "points": Decimal("5"),
                    "min_reviewer_score": Decimal("70"),
                },
            ],
        )
        from accounts.models import Municipality

        municipalities = list(Municipality.objects.order_by("-inhabitants")[:24])
        entries = [(m, "", _amount(m.cbs_code + "vhf", 2_000_000, 9_000_000)) for m in municipalities]
        _publish(
            call,
            by=by,
            policy={
                "values": {"method": "ranked", "cap_pct": Decimal("10"), "unit": 100},
                "pots": [],
                "reservations": [],
            },
        )
        _applications(call, entries, by=by, reviewers=reviewers)
    calls.append(call)
    return calls


def seed_spuk_call(*, scheme: Scheme, by: User, reviewers: list[User], networks: dict[str, Network]) -> Call:
    """SPUK Kansrijke Wijk 2026–2028, closed and ready to divide: a reservation for each of the 20 NPLV focus
    areas and an application from each. Also the page benchmark's SPUK policy page (bench/pagedata.py)."""
    call, fresh = _call(
        "spuk-kansrijke-wijk-2026-2028",
        scheme,
        title="SPUK Kansrijke Wijk 2026–2028",
        budget=Decimal("133000000.00"),
        year_from=2026,
        year_to=2028,
        prefix="SPUK26",
        multiple_per_municipality=True,
        description="Klaar om te verdelen (demo).",
    )
    if fresh:
        call.eligible_networks.set([networks[Network.NPLV]])
        _assessment(
            call,
            bonus_rules=[
                {
                    "kind": "network",
                    "network": networks[Network.NPLV],
                    "label": "NPLV-focusgebied",
                    "points": Decimal("5"),
                }
            ],
        )
        areas = _members(Network.NPLV, with_area=True)
        reserved = {m.area_name: _amount(m.area_name, 4_500_000, 7_500_000) for m in areas}
        entries = [
            (m.municipality, m.area_name, reserved[m.area_name] + _amount(m.area_name + "+", 0, 1_000_000))
            for m in areas
        ]
        _publish(
            call,
            by=by,
            policy={
                "values": {"method": "ranked"},
                "pots": [],
                "reservations": [ReservationInput(m.municipality, reserved[m.area_name], m.area_name) for m in areas],
            },
        )
        _applications(call, entries, by=by, reviewers=reviewers)
    return call
