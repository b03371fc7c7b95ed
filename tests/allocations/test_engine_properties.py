"""Property-based tests of the invariants in DESIGN.md §6, and agreement with a slow, exact reference.

Each test states what it proves. A "tree" is a pot that keeps its leftover (no ``spill_to``) with every
pot that spills into it, directly or not: money and unmet claims only ever flow down such a tree.
"""

import hashlib
import math
import os
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, note, settings
from hypothesis import strategies as st

from allocations.engine import Claim, Policy, Pot, Reason, allocate
from allocations.engine_funding import fund_shares

# The engine's own profiles (see conftest.py): HYPOTHESIS_PROFILE=ci for CI, =thorough for a deeper search,
# anything else is dev.
PROFILE = settings.get_profile(
    {"ci": "engine-ci", "thorough": "engine-thorough"}.get(os.environ.get("HYPOTHESIS_PROFILE", ""), "engine-dev")
)
POT_NAMES = ["P0", "P1", "P2"]
points = st.one_of(st.integers(0, 4), st.decimals(min_value=0, max_value=4, places=1))
tiebreaks = st.one_of(st.none(), st.integers(0, 2), st.decimals(min_value=0, max_value=2, places=1))
weights = st.one_of(st.integers(1, 20), st.decimals(min_value=Decimal("0.01"), max_value=20, places=2))


@st.composite
def pot_lists(draw):
    names = POT_NAMES[: draw(st.integers(1, 3))]
    pots = []
    for position, name in enumerate(names):
        later = names[position + 1 :]
        spill_to = draw(st.none() | st.sampled_from(later)) if later else None
        pots.append(Pot(name, draw(st.integers(0, 1500)), spill_to))
    return pots


@st.composite
def runs(draw, methods=("ranked", "pro_rata", "formula"), partial_last=(True, False), points=points):
    """Small runs with many ties (few distinct points), caps, thresholds, odd units and up to three pots."""
    pots = draw(pot_lists())
    keys = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), max_size=12, unique=True))
    pot_choices = [None, *(pot.name for pot in pots)]
    claims = [
        Claim(
            key=key,
            requested=draw(st.integers(1, 1200)),
            points=draw(points),
            pot=draw(st.sampled_from(pot_choices)),
            eligible=draw(st.sampled_from([True, True, True, False])),
            weight=draw(weights),
            tiebreak=draw(tiebreaks),
        )
        for key in keys
    ]
    policy = Policy(
        method=draw(st.sampled_from(methods)),
        cap=draw(st.none() | st.integers(1, 900)),
        min_points=draw(st.none() | points),
        partial_last=draw(st.sampled_from(partial_last)),
        unit=draw(st.sampled_from([1, 1, 7, 100])),
        seed=draw(st.integers(0, 5)),
    )
    return claims, pots, policy


# --- the reference: plain, slow and exact -------------------------------------------------------------


