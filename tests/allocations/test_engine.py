"""Hand-computed cases for the allocation engine: each method, ties, caps, spill-over, rounding, bad input."""

import hashlib
import json
import os
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from allocations.engine import Claim, Line, Method, Policy, Pot, Reason, allocate, lottery_ticket

ROOT = Path(__file__).resolve().parents[2]


def one_pot(claims, budget, **policy):
    return allocate(claims, [Pot("pot", budget)], Policy(**policy))


def reasons(result):
    return {line.key: line.reason for line in result.lines}


def test_the_contract_example_from_the_design():
    claims = [
        Claim(
            key="GM0363-2026-1",
            requested=250_000_00,
            points=Decimal("71.5"),
            pot="M50",
            eligible=True,
            weight=None,
            tiebreak=Decimal("8.2"),
        )
    ]
    pots = [
        Pot(name="M50", budget=8_000_000_00, spill_to="general"),
        Pot(name="general", budget=12_000_000_00),
    ]
    result = allocate(
        claims, pots, Policy(method="ranked", cap=None, min_points=None, partial_last=True, unit=1, seed=0)
    )
    assert result.awards == {"GM0363-2026-1": 250_000_00}
    assert result.lines == (
        Line(
            key="GM0363-2026-1",
            pot="M50",
            rank=1,
            requested=250_000_00,
            capped_request=250_000_00,
            awarded=250_000_00,
            funded_from=(("M50", 250_000_00),),
            reason=Reason.FULL,
        ),
    )
    # M50 passed its unspent 7,750,000 on to general, so it keeps nothing itself.
    assert result.unspent == {"M50": 0, "general": 19_750_000_00}
    assert (result.total_budget, result.total_awarded, result.total_unspent) == (
        20_000_000_00,
        250_000_00,
        19_750_000_00,
    )


def test_defaults_keep_the_common_case_short():
    claim = Claim(key="a", requested=100, points=1)
    assert (claim.pot, claim.eligible, claim.weight, claim.tiebreak) == (None, True, None, None)
    assert Pot("general", 500).spill_to is None
    policy = Policy(method="ranked")
    assert (policy.cap, policy.min_points, policy.partial_last, policy.unit, policy.seed) == (
        None,
        None,
        True,
        1,
        0,
    )
    assert Policy().method == Method.RANKED == "ranked"
    # pot=None is the first pot.
    result = allocate([claim], [Pot("first", 60), Pot("second", 1000)], policy)
    assert result.lines[0].pot == "first"
    assert result.lines[0].funded_from == (("first", 60),)


ABC = [
    Claim("A", requested=60, points=3),
    Claim("B", requested=50, points=2),
    Claim("C", requested=10, points=1),
]


def test_ranked_partial_last_gives_the_rest_to_the_first_misfit_and_stops():
    result = one_pot(ABC, 100, partial_last=True)
    assert result.awards == {"A": 60, "B": 40, "C": 0}
    assert reasons(result) == {"A": Reason.FULL, "B": Reason.PARTIAL, "C": Reason.BUDGET_EXHAUSTED}
    assert result.unspent == {"pot": 0}
    assert [(line.key, line.rank) for line in result.lines] == [("A", 1), ("B", 2), ("C", 3)]
    details = {line.key: line.detail for line in result.lines}
    # B got what was left (40); the money of "pot" ran out at rank 2, before C's turn.
    assert details == {"A": None, "B": {"pot": "pot", "left": 40}, "C": {"pot": "pot", "cutoff_rank": 2}}
    assert result.pots[0].cutoff_rank == 2 and result.pots[0].demand == 120


def test_ranked_skip_funds_the_next_claim_that_still_fits():
    result = one_pot(ABC, 100, partial_last=False)
    assert result.awards == {"A": 60, "B": 0, "C": 10}
    # B did not fit the 40 left at its turn; one lower-ranked claim (C) was funded after it.
    assert reasons(result) == {"A": Reason.FULL, "B": Reason.SKIPPED, "C": Reason.FULL}
    assert result.lines[1].detail == {"pot": "pot", "left": 40, "funded_below": 1}
    assert result.unspent == {"pot": 30}


