"""The re-run as of the original decision (Awb 4:25 lid 3, 7:11), on snapshots alone: no other line changes, the
objector never gets less, the extra money is the reserve's part plus what is paid on top, to the cent, and the
reserve is never used twice."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from allocations.runs import plan, reasons
from allocations.runs.reconsideration import Corrections, NotInRun, apply, reconsider
from tests.allocations.runs.test_runs_grounds import snapshots


def _app(i, ref, requested, reviewer, need, **extra):
    return {
        "id": i,
        "reference": ref,
        "status": "reviewed",
        "municipality": {"id": i, "cbs_code": f"GM000{i}", "name": ref, "inhabitants": 1000},
        "area": "",
        "requested": requested,
        "budget_lines": [
            {"theme_id": 1, "theme": "A", "year": 2026, "amount": requested * 6 // 10},
            {"theme_id": 2, "theme": "B", "year": 2027, "amount": requested - requested * 6 // 10},
        ],
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
        **extra,
    }


def tie_snapshot(reserve=25_000_00):
    """The demo's tie: B and C both have 68 points, B goes first on need; C gets nothing of the last € 18.000."""
    apps = [
        _app(1, "A", 82_000_00, "80.00", "1.00"),
        _app(2, "B", 50_000_00, "59.00", "9.00"),
        _app(3, "C", 30_000_00, "64.00", "4.00"),
    ]
    policy = {
        "budget": 100_000_00 + reserve,
        "reserve": reserve,
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
    return {"schema": 2, "policy": policy, "applications": apps}


def test_a_tie_decided_against_the_objector_flips_after_a_points_correction():
    snapshot = tie_snapshot()
    kept = copy.deepcopy(snapshot)
    result = reconsider(snapshot, 3, Corrections(reviewer_score=Decimal("64.50")))
    assert snapshot == kept  # the frozen snapshot is read, never changed
    assert result.old.ground["code"] == "tie" and result.old.awarded == 0 and result.old.rank == 3
    with translation.override("nl"):
        assert "evenveel punten (68,00) als B, dat door de hogere behoeftescore voorging" in reasons.describe(
            result.old.ground
        )
    # With 68,50 points C goes before B and gets the last € 18.000 that B had.
    assert (result.new.rank, result.new.awarded, result.new.ground["code"]) == (2, 18_000_00, "partial")
    assert result.awarded == result.extra == 18_000_00
    assert (result.from_reserve, result.on_top) == (18_000_00, 0)
    others = {o.reference: o for o in result.others}
    # The re-run would have left B with nothing; B's decision stands (no other municipality loses money).
    assert others["B"].old.awarded == 18_000_00 and others["B"].rerun.awarded == 0
    assert others["B"].rerun.ground["code"] == "budget_exhausted"
    assert others["B"].decided == 18_000_00 and others["B"].unchanged and others["B"].rerun_differs
    assert not others["A"].rerun_differs and others["A"].decided == 82_000_00
    assert result.corrected_snapshot["applications"][2]["points"]["total"] == "68.50"


def test_the_reserve_pays_first_and_the_rest_comes_on_top_of_the_ceiling():
    result = reconsider(tie_snapshot(reserve=10_000_00), 3, Corrections(reviewer_score=Decimal("70.00")))
    assert result.extra == 18_000_00
    assert (result.from_reserve, result.on_top, result.reserve_left) == (10_000_00, 8_000_00, 0)
    # A second reconsideration of the run finds the reserve taken.
    again = reconsider(
        tie_snapshot(reserve=10_000_00), 3, Corrections(reviewer_score=Decimal("70.00")), reserve_used=10_000_00
    )
    assert (again.from_reserve, again.on_top) == (0, 18_000_00)


def test_a_lower_rerun_keeps_the_old_amount_awb_7_11():
    result = reconsider(tie_snapshot(), 2, Corrections(reviewer_score=Decimal("50.00")))
    assert result.old.awarded == 18_000_00 and result.new.awarded == 0
    assert result.not_worse_off and result.awarded == 18_000_00
    assert (result.extra, result.from_reserve, result.on_top) == (0, 0, 0)


def test_eligibility_and_request_corrections():
    refused = reconsider(tie_snapshot(), 1, Corrections(eligible=False))
    assert refused.new.ground == {"code": "ineligible", "source": "reconsideration"}
    assert refused.awarded == 82_000_00 and refused.not_worse_off
    smaller = reconsider(tie_snapshot(), 1, Corrections(requested=60_000_00))
    assert smaller.new.awarded == 60_000_00 and smaller.awarded == 82_000_00
    corrected = apply(tie_snapshot(), 1, Corrections(requested=60_000_01))
    lines = corrected["applications"][0]["budget_lines"]
    assert sum(line["amount"] for line in lines) == 60_000_01


def test_an_application_the_run_did_not_divide_is_refused():
    snapshot = tie_snapshot()
    snapshot["applications"][2]["status"] = "in_review"
    with pytest.raises(NotInRun):
        reconsider(snapshot, 3, Corrections(requested=1))
    with pytest.raises(NotInRun):
        reconsider(snapshot, 99, Corrections(requested=1))


def test_corrections_are_read_and_refused_field_by_field():
    assert Corrections.from_json({"requested": 5, "points": {"need_score": "4.5"}}).as_json() == {
        "requested": 5,
        "points": {"need_score": "4.50"},
    }
    with pytest.raises(ValidationError) as refused:
        Corrections.from_json({"requested": -1, "eligible": "ja", "points": {"reviewer_score": "-2", "x": 1}})
    assert set(refused.value.message_dict) == {"requested", "eligible", "reviewer_score", "x"}


@st.composite
def corrections(draw):
    scores = st.sampled_from(["40.00", "58.50", "64.00", "68.00", "90.00"]).map(Decimal)
    return Corrections(
        requested=draw(st.one_of(st.none(), st.integers(1, 900_000_00))),
        eligible=draw(st.sampled_from([None, None, True, False])),
        reviewer_score=draw(st.one_of(st.none(), scores)),
        need_score=draw(st.one_of(st.none(), st.sampled_from(["0.00", "4.00", "9.00"]).map(Decimal))),
    )


def _with_reserve(snapshot, reserve):
    snapshot["policy"]["reserve"] = reserve
    snapshot["policy"]["budget"] = snapshot["policy"]["ceiling"] + reserve
    return snapshot


@settings(max_examples=120, deadline=None)
@given(
    st.one_of(snapshots(), snapshots(tied=True)),
    st.integers(0, 500_000_00),
    st.lists(st.tuples(st.integers(0, 13), corrections()), min_size=1, max_size=4),
)
def test_other_lines_never_change_and_the_reserve_is_never_overused(snapshot, reserve, objections):
    snapshot = _with_reserve(snapshot, reserve)
    frozen = copy.deepcopy(snapshot)
    decided = {line.application: line.awarded for line in plan.compute(snapshot).lines}
    used = 0
    for index, correction in objections:
        included = [a for a in snapshot["applications"] if a["status"] == "reviewed" and a["requested"]]
        if not included:
            with pytest.raises(NotInRun):
                reconsider(snapshot, snapshot["applications"][0]["id"], correction)
            return
        app = included[index % len(included)]
        try:
            result = reconsider(snapshot, app["id"], correction, reserve_used=used)
        except ValidationError as refused:
            assert "eligible" in refused.message_dict and correction.eligible is True
            continue
        assert snapshot == frozen
        # The objector: never less than decided, the extra is max(0, new - old), paid from the reserve and on top.
        assert result.old.awarded == decided[app["id"]]
        assert result.awarded >= result.old.awarded
        assert result.awarded == max(result.old.awarded, result.new.awarded)
        assert result.extra == max(0, result.new.awarded - result.old.awarded)
        assert result.extra == result.from_reserve + result.on_top
        assert result.from_reserve >= 0 and result.on_top >= 0
        assert result.not_worse_off == (result.new.awarded < result.old.awarded)
        # Every other line keeps its decision, whatever the re-run would have given it.
        assert {o.application for o in result.others} == set(decided) - {app["id"]}
        for other in result.others:
            assert other.unchanged and other.decided == other.old.awarded == decided[other.application]
        # The re-run divides the same ceiling: never more than it (Awb 4:25 lid 3).
        rerun_total = result.new.awarded + sum(o.rerun.awarded for o in result.others)
        assert rerun_total <= snapshot["policy"]["ceiling"]
        used += result.from_reserve
        assert used <= reserve
        assert result.reserve_left == reserve - used


@settings(max_examples=60, deadline=None)
@given(snapshots())
def test_a_rerun_without_corrections_is_the_run_itself(snapshot):
    included = [a for a in snapshot["applications"] if a["status"] == "reviewed" and a["requested"]]
    if not included:
        return
    result = reconsider(snapshot, included[0]["id"], Corrections())
    assert result.new == result.old and result.extra == 0 and not result.not_worse_off
    assert not any(other.rerun_differs for other in result.others)
