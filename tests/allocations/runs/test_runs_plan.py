"""The plan from a snapshot (pure, no database): every award is the engine's, every split adds up."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from allocations import engine
from allocations.runs import plan

POLICY = {
    "budget": 0,
    "reserve": 0,
    "ceiling": 0,
    "method": "ranked",
    "cap_amount": None,
    "cap_pct": None,
    "min_points": None,
    "partial_last": True,
    "unit": 1,
    "tiebreak": "need_score",
    "seed": 0,
    "formula_weight": "",
    "pots": [],
    "reservations": [],
}


def _app(i, requested, total, status="reviewed", networks=(), parts=2):
    first = requested * 3 // 5 if parts == 2 else requested
    lines = [{"theme_id": 1, "theme": "A", "year": 2026, "amount": first}]
    if parts == 2:
        lines.append({"theme_id": 2, "theme": "B", "year": 2027, "amount": requested - first})
    return {
        "id": i,
        "reference": f"R-{i:04d}",
        "status": status,
        "municipality": {"id": i, "cbs_code": f"GM{i:04d}", "name": f"G{i}", "inhabitants": 1000 + i},
        "area": "",
        "requested": requested,
        "budget_lines": lines,
        "networks": list(networks),
        "points": {
            "reviewer_score": f"{total:.2f}",
            "need_score": "1.00",
            "bonus_score": "0.00",
            "total": f"{total + 1:.2f}",
            "meets_minimum": True,
            "minimum_reason": "",
            "components": [],
        },
    }


apps = st.lists(
    st.tuples(
        st.integers(min_value=2, max_value=10**9),
        st.integers(min_value=0, max_value=100),
        st.sampled_from(["reviewed", "reviewed", "in_review"]),
        st.sampled_from([(), ("M50",)]),
    ),
    min_size=1,
    max_size=25,
)


@given(
    apps=apps,
    ceiling=st.integers(min_value=0, max_value=5 * 10**9),
    method=st.sampled_from(["ranked", "pro_rata"]),
    pots=st.booleans(),
)
def test_lines_are_the_engines_and_splits_add_up(apps, ceiling, method, pots):
    policy = {**POLICY, "ceiling": ceiling, "method": method}
    if pots:
        policy["pots"] = [
            {"name": "M50", "budget": ceiling // 3, "network": "M50", "spill_to": "rest"},
            {"name": "rest", "budget": ceiling - ceiling // 3, "network": None, "spill_to": None},
        ]
    snapshot = {"policy": policy, "applications": [_app(i, *a) for i, a in enumerate(apps)]}
    result = plan.compute(snapshot)
    included = [a for a in snapshot["applications"] if a["status"] == "reviewed"]
    claims = [plan._claim(a, policy, {})[0] for a in included]
    expected = engine.allocate(claims, plan.engine_pots(policy), plan.engine_policy(policy)).awards if claims else {}
    for line in result.lines:
        assert line.included == (line.reference in expected)
        assert line.awarded == expected.get(line.reference, 0)
        assert sum(s[3] for s in line.splits) == line.awarded
        assert all(0 <= s[3] <= s[2] for s in line.splits)
    assert result.total_awarded == sum(expected.values()) <= ceiling
    assert sum(line.is_cutoff for line in result.lines) <= (2 if pots else 1)


def test_cap_is_the_smaller_of_amount_and_percentage():
    policy = {**POLICY, "ceiling": 1_000_000, "cap_amount": 200_000, "cap_pct": "10.00"}
    assert plan.engine_policy(policy).cap == 100_000
    assert plan.engine_policy({**policy, "cap_pct": None}).cap == 200_000
    assert plan.engine_policy({**policy, "min_points": "12.50"}).min_points == Decimal("12.50")