def test_ranked_skip_after_the_money_is_gone_says_budget_exhausted():
    claims = [Claim("A", requested=100, points=3), Claim("B", requested=50, points=2)]
    result = one_pot(claims, 100, partial_last=False)
    assert reasons(result) == {"A": Reason.FULL, "B": Reason.BUDGET_EXHAUSTED}
    assert result.lines[1].detail == {"pot": "pot", "cutoff_rank": 2}


def test_a_tie_at_the_cut_off_is_the_reason_of_the_claim_that_lost_it():
    """Two claims with 68 points: the tiebreak puts X first, X takes the last money, Y gets nothing. Y would
    have had 18 had it come first, so the tie (not the ranking) decided, and its line says so."""
    claims = [
        Claim("top", requested=82, points=90),
        Claim("X", requested=50, points=68, tiebreak=Decimal("9")),
        Claim("Y", requested=30, points=68, tiebreak=Decimal("4")),
    ]
    result = one_pot(claims, 100, partial_last=True)
    assert result.awards == {"top": 82, "X": 18, "Y": 0}
    assert reasons(result) == {"top": Reason.FULL, "X": Reason.PARTIAL, "Y": Reason.TIE}
    assert result.lines[2].detail == {
        "pot": "pot",
        "then": Reason.BUDGET_EXHAUSTED,
        "left": 0,
        "left_at_tie": 18,
        "against": (("X", "tiebreak"),),
    }


def test_a_tie_broken_by_the_lottery_says_so():
    claims = [Claim(key, requested=60, points=5) for key in ("p", "q")]
    result = one_pot(claims, 100, partial_last=False, seed=3)
    winner, loser = result.lines
    assert (winner.reason, loser.reason) == (Reason.FULL, Reason.TIE)
    assert loser.detail["then"] == Reason.SKIPPED and loser.detail["left"] == 40
    assert loser.detail["against"] == ((winner.key, "lottery"),)


def test_equal_points_that_did_not_decide_anything_are_no_tie():
    """Both short whatever their order (the money ran out before the group): each keeps its own reason."""
    claims = [
        Claim("top", requested=100, points=9),
        Claim("a", requested=10, points=5),
        Claim("b", requested=10, points=5),
    ]
    result = one_pot(claims, 100)
    assert reasons(result) == {"top": Reason.FULL, "a": Reason.BUDGET_EXHAUSTED, "b": Reason.BUDGET_EXHAUSTED}


def test_rounding_down_to_the_unit_is_its_own_reason():
    claims = [Claim("A", requested=1_234_56, points=2), Claim("B", requested=5_000_00, points=1)]
    result = one_pot(claims, 10_000_00, unit=100, cap=3_000_00)
    lines = {line.key: line for line in result.lines}
    assert (lines["A"].awarded, lines["A"].reason) == (1_234_00, Reason.ROUNDED)
    assert (lines["B"].awarded, lines["B"].reason) == (3_000_00, Reason.CAPPED)


def test_pro_rata_states_the_pots_ratio():
    claims = [Claim("A", requested=300, points=1), Claim("B", requested=100, points=1)]
    result = one_pot(claims, 200, method="pro_rata")
    assert result.awards == {"A": 150, "B": 50}
    assert reasons(result) == {"A": Reason.PRO_RATA, "B": Reason.PRO_RATA}
    assert {line.detail["ratio"] for line in result.lines} == {Fraction(1, 2)}
    assert result.pots[0].ratio == Fraction(1, 2)


def test_ranked_when_everything_fits():
    result = one_pot(ABC, 500)
    assert result.awards == {"A": 60, "B": 50, "C": 10}
    assert result.unspent == {"pot": 380}


def test_tiebreak_orders_equal_points_and_a_missing_tiebreak_comes_last():
    claims = [
        Claim("none", requested=10, points=5),
        Claim("low", requested=10, points=5, tiebreak=Decimal("2.5")),
        Claim("high", requested=10, points=5, tiebreak=7),
        Claim("better-points", requested=10, points=Decimal("5.1")),
    ]
    result = one_pot(claims, 30)
    assert [line.key for line in result.lines] == ["better-points", "high", "low", "none"]
    assert result.awards == {"better-points": 10, "high": 10, "low": 10, "none": 0}


