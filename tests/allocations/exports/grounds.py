"""One line of every kind of ground, as the plan decides it: small snapshots run through ``plan.compute``.

The exports must print the ground a run stored, so the test lines carry grounds the plan really gives (its
codes and numbers), not hand-made look-alikes.
"""

from __future__ import annotations

from decimal import Decimal

from allocations.runs import plan

# Every code a line the exports hold (an included line) can carry.
EXPORTED_CODES = {
    "full",
    "reserved",
    "capped",
    "rounded",
    "partial",
    "skipped",
    "budget_exhausted",
    "tie",
    "pro_rata",
    "formula",
    "below_minimum",
    "no_pot",
    "no_reservation",
    "no_weight",
}


def _app(i: int, requested: int, reviewer: str, need: str = "5.00", networks: tuple[str, ...] = ()) -> dict:
    return {
        "id": i,
        "reference": f"G-{i:02d}",
        "status": "reviewed",
        "municipality": {"id": i, "cbs_code": f"GM{i:04d}", "name": f"Gemeente {i}", "inhabitants": 1000 + i},
        "area": "",
        "requested": requested,
        "budget_lines": [{"theme_id": 1, "theme": "A", "year": 2026, "amount": requested}],
        "networks": list(networks),
        "points": {
            "reviewer_score": reviewer,
            "need_score": need,
            "bonus_score": "0.00",
            "total": f"{Decimal(reviewer) + Decimal(need):.2f}",
            "meets_minimum": True,
            "minimum_reason": "",
            "components": [],
        },
    }


def _policy(ceiling: int, **changes) -> dict:
    policy = {
        "budget": ceiling,
        "reserve": 0,
        "ceiling": ceiling,
        "method": "ranked",
        "cap_amount": None,
        "cap_pct": None,
        "min_points": None,
        "min_points_source": None,
        "assessment_minimums": {"reviewer_score": None, "total": None},
        "partial_last": True,
        "unit": 1,
        "tiebreak": "need_score",
        "seed": 0,
        "formula_weight": "",
        "pots": [],
        "reservations": [],
    }
    policy.update(changes)
    return policy


SNAPSHOTS = [
    # Ranked, the last one partly: in full, capped, partly, the money ran out, and two minimums.
    (
        _policy(
            450_000_00,
            cap_amount=300_000_00,
            min_points="62.00",
            min_points_source="policy",
            assessment_minimums={"reviewer_score": "60.00", "total": None},
        ),
        [
            _app(1, 100_000_00, "85.00"),
            _app(2, 500_000_00, "75.00"),
            _app(3, 200_000_00, "65.00"),
            _app(4, 100_000_00, "60.00"),
            _app(5, 100_000_00, "55.00", need="10.00"),  # below the assessment's reviewer minimum
            _app(6, 100_000_00, "61.00", need="0.00"),  # below the policy's minimum total
        ],
    ),
    # Whole euros: a request with cents is rounded down.
    (_policy(1_000_000_00, unit=100), [_app(1, 100_000_50, "80.00")]),
    # Skip: the second does not fit what is left, the third (smaller) does.
    (
        _policy(250_000_00, partial_last=False),
        [_app(1, 100_000_00, "85.00"), _app(2, 300_000_00, "75.00"), _app(3, 50_000_00, "65.00")],
    ),
    # A tie at the cut-off, broken by the higher need score.
    (
        _policy(100_000_00, unit=100),
        [
            _app(1, 82_000_00, "80.00", need="1.00"),
            _app(2, 50_000_00, "59.00", need="9.00"),
            _app(3, 30_000_00, "64.00", need="4.00"),
        ],
    ),
    # Pro rata, over-subscribed.
    (_policy(100_000_00, method="pro_rata"), [_app(1, 100_000_00, "70.00"), _app(2, 100_000_00, "60.00")]),
    # Formula by need; a need of zero has no weight.
    (
        _policy(100_000_00, method="formula", formula_weight="need"),
        [_app(1, 100_000_00, "70.00"), _app(2, 100_000_00, "60.00"), _app(3, 100_000_00, "60.00", need="0.00")],
    ),
    # Reservations per area: up to the reservation, and none for the other.
    (
        _policy(1_000_000_00, reservations=[{"municipality": "GM0001", "area": "", "amount": 50_000_00}]),
        [_app(1, 100_000_00, "70.00"), _app(2, 100_000_00, "60.00")],
    ),
    # A pot for M50 members only: a municipality outside it has no pot.
    (
        _policy(1_000_000_00, pots=[{"name": "M50", "budget": 1_000_000_00, "network": "M50", "spill_to": None}]),
        [_app(1, 100_000_00, "70.00", networks=("M50",)), _app(2, 100_000_00, "60.00")],
    ),
]


def kind(line: plan.PlannedLine) -> str:
    """The code, and for a minimum also where it comes from (the assessment's or the policy's)."""
    return f"{line.reason}:{line.ground['source']}" if line.reason == "below_minimum" else line.reason


def planned_lines_of_every_kind() -> dict[str, plan.PlannedLine]:
    """The first planned line of each kind (``kind``) from the snapshots above: every code in EXPORTED_CODES,
    and both sources of a minimum."""
    found: dict[str, plan.PlannedLine] = {}
    for policy, applications in SNAPSHOTS:
        for line in plan.compute({"schema": 2, "policy": policy, "applications": applications}).lines:
            if line.included:
                found.setdefault(kind(line), line)
    assert {"below_minimum:assessment", "below_minimum:policy"} <= set(found)
    missing = EXPORTED_CODES - {line.reason for line in found.values()}
    assert not missing, f"no snapshot gives {sorted(missing)}"
    return found
