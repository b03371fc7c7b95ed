"""Every line's stated ground is true: checked against the snapshot's own numbers over random policies.

The run stores one ground per line (a code and its numbers), which the run page, the letter, the exports and
the API print. These properties prove that what it says holds for the amounts: a reservation-limited award
is the reservation, a capped award is the cap, "ran out" means the pot had less left than the claim still
wanted, a refusal below a minimum has a score below that minimum from the source it names, and so on.
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from allocations.runs import plan

POT_SETS = [
    [],
    [
        {"name": "M50", "budget_share": 3, "network": "M50", "spill_to": "Algemeen"},
        {"name": "Algemeen", "budget_share": 7, "network": None, "spill_to": None},
    ],
    [{"name": "M50", "budget_share": 10, "network": "M50", "spill_to": None}],  # takes M50 members only
]
points_values = st.sampled_from(["58.50", "64.00", "64.00", "68.00", "68.00", "68.00", "80.00"])
need_values = st.sampled_from(["4.00", "4.00", "9.00"])


@st.composite
def snapshots(draw, tied=False):
    """Random calls; ``tied``: every application has the same points, so ties decide at every cut-off."""
    count = draw(st.integers(1, 14))
    applications = []
    reservations = []
    with_reservations = draw(st.integers(0, 3)) == 0
    for i in range(count):
        requested = draw(st.integers(1, 900_000_00))
        reviewer = "68.00" if tied else draw(points_values)
        need = draw(need_values)
        area = draw(st.sampled_from(["", "Noord", "Zuid"]))
        cbs = f"GM{i:04d}"
        if with_reservations and draw(st.integers(0, 3)):
            reservations.append({"municipality": cbs, "area": area, "amount": draw(st.integers(0, 900_000_00))})
        applications.append(
            {
                "id": i + 1,
                "reference": f"R-{i:03d}",
                "status": draw(st.sampled_from(["reviewed"] * 7 + ["in_review"])),
                "municipality": {"id": i + 1, "cbs_code": cbs, "name": f"G{i}", "inhabitants": 1000 + i},
                "area": area,
                "requested": requested,
                "budget_lines": [{"theme_id": 1, "theme": "A", "year": 2026, "amount": requested}],
                "networks": draw(st.sampled_from([[], ["M50"], ["M50"]])),
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
        )
    # A ceiling anywhere from nothing to everything asked, so every ground of a ranked run turns up.
    ceiling = draw(st.integers(0, sum(app["requested"] for app in applications)))
    pot_set = draw(st.sampled_from(POT_SETS))
    pots = [
        {
            "name": pot["name"],
            "budget": ceiling * pot["budget_share"] // 10,
            "network": pot["network"],
            "spill_to": pot["spill_to"],
        }
        for pot in pot_set
    ]
    policy_min = draw(st.sampled_from([None, None, "62.00"]))
    assessment_total = draw(st.sampled_from([None, None, "61.00"]))
    policy = {
        "budget": ceiling,
        "reserve": 0,
        "ceiling": ceiling,
        "method": draw(st.sampled_from(["ranked", "ranked", "ranked", "pro_rata", "formula"])),
        "cap_amount": draw(st.sampled_from([None, None, 250_000_00])),
        "cap_pct": draw(st.sampled_from([None, None, "10.00"])),
        "min_points": policy_min if policy_min is not None else assessment_total,
        "min_points_source": "policy" if policy_min is not None else ("assessment" if assessment_total else None),
        "assessment_minimums": {
            "reviewer_score": draw(st.sampled_from([None, None, "60.00"])),
            "total": assessment_total,
        },
        "partial_last": draw(st.booleans()),
        "unit": draw(st.sampled_from([1, 100])),
        "tiebreak": draw(st.sampled_from(["need_score", "lottery"])),
        "seed": draw(st.integers(0, 3)),
        "formula_weight": "",
        "pots": pots,
        "reservations": sorted(
            {(r["municipality"], r["area"]): r for r in reservations}.values(),
            key=lambda r: (r["municipality"], r["area"]),
        ),
    }
    if policy["method"] == "formula":
        policy["formula_weight"] = "inhabitants_x_need"
    return {"schema": 2, "policy": policy, "applications": applications}


def _cap(policy):
    caps = [c for c in (policy["cap_amount"],) if c]
    if policy["cap_pct"] is not None:
        caps.append(int(Decimal(policy["cap_pct"]) * policy["ceiling"] / 100))
    return min(caps) if caps else None


@settings(max_examples=150, deadline=None)
@given(st.one_of(snapshots(), snapshots(tied=True)))
def test_each_stated_ground_holds_for_the_numbers(snapshot):
    policy = snapshot["policy"]
    unit = policy["unit"]
    apps = {app["id"]: app for app in snapshot["applications"]}
    reservations = {(r["municipality"], r["area"].lower()): r["amount"] for r in policy["reservations"]}
    result = plan.compute(snapshot)
    by_reference = {line.reference: line for line in result.lines}
    pots = {pot["name"]: pot for pot in result.pots}
    for line in result.lines:
        app = apps[line.application]
        ground = line.ground
        code = ground["code"]
        assert line.reason == code
        requested = app["requested"]
        reserved = reservations.get((app["municipality"]["cbs_code"], app["area"].lower()))
        from_pot = line.funded_from.get(ground.get("pot"), 0)
        if code == "in_review":
            assert app["status"] != "reviewed" and not line.included
        elif code in ("below_minimum", "no_reservation", "no_pot", "no_weight"):
            assert line.awarded == 0
        if code == "full":
            assert line.awarded == requested
        elif code == "reserved":
            assert ground["reservation"] == reserved < requested
            assert line.awarded == reserved // unit * unit
            assert ("unit" in ground) == (reserved % unit != 0)
        elif code == "capped":
            cap = _cap(policy)
            assert ground["cap"] == cap < min(requested, reserved or requested)
            assert line.awarded == cap // unit * unit
        elif code == "rounded":
            assert line.awarded == requested // unit * unit < requested
        elif code == "partial":
            assert policy["method"] == "ranked" and policy["partial_last"]
            assert 0 < from_pot == ground["left"] < ground["wanted"]
            assert line.is_cutoff
        elif code == "skipped":
            assert not policy["partial_last"] and from_pot == 0 and 0 < ground["left"] < ground["wanted"]
        elif code == "budget_exhausted":
            assert from_pot == 0 and pots[ground["pot"]]["cutoff_rank"] <= line.rank
            assert ground["cutoff_rank"] == pots[ground["pot"]]["cutoff_rank"]
        elif code == "tie":
            assert ground["against"] and ground["left"] < ground["left_at_tie"]
            for other in ground["against"]:
                winner = by_reference[other["reference"]]
                assert apps[winner.application]["points"]["total"] == ground["points"] == app["points"]["total"]
                assert winner.rank < line.rank and winner.funded_from.get(ground["pot"], 0) > 0
                if other["by"] == "need_score":
                    assert Decimal(other["need_score"]) > Decimal(ground["need_score"])
                else:
                    assert policy["tiebreak"] == "lottery" or other["need_score"] == ground["need_score"]
        elif code == "pro_rata":
            assert Decimal(ground["ratio"]) < 1
            assert ground["share"] == f"{Decimal(line.awarded * 100) / Decimal(requested):.2f}"
        elif code == "below_minimum":
            score, minimum = Decimal(ground["score"]), Decimal(ground["minimum"])
            assert score < minimum
            assert ground["score"] == app["points"][ground["measure"]]
            if ground["source"] == "policy":
                assert ground["measure"] == "total" and ground["minimum"] == policy["min_points"]
            else:
                assert ground["minimum"] in (
                    policy["assessment_minimums"]["reviewer_score"],
                    policy["assessment_minimums"]["total"],
                )
        elif code == "no_reservation":
            assert policy["reservations"] and not reserved
        elif code == "no_pot":
            assert policy["pots"] and all(p["network"] and p["network"] not in app["networks"] for p in policy["pots"])
    # One line per pot marks where its money ran out, and only in a ranked run.
    cutoffs = [line for line in result.lines if line.is_cutoff]
    if policy["method"] != "ranked":
        assert cutoffs == []
    assert len({line.ground["pot"] for line in cutoffs}) == len(cutoffs)


def test_the_demo_tie_reads_as_a_tie():
    """The issue's case: two municipalities with 68 points, one gets the last € 18.000, the other nothing."""
    apps = [
        {
            "id": i,
            "reference": ref,
            "status": "reviewed",
            "municipality": {"id": i, "cbs_code": f"GM000{i}", "name": ref, "inhabitants": 1000},
            "area": "",
            "requested": requested,
            "budget_lines": [{"theme_id": 1, "theme": "A", "year": 2026, "amount": requested}],
            "networks": [],
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
        for i, (ref, requested, reviewer, need) in enumerate(
            [("A", 82_000_00, "80.00", "1.00"), ("B", 50_000_00, "59.00", "9.00"), ("C", 30_000_00, "64.00", "4.00")],
            start=1,
        )
    ]
    policy = {
        "budget": 100_000_00,
        "reserve": 0,
        "ceiling": 100_000_00,
        "method": "ranked",
        "cap_amount": None,
        "cap_pct": None,
        "min_points": None,
        "min_points_source": None,
        "assessment_minimums": {"reviewer_score": None, "total": None},
        "partial_last": True,
        "unit": 100,
        "tiebreak": "need_score",
        "seed": 0,
        "formula_weight": "",
        "pots": [],
        "reservations": [],
    }
    lines = {line.reference: line for line in plan.compute({"schema": 2, "policy": policy, "applications": apps}).lines}
    assert (lines["B"].awarded, lines["B"].reason) == (18_000_00, "partial")
    assert lines["C"].awarded == 0
    assert lines["C"].ground == {
        "code": "tie",
        "pot": "algemeen",
        "then": "budget_exhausted",
        "left": 0,
        "left_at_tie": 18_000_00,
        "points": "68.00",
        "need_score": "4.00",
        "rule": "need_score",
        "against": [{"reference": "B", "by": "need_score", "need_score": "9.00"}],
        "wanted": 30_000_00,
    }