def lottery_winner(seed, keys):
    """The rule as documented: the smaller SHA-256 of "<seed>:<key>" wins an exact tie."""
    return min(keys, key=lambda key: hashlib.sha256(f"{seed}:{key}".encode()).digest())


def test_the_seeded_lottery_settles_exact_ties_whatever_the_input_order():
    claims = [
        Claim("GM0014-1", requested=10, points=8, tiebreak=1),
        Claim("GM0034-1", requested=10, points=8, tiebreak=1),
    ]
    winners = set()
    for seed in range(12):
        result = one_pot(claims, 10, seed=seed)
        expected = lottery_winner(seed, ["GM0014-1", "GM0034-1"])
        assert expected == min(["GM0014-1", "GM0034-1"], key=lambda key: lottery_ticket(seed, key))
        assert result.lines[0].key == expected
        assert result.awards[expected] == 10
        assert one_pot(claims[::-1], 10, seed=seed) == result
        winners.add(expected)
    assert winners == {"GM0014-1", "GM0034-1"}  # the seed really changes the draw


def test_the_lottery_is_the_same_in_another_process():
    """Python's hash() is salted per process; the lottery must not be."""
    script = (
        "import json; from allocations.engine import Claim, Pot, Policy, allocate; "
        "claims = [Claim(f'k{i}', requested=10, points=1) for i in range(8)]; "
        "result = allocate(claims, [Pot('p', 40)], Policy(seed=7)); "
        "print(json.dumps(result.awards))"
    )
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        completed = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True, cwd=ROOT
        )
        outputs.append(json.loads(completed.stdout))
    assert outputs[0] == outputs[1]
    expected = sorted((f"k{i}" for i in range(8)), key=lambda k: hashlib.sha256(f"7:{k}".encode()).digest())
    assert sorted(k for k, v in outputs[0].items() if v) == sorted(expected[:4])


def test_cap_limits_a_claim_and_its_line_says_so():
    claims = [Claim("big", requested=60, points=2), Claim("small", requested=20, points=1)]
    result = one_pot(claims, 100, cap=30)
    assert result.awards == {"big": 30, "small": 20}
    big, small = result.lines
    assert (big.capped_request, big.reason) == (30, Reason.CAPPED)
    assert (small.capped_request, small.reason) == (20, Reason.FULL)
    assert result.unspent == {"pot": 50}


def test_min_points_and_eligibility_keep_claims_out_of_the_competition():
    claims = [
        Claim("ok", requested=50, points=10),
        Claim("below", requested=50, points=Decimal("9.9")),
        Claim("ineligible", requested=50, points=20, eligible=False),
        Claim("ineligible-and-below", requested=50, points=1, eligible=False),
    ]
    result = one_pot(claims, 1000, min_points=10)
    assert result.awards == {"ok": 50, "below": 0, "ineligible": 0, "ineligible-and-below": 0}
    assert reasons(result) == {
        "ok": Reason.FULL,
        "below": Reason.BELOW_THRESHOLD,
        "ineligible": Reason.INELIGIBLE,
        "ineligible-and-below": Reason.INELIGIBLE,
    }
    assert result.unspent == {"pot": 950}
    # They are still ranked, for information, in the one ordering of the run.
    assert [line.key for line in result.lines] == ["ineligible", "ok", "below", "ineligible-and-below"]


def test_pro_rata_gives_everyone_the_same_fraction_when_over_subscribed():
    claims = [Claim("A", requested=100, points=1), Claim("B", requested=300, points=2)]
    result = one_pot(claims, 100, method="pro_rata")
    assert result.awards == {"A": 25, "B": 75}
    assert reasons(result) == {"A": Reason.PRO_RATA, "B": Reason.PRO_RATA}
    result = one_pot(claims, 1000, method="pro_rata")
    assert result.awards == {"A": 100, "B": 300}
    assert result.unspent == {"pot": 600}