def reference(claims, pots, policy):
    """The rules of the module docstring, written the obvious way with Fractions and dicts by key.

    Unlike the engine, the water level is found by capping every claim at or under the current level
    until none is left (not by sorting), rounding sorts Fraction remainders directly, and a tie is found by
    re-running the pot with the claim moved to the front of its group of equal points (a counterfactual),
    not by arithmetic on the money left.
    """
    unit = policy.unit

    def order(claim):
        tiebreak = (0, -Fraction(claim.tiebreak)) if claim.tiebreak is not None else (1, 0)
        ticket = hashlib.sha256(f"{policy.seed}:{claim.key}".encode()).digest()
        return (-Fraction(claim.points), tiebreak, ticket)

    ranked = sorted(claims, key=order)
    rank = {claim.key: position for position, claim in enumerate(ranked, start=1)}
    home = {c.key: c.pot or pots[0].name for c in claims}
    ceiling = {c.key: min(c.requested, policy.cap or c.requested) // unit * unit for c in claims}

    def reason_out(claim):
        if not claim.eligible:
            return Reason.INELIGIBLE
        if policy.min_points is not None and claim.points < policy.min_points:
            return Reason.BELOW_THRESHOLD
        return None

    awarded = {c.key: 0 for c in claims}
    funded_from = {c.key: [] for c in claims}
    verdict = {}  # key -> (reason, pot) of the last pot that left the claim short
    waiting = {pot.name: [] for pot in pots}
    for claim in ranked:
        if reason_out(claim) is None and ceiling[claim.key]:
            waiting[home[claim.key]].append(claim)
    money_in = {pot.name: 0 for pot in pots}
    unspent = {}
    for pot in pots:
        available = pot.budget + money_in[pot.name]
        members = sorted(waiting[pot.name], key=lambda c: rank[c.key])
        need = {c.key: ceiling[c.key] - awarded[c.key] for c in members}
        spendable = available // unit * unit
        if policy.method == "ranked":
            grants, at_turn = reference_ranked(members, need, spendable, policy.partial_last)
            for claim in members:
                key = claim.key
                if grants.get(key, 0) == need[key]:
                    continue
                if grants.get(key, 0):
                    reason = Reason.PARTIAL
                elif at_turn[key]:
                    reason = Reason.SKIPPED
                else:
                    reason = Reason.BUDGET_EXHAUSTED
                first = [c for c in members if c.points == claim.points and c.key != claim.key]
                reordered = sorted([claim, *first], key=lambda c: c is not claim)
                group = [c for c in members if c.points == claim.points]
                at = members.index(group[0])
                counterfactual = members[:at] + reordered + members[at + len(group) :]
                if reference_ranked(counterfactual, need, spendable, policy.partial_last)[0].get(key, 0) > grants.get(
                    key, 0
                ):
                    reason = Reason.TIE
                verdict[key] = (reason, pot.name)
        else:
            if policy.method == "pro_rata":
                basis = {c.key: Fraction(c.requested - awarded[c.key]) for c in members}
            else:
                basis = {c.key: Fraction(c.weight) for c in members}
            grants = reference_shares([c.key for c in members], need, basis, spendable, unit)
            short_reason = Reason.PRO_RATA if policy.method == "pro_rata" else Reason.FORMULA
            for claim in members:
                if grants[claim.key] < need[claim.key]:
                    verdict[claim.key] = (short_reason, pot.name)
        for key, grant in grants.items():
            if grant:
                awarded[key] += grant
                funded_from[key].append((pot.name, grant))
        left = available - sum(grants.values())
        if pot.spill_to:
            money_in[pot.spill_to] += left
            waiting[pot.spill_to] += [c for c in members if awarded[c.key] < ceiling[c.key]]
            unspent[pot.name] = 0
        else:
            unspent[pot.name] = left

    reasons = {}
    for claim in claims:
        key = claim.key
        reasons[key] = reason_out(claim) or (
            Reason.FULL
            if awarded[key] == claim.requested
            else (Reason.CAPPED if policy.cap is not None and policy.cap < claim.requested else Reason.ROUNDED)
            if awarded[key] == ceiling[key]
            else verdict[key][0]
        )
    return {
        "order": [c.key for c in ranked],
        "awards": awarded,
        "funded_from": {key: tuple(entries) for key, entries in funded_from.items()},
        "reasons": reasons,
        "unspent": unspent,
        "ceiling": ceiling,
    }


def reference_ranked(members, need, money, partial_last):
    """Grants by key, and the money left at each claim's turn."""
    grants, at_turn = {}, {}
    for claim in members:
        want = need[claim.key]
        at_turn[claim.key] = money
        if want <= money:
            grants[claim.key] = want
            money -= want
        elif partial_last:
            grants[claim.key] = money
            money = 0
    return grants, at_turn


def reference_shares(keys, limit, basis, money, unit):
    """Water-filling by repeated capping, then largest remainder in units with ties in the given order."""
    if sum(limit[k] for k in keys) <= money:
        return {k: limit[k] for k in keys}
    capped = set()
    while True:
        level = Fraction(money - sum(limit[k] for k in capped), sum(basis[k] for k in keys if k not in capped))
        newly = {k for k in keys if k not in capped and limit[k] <= level * basis[k]}
        if not newly:
            break
        capped |= newly
    exact = {k: Fraction(limit[k]) if k in capped else level * basis[k] for k in keys}
    units = {k: math.floor(exact[k] / unit) for k in keys}
    extra = money // unit - sum(units.values())
    by_remainder = sorted(range(len(keys)), key=lambda i: (-(exact[keys[i]] / unit - units[keys[i]]), i))
    for i in by_remainder[:extra]:
        units[keys[i]] += 1
    return {k: units[k] * unit for k in keys}


# --- helpers for the invariants --------------------------------------------------------------------------


def tree_of(pots):
    """Pot name -> the name of the pot where its money ends up."""
    by_name = {pot.name: pot for pot in pots}

    def end(name):
        while by_name[name].spill_to:
            name = by_name[name].spill_to
        return name

    return {pot.name: end(pot.name) for pot in pots}


def upstream(pots, name):
    """The pots whose money and unmet claims can reach ``name``, including itself."""
    by_name = {pot.name: pot for pot in pots}
    found = set()
    for pot in pots:
        current = pot.name
        while current:
            if current == name:
                found.add(pot.name)
                break
            current = by_name[current].spill_to
    return found


def competing(line):
    return line.reason not in (Reason.INELIGIBLE, Reason.BELOW_THRESHOLD)


# --- the properties -------------------------------------------------------------------------------------


@PROFILE
@given(runs())
def test_agrees_with_the_exact_reference(run):
    """Every award, every funding source, every reason, every pot's leftover and the rank order are
    exactly those of the Fraction-based reference: shares exact to the unit with largest remainder,
    water-filling of capped excess, and the seeded order."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    expected = reference(claims, pots, policy)
    note(f"expected: {expected}")
    assert [line.key for line in result.lines] == expected["order"]
    assert result.awards == expected["awards"]
    assert {line.key: line.funded_from for line in result.lines} == expected["funded_from"]
    assert {line.key: line.reason for line in result.lines} == expected["reasons"]
    assert {line.key: line.capped_request for line in result.lines} == expected["ceiling"]
    assert result.unspent == expected["unspent"]


@PROFILE
@given(runs())
def test_awards_stay_within_request_cap_and_unit(run):
    """0 <= award <= min(requested, cap), a multiple of the unit; out of the competition means 0 with that
    reason; and each reason matches the amounts on its line."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    by_key = {claim.key: claim for claim in claims}
    assert set(result.awards) == set(by_key)
    for line in result.lines:
        claim = by_key[line.key]
        limit = min(claim.requested, policy.cap or claim.requested)
        assert 0 <= line.awarded <= line.capped_request <= limit <= claim.requested
        assert line.awarded % policy.unit == 0
        assert line.capped_request == limit // policy.unit * policy.unit
        assert line.awarded == result.awards[line.key] == sum(amount for _, amount in line.funded_from)
        if not claim.eligible:
            assert (line.reason, line.awarded) == (Reason.INELIGIBLE, 0)
        elif policy.min_points is not None and claim.points < policy.min_points:
            assert (line.reason, line.awarded) == (Reason.BELOW_THRESHOLD, 0)
        elif line.awarded == claim.requested:
            assert line.reason == Reason.FULL
        elif line.awarded == line.capped_request:
            assert line.reason in (Reason.CAPPED, Reason.ROUNDED)
        else:
            assert line.reason in SHORT_REASONS[policy.method]


SHORT_REASONS = {
    "ranked": {Reason.PARTIAL, Reason.SKIPPED, Reason.BUDGET_EXHAUSTED, Reason.TIE},
    "pro_rata": {Reason.PRO_RATA},
    "formula": {Reason.FORMULA},
}


@PROFILE
@given(st.one_of(runs(), runs(methods=("ranked",), points=st.integers(1, 2))))
def test_every_stated_ground_is_true(run):
    """What each line's reason says, checked against the amounts and the pots, not against the engine's own
    bookkeeping: a capped award is the cap (to the unit) and the cap is below the request; a rounded award is
    the request rounded down and no cap was below it; "partial" got exactly what was left and the pot
    spent it all; "skipped" wanted more than was left, got nothing from that pot, and so many lower claims
    were funded from it; "budget exhausted" came after the pot's cut-off and got nothing from it; a tie names
    funded claims of equal points placed before it, and with the money left when the group began it would
    have got more; pro rata got the pot's ratio of what it asked there, to within one unit."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    by_key = {claim.key: claim for claim in claims}
    summaries = {summary.name: summary for summary in result.pots}
    lines = {line.key: line for line in result.lines}
    unit = policy.unit
    for line in result.lines:
        claim = by_key[line.key]
        detail = line.detail or {}
        from_pot = dict(line.funded_from).get(detail.get("pot"), 0)
        lacking = line.capped_request - (line.awarded - from_pot)  # what it still wanted when it came to that pot
        if line.reason == Reason.CAPPED:
            assert policy.cap < claim.requested and line.awarded == policy.cap // unit * unit
        elif line.reason == Reason.ROUNDED:
            assert policy.cap is None or policy.cap >= claim.requested
            assert line.awarded == claim.requested // unit * unit < claim.requested
        elif line.reason == Reason.FULL:
            assert line.awarded == claim.requested
        elif line.reason == Reason.PARTIAL:
            assert policy.partial_last and 0 < from_pot == detail["left"] < lacking
            assert summaries[detail["pot"]].cutoff_rank == line.rank
        elif line.reason == Reason.SKIPPED:
            assert not policy.partial_last and from_pot == 0 and 0 < detail["left"] < lacking
            below = [
                other
                for other in result.lines
                if other.rank > line.rank and any(name == detail["pot"] for name, _ in other.funded_from)
            ]
            assert detail["funded_below"] == len(below)
        elif line.reason == Reason.BUDGET_EXHAUSTED:
            assert from_pot == 0 and summaries[detail["pot"]].cutoff_rank <= line.rank
        elif line.reason == Reason.TIE:
            assert detail["against"] and detail["left"] < detail["left_at_tie"]
            for key, how in detail["against"]:
                winner = lines[key]
                assert by_key[key].points == claim.points and winner.rank < line.rank
                assert any(name == detail["pot"] for name, _ in winner.funded_from)
                same_tiebreak = by_key[key].tiebreak == claim.tiebreak
                assert how == ("lottery" if same_tiebreak else "tiebreak")
            would = min(lacking, detail["left_at_tie"]) if policy.partial_last else lacking
            assert from_pot < would <= detail["left_at_tie"] or (policy.partial_last and from_pot < would)
        elif line.reason == Reason.PRO_RATA:
            asked = claim.requested - (line.awarded - from_pot)
            assert abs(from_pot - detail["ratio"] * asked) < unit
            assert summaries[detail["pot"]].ratio == detail["ratio"] < 1


@PROFILE
@given(runs())
def test_no_pot_spends_more_than_it_has_and_no_cent_is_lost(run):
    """Each pot spends at most its budget plus what spilled into it; budget + received = spent + passed on
    + unspent; what a pot receives is what the pots spilling into it passed on; the total spent never
    exceeds the total budget, and awards plus unspent add up to the total budget exactly."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    spent_from = defaultdict(int)
    for line in result.lines:
        for pot, amount in line.funded_from:
            assert amount > 0
            spent_from[pot] += amount
    passed_to = defaultdict(int)
    for pot, summary in zip(pots, result.pots, strict=True):
        assert (summary.name, summary.budget) == (pot.name, pot.budget)
        assert summary.spent == spent_from[pot.name] <= pot.budget + summary.received
        assert pot.budget + summary.received == summary.spent + summary.passed_on + summary.unspent
        assert summary.unspent == result.unspent[pot.name] >= 0
        assert summary.received == passed_to[pot.name]
        if pot.spill_to:
            assert summary.unspent == 0
            passed_to[pot.spill_to] += summary.passed_on
        else:
            assert summary.passed_on == 0
    total_budget = sum(pot.budget for pot in pots)
    assert result.total_budget == total_budget
    assert result.total_awarded == sum(result.awards.values()) <= total_budget
    assert sum(result.awards.values()) + sum(result.unspent.values()) == total_budget


@PROFILE
@given(runs())
def test_the_budget_is_spent_when_demand_reaches_it(run):
    """Per tree, with D the capped requests of its competing claims and B its budgets: if D <= B every such
    claim gets its whole capped request and exactly B - D is left. If D > B, the tree's leftover is less
    than one unit for ranked with partial_last, pro rata and formula; for ranked with skip, every claim
    left short lacks more than that leftover (so none of them would still fit)."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    end_of = tree_of(pots)
    demand, budget, short = defaultdict(int), defaultdict(int), defaultdict(list)
    for pot in pots:
        budget[end_of[pot.name]] += pot.budget
    for line in result.lines:
        if competing(line):
            demand[end_of[line.pot]] += line.capped_request
            if line.awarded < line.capped_request:
                short[end_of[line.pot]].append(line.capped_request - line.awarded)
    for end in set(end_of.values()):
        left = result.unspent[end]
        if demand[end] <= budget[end]:
            assert short[end] == []
            assert left == budget[end] - demand[end]
        elif policy.method != "ranked" or policy.partial_last:
            assert left < policy.unit
        # Any rule: a claim left short could not have been given the leftover.
        assert all(lacking > left for lacking in short[end])


@PROFILE
@given(runs(methods=("ranked",), partial_last=(True,)))
def test_ranked_never_funds_a_claim_while_a_better_one_is_short(run):
    """Ranked with partial_last: if a pot gives a claim anything, every better-ranked competing claim that
    could reach that pot ends up with its whole capped request."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    for pot in pots:
        reach = upstream(pots, pot.name)
        candidates = [line for line in result.lines if competing(line) and line.pot in reach]
        funded_here = [line.rank for line in candidates if any(name == pot.name for name, _ in line.funded_from)]
        if funded_here:
            worst = max(funded_here)
            for line in candidates:
                if line.rank < worst:
                    assert line.awarded == line.capped_request, (pot.name, line)


@PROFILE
@given(runs(methods=("ranked",), partial_last=(False,)))
def test_ranked_skip_funds_all_or_nothing(run):
    """Ranked with skip never funds a claim in part, so no funded claim is outranked by one partly funded;
    and a claim is funded from one pot only."""
    claims, pots, policy = run
    result = allocate(claims, pots, policy)
    for line in result.lines:
        assert line.awarded in (0, line.capped_request)
        assert len(line.funded_from) <= 1


@PROFILE
@given(runs(), st.randoms(use_true_random=False))
def test_the_order_of_the_claims_does_not_matter(run, random):
    """The same claims, pots and seed give the identical result (lines, order, sources) in any input order."""
    claims, pots, policy = run
    shuffled = list(claims)
    random.shuffle(shuffled)
    first, second = allocate(claims, pots, policy), allocate(shuffled, pots, policy)
    assert first == second
    assert list(first.awards) == list(second.awards)


# --- the integer kernel at sizes where floats fail ---------------------------------------------------


@PROFILE
@given(
    st.lists(st.tuples(st.integers(0, 10**24), st.integers(1, 10**24)), min_size=1, max_size=10),
    st.floats(min_value=0, max_value=1.2),
)
def test_shares_are_exact_with_huge_numbers(pairs, fraction):
    """fund_shares orders by float ratios for speed; with 24-digit numbers distinct ratios share a float
    and remainders exceed 2**53, and the grants must still equal the exact reference."""
    limits = [limit for limit, _ in pairs]
    bases = [basis for _, basis in pairs]
    available = int(sum(limits) * Fraction(fraction))
    keys = list(range(len(pairs)))
    expected = reference_shares(keys, dict(enumerate(limits)), dict(enumerate(map(Fraction, bases))), available, 1)
    assert fund_shares(limits, bases, available)[0] == [expected[k] for k in keys]


def test_ratios_that_share_a_float_are_still_capped_in_exact_order():
    # Claim 0 has ratio 1 - 1e-18 and claim 1 has 1 - 1/(1e18 - 1): the same float (1.0), but claim 1's is
    # smaller. The stable float sort visits claim 0 first; it is above the level, yet claim 1 is not.
    # Both are scaled up so that getting the order wrong would overpay claim 1 by whole units.
    big, scale = 10**18, 10**20
    limits = [scale * (big - 1), scale * (big - 2), 1]
    bases = [scale * big, scale * (big - 1), 10**6]
    assert limits[0] / bases[0] == limits[1] / bases[1]
    assert Fraction(limits[1], bases[1]) < Fraction(limits[0], bases[0])
    available = sum(limits) - 1  # one short: the level ends between the two ratios
    expected = reference_shares([0, 1, 2], dict(enumerate(limits)), dict(enumerate(map(Fraction, bases))), available, 1)
    assert [expected[k] for k in range(3)] == [limits[0] - 1, limits[1], limits[2]]
    assert fund_shares(limits, bases, available)[0] == [limits[0] - 1, limits[1], limits[2]]
