"""Benchmark of the allocation engine at 100,000 claims in 3 pots, against sorted() as the floor.

The floor is Python's ``sorted()`` over the same 100,000 (points, tiebreak, key) tuples: ranking is the
least any allocation has to do, so "under 5x the floor" says the engine adds little beyond ordering the
claims, whatever the speed of the machine.
"""

from __future__ import annotations

import random
from decimal import Decimal

from allocations.engine import Claim, Policy, Pot, allocate
from bench.common import emit, median_time

CLAIMS = 100_000
SECONDS_TARGET = 0.5
FLOOR_TARGET = 5.0
REPEAT = 5


def make_claims(count: int = CLAIMS, seed: int = 2026) -> list[Claim]:
    """Claims shaped like a national call: one decimal of points (so many ties), tiebreaks, 3% ineligible."""
    rng = random.Random(seed)
    claims = []
    for number in range(count):
        draw = rng.random()
        pot = "M50" if draw < 0.2 else "NTA" if draw < 0.3 else "general"
        euros = rng.randint(20_000, 2_000_000)
        cents = rng.choice((0, 0, 0, rng.randint(1, 99)))
        claims.append(
            Claim(
                key=f"GM{rng.randint(1, 1999):04d}-2026-{number}",
                requested=euros * 100 + cents,
                points=Decimal(rng.randint(200, 1000)) / 10,
                pot=pot,
                eligible=rng.random() >= 0.03,
                weight=Decimal(rng.randint(5_000, 900_000)) * Decimal(rng.randint(10, 99)) / 100,
                tiebreak=Decimal(rng.randint(0, 100)) / 10,
            )
        )
    return claims


def make_pots(claims: list[Claim]) -> list[Pot]:
    """Every pot over-subscribed, so each method has real work to do, and two pots spill into the third."""
    demand = {"M50": 0, "NTA": 0, "general": 0}
    for claim in claims:
        demand[claim.pot] += claim.requested
    return [
        Pot("M50", demand["M50"] * 2 // 5, spill_to="general"),
        Pot("NTA", demand["NTA"] * 3 // 5, spill_to="general"),
        Pot("general", demand["general"] * 3 // 10),
    ]


# Every method runs with a cap (a quarter of the requests exceed it), a threshold (about 12% of the claims
# fall below it) and whole-euro rounding, so every option is on the hot path.
POLICIES: dict[str, dict[str, object]] = {
    "ranked": dict(method="ranked", partial_last=True),
    "ranked_skip": dict(method="ranked", partial_last=False),
    "pro_rata": dict(method="pro_rata"),
    "formula": dict(method="formula"),
}


def run() -> None:
    claims = make_claims()
    pots = make_pots(claims)
    names = ", ".join(pot.name for pot in pots)
    print(f"bench.engine: {len(claims):,} claims in pots {names}; median of {REPEAT} runs", flush=True)
    tuples = [(c.points, c.tiebreak, c.key) for c in claims]
    floor = median_time(lambda: sorted(tuples), repeat=REPEAT)
    for name, options in POLICIES.items():
        policy = Policy(cap=1_500_000_00, min_points=Decimal("30"), unit=100, seed=2026, **options)
        seconds = median_time(lambda policy=policy: allocate(claims, pots, policy), repeat=REPEAT)
        emit(f"engine_{name}_100k", seconds, "s", target=SECONDS_TARGET, floor=floor)
        emit(f"engine_{name}_100k_vs_floor", seconds / floor, "x", target=FLOOR_TARGET, floor=1.0)