def test_pro_rata_water_fills_what_capped_claims_cannot_take():
    # At 1/2, C (600) would get 300 > cap 200; capped, the level becomes 3/4 and B (300) would get
    # 225 > 200; capped too, the level becomes 1 and A gets its whole 100.
    claims = [
        Claim("A", requested=100, points=1),
        Claim("B", requested=300, points=2),
        Claim("C", requested=600, points=3),
    ]
    result = one_pot(claims, 500, method="pro_rata", cap=200)
    assert result.awards == {"A": 100, "B": 200, "C": 200}
    assert reasons(result) == {"A": Reason.FULL, "B": Reason.CAPPED, "C": Reason.CAPPED}
    assert result.unspent == {"pot": 0}


def test_pro_rata_rounds_to_whole_euros_by_largest_remainder():
    claims = [Claim(key, requested=100_00, points=points) for key, points in (("A", 3), ("B", 2), ("C", 1))]
    result = one_pot(claims, 100_00, method="pro_rata", unit=100)
    # €33.33 each: €33 each and the one euro left goes to the best-ranked claim.
    assert result.awards == {"A": 34_00, "B": 33_00, "C": 33_00}
    assert result.unspent == {"pot": 0}


def test_pro_rata_equal_remainders_follow_the_lottery_when_points_tie():
    keys = ["x1", "x2", "x3"]
    claims = [Claim(key, requested=100_00, points=1) for key in keys]
    for seed in range(4):
        result = one_pot(claims, 100_00, method="pro_rata", unit=100, seed=seed)
        assert [k for k, v in result.awards.items() if v == 34_00] == [lottery_winner(seed, keys)]


def test_formula_splits_by_weight_and_redistributes_above_a_request():
    claims = [
        Claim("w1", requested=1000_00, points=3, weight=1),
        Claim("w2", requested=1000_00, points=2, weight=2),
        Claim("w3", requested=150_00, points=1, weight=3),
    ]
    assert one_pot(
        [*claims[:2], Claim("w3", requested=1000_00, points=1, weight=3)], 600_00, method="formula"
    ).awards == {"w1": 100_00, "w2": 200_00, "w3": 300_00}
    # w3 can take only 150; the other 450 go 1:2 to the others.
    result = one_pot(claims, 600_00, method="formula")
    assert result.awards == {"w1": 150_00, "w2": 300_00, "w3": 150_00}
    assert reasons(result) == {"w1": Reason.FORMULA, "w2": Reason.FORMULA, "w3": Reason.FULL}


def test_formula_with_decimal_weights_is_exact_to_the_cent():
    claims = [
        Claim("a", requested=10_000, points=3, weight=Decimal("1.5")),
        Claim("b", requested=10_000, points=2, weight=Decimal("2.25")),
        Claim("c", requested=10_000, points=1, weight=1),
    ]
    # Exact shares 315.79, 473.68, 210.53: floors add up to 998, the two largest remainders get a cent.
    assert one_pot(claims, 1000, method="formula").awards == {"a": 316, "b": 474, "c": 210}


def test_ranked_spill_over_moves_money_and_unmet_claims_on():
    pots = [Pot("M50", 100, spill_to="general"), Pot("general", 200)]
    claims = [
        Claim("A", requested=150, points=5, pot="M50"),
        Claim("B", requested=180, points=9, pot="general"),
        Claim("C", requested=50, points=1, pot="general"),
    ]
    result = allocate(claims, pots, Policy(partial_last=True))
    # M50 gives A its 100; A's last 50 competes in general, behind B (better points).
    assert result.awards == {"B": 180, "A": 120, "C": 0}
    lines = {line.key: line for line in result.lines}
    assert lines["A"].funded_from == (("M50", 100), ("general", 20))
    assert (lines["A"].pot, lines["A"].reason) == ("M50", Reason.PARTIAL)
    assert result.unspent == {"M50": 0, "general": 0}

    result = allocate(claims, pots, Policy(partial_last=False))
    # Skip: A does not fit in M50, so M50's 100 and A move on; in general (300) A does not fit after B.
    assert result.awards == {"B": 180, "A": 0, "C": 50}
    assert result.unspent == {"M50": 0, "general": 70}
    m50, general = result.pots
    assert (m50.spent, m50.passed_on, m50.unspent) == (0, 100, 0)
    assert (general.received, general.spent, general.unspent) == (100, 230, 70)


def test_three_pots_spill_into_one():
    pots = [Pot("NTA", 100, spill_to="general"), Pot("M50", 50, spill_to="general"), Pot("general", 100)]
    claims = [
        Claim("N1", requested=40, points=1, pot="NTA"),
        Claim("M1", requested=80, points=3, pot="M50"),
        Claim("G1", requested=100, points=2, pot="general"),
    ]
    result = allocate(claims, pots, Policy())
    assert result.awards == {"M1": 80, "G1": 100, "N1": 40}
    lines = {line.key: line for line in result.lines}
    assert lines["M1"].funded_from == (("M50", 50), ("general", 30))
    assert lines["M1"].reason == Reason.FULL
    assert result.unspent == {"NTA": 0, "M50": 0, "general": 30}
    assert [(p.name, p.received, p.spent, p.passed_on, p.unspent) for p in result.pots] == [
        ("NTA", 0, 40, 60, 0),
        ("M50", 0, 50, 0, 0),
        ("general", 60, 130, 0, 30),
    ]


def test_pro_rata_spill_over_shares_the_unmet_part():
    pots = [Pot("M50", 100, spill_to="general"), Pot("general", 100)]
    claims = [
        Claim("A", requested=200, points=1, pot="M50"),
        Claim("B", requested=100, points=2, pot="general"),
    ]
    result = allocate(claims, pots, Policy(method="pro_rata"))
    # A gets all of M50 (100); its unmet 100 and B's 100 share general half and half.
    assert result.awards == {"A": 150, "B": 50}
    assert {line.key: line.funded_from for line in result.lines} == {
        "A": (("M50", 100), ("general", 50)),
        "B": (("general", 50),),
    }


def test_unit_rounds_a_ceiling_down_and_the_line_explains_it():
    result = one_pot([Claim("odd", requested=123_45, points=1)], 1_000_00, unit=100)
    (line,) = result.lines
    assert (line.requested, line.capped_request, line.awarded, line.reason) == (
        123_45,
        123_00,
        123_00,
        Reason.ROUNDED,
    )
    assert result.unspent == {"pot": 877_00}
    # A budget that is not whole euros keeps its odd cents.
    result = one_pot([Claim("big", requested=1_000_00, points=1)], 500_50, unit=100)
    assert result.awards == {"big": 500_00}
    assert result.unspent == {"pot": 50}


def test_lines_and_awards_are_in_rank_order_and_cover_every_claim():
    claims = [Claim(f"k{i}", requested=10, points=i % 3, eligible=i != 4) for i in range(7)]
    result = one_pot(claims, 25)
    assert [line.rank for line in result.lines] == list(range(1, 8))
    assert list(result.awards) == [line.key for line in result.lines]
    assert set(result.awards) == {c.key for c in claims}
    assert one_pot(claims[::-1], 25) == result


BAD_CLAIMS = [
    (lambda: Claim("k1", requested=0, points=1), "k1: requested must be positive"),
    (lambda: Claim("k2", requested=-5, points=1), "k2: requested must be positive"),
    (lambda: Claim("k3", requested=10.0, points=1), "k3: requested must be an int of euro cents"),
    (lambda: Claim("k4", requested=Decimal("10"), points=1), "k4: requested must be an int of euro cents"),
    (lambda: Claim("k5", requested=True, points=1), "k5: requested must be an int of euro cents"),
    (lambda: Claim("k6", requested=10, points=1.5), "k6: points must be a finite Decimal or an int"),
    (lambda: Claim("k7", requested=10, points=Decimal("NaN")), "k7: points must be a finite Decimal"),
    (lambda: Claim("k8", requested=10, points=1, tiebreak=0.5), "k8: tiebreak must be"),
    (lambda: Claim("k9", requested=10, points=1, weight=2.0), "k9: weight must be"),
    (lambda: Claim("k10", requested=10, points=1, eligible="yes"), "k10: eligible must be True or False"),
    (lambda: Claim("", requested=10, points=1), "claim key must be a non-empty string"),
]


@pytest.mark.parametrize(("make", "message"), BAD_CLAIMS)
def test_bad_claims_are_refused_naming_the_claim(make, message):
    with pytest.raises(ValueError, match=message):
        make()


BAD_RUNS = [
    ([Claim("dup", 10, 1), Claim("dup", 20, 2)], [Pot("p", 10)], Policy(), "used more than once: dup"),
    ([Claim("lost", 10, 1, pot="nowhere")], [Pot("p", 10)], Policy(), "claim lost: unknown pot 'nowhere'"),
    ([], [], Policy(), "at least one pot"),
    ([], [Pot("p", 10), Pot("p", 20)], Policy(), "pot name 'p' is used twice"),
    ([], [Pot("p", 10, spill_to="q")], Policy(), "pot p: spill_to names an unknown pot 'q'"),
    ([], [Pot("a", 10), Pot("b", 10, spill_to="a")], Policy(), "must come later in the list"),
    (
        [],
        [Pot("a", 1, "b"), Pot("b", 1, "c"), Pot("c", 1, "a")],
        Policy(),
        "pot c: spill_to 'a' must come later",
    ),
    (
        [Claim("noweight", 10, 1)],
        [Pot("p", 10)],
        Policy(method="formula"),
        "claim noweight: the formula method needs a positive weight, got None",
    ),
    (
        [Claim("zero", 10, 1, weight=0)],
        [Pot("p", 10)],
        Policy(method="formula"),
        "claim zero: .* positive weight",
    ),
    (["not a claim"], [Pot("p", 10)], Policy(), "claims must be Claim instances"),
    ([], [Pot("p", 10)], "ranked", "policy must be a Policy"),
]


@pytest.mark.parametrize(("claims", "pots", "policy", "message"), BAD_RUNS)
def test_bad_runs_are_refused_with_a_clear_message(claims, pots, policy, message):
    with pytest.raises(ValueError, match=message):
        allocate(claims, pots, policy)


def test_formula_needs_weights_only_on_competing_claims():
    claims = [Claim("in", 10, 5, weight=1), Claim("out", 10, 5, eligible=False), Claim("low", 10, 1)]
    result = one_pot(claims, 100, method="formula", min_points=2)
    assert result.awards == {"in": 10, "out": 0, "low": 0}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Pot("p", -1), "pot p: budget must not be negative"),
        (lambda: Pot("p", 1.5), "pot p: budget must be an int"),
        (lambda: Pot("p", 1, spill_to="p"), "pot p: spill_to points to itself"),
        (lambda: Pot("", 1), "pot name must be a non-empty string"),
        (lambda: Policy(method="lottery"), "unknown allocation method 'lottery'; choose one of ranked"),
        (lambda: Policy(unit=0), "unit must be a positive int"),
        (lambda: Policy(unit=-100), "unit must be a positive int"),
        (lambda: Policy(cap=0), "cap must be None or a positive int"),
        (lambda: Policy(cap=10.0), "cap must be None or a positive int"),
        (lambda: Policy(min_points=0.5), "min_points must be None, a finite Decimal or an int"),
        (lambda: Policy(partial_last=1), "partial_last must be True or False"),
        (lambda: Policy(seed="x"), "seed must be an int"),
    ],
)
def test_bad_pots_and_policies_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_result_and_inputs_are_frozen():
    result = one_pot(ABC, 100)
    with pytest.raises(AttributeError):
        result.unspent = {}
    with pytest.raises(AttributeError):
        ABC[0].requested = 1


def test_the_engine_imports_no_django():
    """The engine must stay pure, so that it runs (and is benchmarked) without the web application."""
    script = (
        "import sys, allocations.engine; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework', 'celery')))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    completed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == "[]"
