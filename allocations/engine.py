"""The allocation engine: turns claims, pots and a policy into awards, with a reason for every cent.

Pure Python with no Django, so that it can be read, property-tested and benchmarked on its own
(DESIGN.md §6). Money is integer euro cents throughout; points, tiebreaks and weights are ``Decimal`` or
``int``; no amount is ever computed in floating point.

Methods
-------
``ranked``
    Claims are ordered by points (high first), then by ``tiebreak`` (high first; claims without one come
    after those with one), then by a lottery seeded with ``Policy.seed``: the claim with the smaller
    SHA-256 of ``"<seed>:<key>"`` goes first. The lottery depends on the key, not on the input order, so
    shuffling the claims changes nothing, and it is the same in every process. Each pot funds its claims
    in that order until the money runs out, with one of the two rules that real funds publish (the
    Amsterdam neighbourhood-budget rounds in the test data use both):

    - ``partial_last=True`` ("partial last"): the first claim that does not fit gets what is left (rounded
      down to the unit) and funding in that pot stops. Rank is strict (no claim is funded while a better
      one is short) and the budget is used up. Funds choose it when a plan can be scaled down or the gap
      topped up from other money.
    - ``partial_last=False`` ("skip"): a claim that does not fit gets nothing from that pot, and the next,
      lower-ranked claims that still fit are funded. Funds choose it when a plan cannot be carried out
      with part of its money, and still want the budget to go as far as it can.

``pro_rata``
    When the capped requests fit in the pot, everyone gets theirs. Otherwise everyone gets the same
    fraction of their request, except that no one gets more than their cap; what capped claims cannot take
    is spread over the others (water-filling).

``formula``
    The pot is split in proportion to ``weight`` (e.g. inhabitants times need), never above a claim's capped
    request, with the excess spread over the others by water-filling. Every competing claim needs a
    positive weight.

Reasons
-------
Every line carries the one ground that limited it (``Reason``), decided here where the money is decided,
with its numbers in ``Line.detail``: full; capped (the policy's cap); rounded (the unit); and, for a claim
below its ceiling, the verdict of the last pot it competed in: partial (ranked, partial last: the money ran
out at this claim), skipped (ranked, skip: it did not fit what was left), budget exhausted (ranked: nothing
was left at its turn), tie (ranked: a claim with equal points that the tie-break placed first took the money
this claim would otherwise have had), pro rata or formula (an over-subscribed pot shared out).

Options and the rules behind them
---------------------------------
- ``eligible=False`` gets 0 (reason ``ineligible``, which wins over ``below_threshold``); points below
  ``Policy.min_points`` get 0 (reason ``below_threshold``). Neither competes for money.
- The ceiling of a claim (``Line.capped_request``) is its request, lowered to ``Policy.cap``, then rounded
  *down* to a multiple of ``Policy.unit``. Every award is a multiple of the unit, so with ``unit=100``
  (whole euros) a request of €1,234.56 gets at most €1,234.00, the usual "naar beneden afgerond" rule.
- Pro rata and formula shares are exact fractions rounded to whole units by largest remainder; equal
  remainders go to the better-ranked claim. A pot that is over-subscribed is therefore spent to within
  one unit.
- ``Claim.pot=None`` means the first pot. Pots are processed in the order given, and ``spill_to`` must
  name a pot *later* in that order, which also makes a cycle impossible. After a pot is processed, its
  unspent money and the unmet part of its claims move on to ``spill_to``: there the moved claims compete
  with its own claims in the same rank order, for pro rata with the unmet part of their request as their
  request, for a formula with their own weight. A claim can so be funded from several pots
  (``Line.funded_from``). A pot that passes its money on keeps 0 in ``Result.unspent``.

Result
------
``Result.lines`` and ``Result.awards`` are in rank order, which depends only on the claims and the seed,
never on the input order. ``Line.rank`` is the 1-based position in that one ordering of all claims of
the run (the same for every method, ineligible claims included), so ``lines[i].rank == i + 1``; every
pot funds its claims in the order of these ranks. ``Result.pots`` accounts for the money of each pot
(``budget + received == spent + passed_on + unspent``) and ``total_budget``, ``total_awarded`` and
``total_unspent`` sum up the run.
"""

from __future__ import annotations

import gc
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

from allocations.engine_funding import fund_ranked, fund_shares, lottery_ticket, rank_order

__all__ = [
    "TIE_BY_LOTTERY",
    "TIE_BY_TIEBREAK",
    "Claim",
    "Line",
    "Method",
    "Policy",
    "Pot",
    "PotSummary",
    "Reason",
    "Result",
    "allocate",
    "lottery_ticket",
]


class Method(StrEnum):
    RANKED = "ranked"
    PRO_RATA = "pro_rata"
    FORMULA = "formula"


class Reason(StrEnum):
    """Why a claim got what it got: the one ground that limited it, stored on every line (with its numbers in
    ``Line.detail``) so that each decision explains itself. Exactly one applies to every line."""

    FULL = "full"  # got its whole request
    CAPPED = "capped"  # got its whole ceiling, which Policy.cap set below the request
    ROUNDED = "rounded"  # got its whole ceiling, which the rounding unit (not the cap) set below the request
    PARTIAL = "partial"  # ranked, partial last: the pot's money ran out at this claim, which got what was left
    SKIPPED = "skipped"  # ranked, skip: did not fit the money left and got nothing from it; later claims may fit
    BUDGET_EXHAUSTED = "budget_exhausted"  # ranked: the pot's money had run out before this claim's turn
    TIE = "tie"  # ranked: lost money to a claim with equal points that the tie-break put first
    PRO_RATA = "pro_rata"  # pro rata in an over-subscribed pot: the pot's share of its request
    FORMULA = "formula"  # formula in an over-subscribed pot: its share by weight
    BELOW_THRESHOLD = "below_threshold"  # points below Policy.min_points
    INELIGIBLE = "ineligible"  # Claim.eligible is False


# How a tie between two claims with equal points was broken (``Line.detail["against"]``).
TIE_BY_TIEBREAK = "tiebreak"
TIE_BY_LOTTERY = "lottery"


def _is_money(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    """Points, tiebreaks and weights: exact numbers only, so rankings never hinge on float rounding."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return _is_money(value)


@dataclass(frozen=True, slots=True)
class Claim:
    """One application's request for money, as the engine sees it.

    ``pot=None`` means the first pot. ``weight`` is only used (and then required) by the formula method.
    """

    key: str
    requested: int
    points: Decimal | int
    pot: str | None = None
    eligible: bool = True
    weight: Decimal | int | None = None
    tiebreak: Decimal | int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key:
            raise ValueError(f"claim key must be a non-empty string, got {self.key!r}")
        if not _is_money(self.requested):
            kind = type(self.requested).__name__
            raise ValueError(f"claim {self.key}: requested must be an int of euro cents, got {kind}")
        if self.requested <= 0:
            raise ValueError(f"claim {self.key}: requested must be positive, got {self.requested}")
        if not _is_number(self.points):
            raise ValueError(f"claim {self.key}: points must be a finite Decimal or an int, got {self.points!r}")
        for name in ("weight", "tiebreak"):
            value = getattr(self, name)
            if value is not None and not _is_number(value):
                raise ValueError(f"claim {self.key}: {name} must be a finite Decimal, an int or None, got {value!r}")
        if self.pot is not None and not isinstance(self.pot, str):
            raise ValueError(f"claim {self.key}: pot must be a pot name or None, got {self.pot!r}")
        if not isinstance(self.eligible, bool):
            raise ValueError(f"claim {self.key}: eligible must be True or False, got {self.eligible!r}")


@dataclass(frozen=True, slots=True)
class Pot:
    """A ring-fenced part of the budget; what it does not spend, and what its claims lack, can spill on."""

    name: str
    budget: int
    spill_to: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"pot name must be a non-empty string, got {self.name!r}")
        if not _is_money(self.budget):
            raise ValueError(f"pot {self.name}: budget must be an int of euro cents, got {self.budget!r}")
        if self.budget < 0:
            raise ValueError(f"pot {self.name}: budget must not be negative, got {self.budget}")
        if self.spill_to is not None and not isinstance(self.spill_to, str):
            raise ValueError(f"pot {self.name}: spill_to must be a pot name or None, got {self.spill_to!r}")
        if self.spill_to == self.name:
            raise ValueError(f"pot {self.name}: spill_to points to itself (a spill cycle)")


@dataclass(frozen=True, slots=True)
class Policy:
    """How to allocate: the method and its options (see the module docstring for the rules)."""

    method: str = Method.RANKED
    cap: int | None = None
    min_points: Decimal | int | None = None
    partial_last: bool = True
    unit: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        try:
            method = Method(self.method)
        except ValueError:
            choices = ", ".join(m.value for m in Method)
            raise ValueError(f"unknown allocation method {self.method!r}; choose one of {choices}") from None
        object.__setattr__(self, "method", method)
        if self.cap is not None and (not _is_money(self.cap) or self.cap <= 0):
            raise ValueError(f"cap must be None or a positive int of euro cents, got {self.cap!r}")
        if self.min_points is not None and not _is_number(self.min_points):
            raise ValueError(f"min_points must be None, a finite Decimal or an int, got {self.min_points!r}")
        if not isinstance(self.partial_last, bool):
            raise ValueError(f"partial_last must be True or False, got {self.partial_last!r}")
        if not _is_money(self.unit) or self.unit <= 0:
            raise ValueError(f"unit must be a positive int of euro cents (1 or 100), got {self.unit!r}")
        if not _is_money(self.seed):
            raise ValueError(f"seed must be an int, got {self.seed!r}")


class Line(NamedTuple):
    """The decision on one claim, with everything needed to explain it.

    ``detail`` holds the numbers behind the reason, where the reason needs them (None for full, capped,
    rounded, below threshold and ineligible, whose numbers are on the line or the policy):

    - ``partial``: ``{"pot": P, "left": cents}``, what was left in P at its turn (all of which it got);
    - ``skipped``: ``{"pot": P, "left": cents, "funded_below": n}``, the money left at its turn (less than
      it still wanted) and how many lower-ranked claims were funded from P after it;
    - ``budget_exhausted``: ``{"pot": P, "cutoff_rank": r}``, the rank at which P's money ran out;
    - ``tie``: ``{"pot": P, "then": reason, "left": cents, "left_at_tie": cents, "against": ((key, how), ...)}``:
      what happened to it (partial, skipped or budget_exhausted) with the money left at its turn, the money
      left when its group of equal points began, and the claims of that group placed before it that got
      money from P, each with how the tie was broken (``"tiebreak"`` or ``"lottery"``);
    - ``pro_rata``: ``{"pot": P, "ratio": Fraction}``, the share of a request every claim below its ceiling
      got in P before rounding to the unit;
    - ``formula``: ``{"pot": P}``.

    P is the last pot the claim competed in: where its award was decided. A named tuple rather than a
    dataclass: a run makes one per claim, and at 100,000 claims the cheaper construction is a visible part of
    the run time. Lines of the same pot share one detail mapping where the numbers are the same; treat it as
    read-only.
    """

    key: str
    pot: str  # the claim's home pot
    rank: int  # 1-based position in the run's ordering of all claims
    requested: int
    capped_request: int  # the most this claim could get: min(requested, cap) rounded down to the unit
    awarded: int
    funded_from: tuple[tuple[str, int], ...]  # (pot name, cents) in pot order; empty when nothing awarded
    reason: Reason
    detail: Mapping[str, Any] | None = None


# Builds a Line from a tuple in C: no Python-level call per line.
_make_line = partial(tuple.__new__, Line)


class PotSummary(NamedTuple):
    """The money of one pot: ``budget + received == spent + passed_on + unspent``.

    ``demand`` is what the claims competing in the pot still wanted (capped, in cents); ``cutoff_rank`` the
    rank of the first of them that did not get all of it (ranked: where the money ran out), or None; ``ratio``
    the share of a request that pro rata gave every claim below its ceiling (None when the pot was not
    over-subscribed, and for other methods).
    """

    name: str
    budget: int
    received: int  # unspent money spilled in from earlier pots
    spent: int
    passed_on: int  # unspent money moved on to spill_to
    unspent: int
    demand: int = 0
    cutoff_rank: int | None = None
    ratio: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """What a run decided: enough to store every line, and to check that no cent went missing."""

    awards: dict[str, int]  # every claim, 0 included, in rank order
    lines: tuple[Line, ...]  # in rank order
    unspent: dict[str, int]  # per pot, in pot order, after spill-over
    pots: tuple[PotSummary, ...]  # in pot order
    total_budget: int
    total_awarded: int

    @property
    def total_unspent(self) -> int:
        return self.total_budget - self.total_awarded


def _check_pots(pots: tuple[Pot, ...]) -> dict[str | None, int]:
    """Map each pot name (and None, for the first pot) to its position; reject bad pot graphs."""
    if not pots:
        raise ValueError("at least one pot is needed")
    position: dict[str | None, int] = {}
    for pos, pot in enumerate(pots):
        if not isinstance(pot, Pot):
            raise ValueError(f"pots must be Pot instances, got {pot!r}")
        if pot.name in position:
            raise ValueError(f"pot name {pot.name!r} is used twice")
        position[pot.name] = pos
    for pos, pot in enumerate(pots):
        if pot.spill_to is None:
            continue
        target = position.get(pot.spill_to)
        if target is None:
            raise ValueError(f"pot {pot.name}: spill_to names an unknown pot {pot.spill_to!r}")
        if target <= pos:
            raise ValueError(
                f"pot {pot.name}: spill_to {pot.spill_to!r} must come later in the list of pots "
                "(pots are processed in order; this also rules out spill cycles)"
            )
    position[None] = 0
    return position


def allocate(claims: Iterable[Claim], pots: Iterable[Pot], policy: Policy) -> Result:
    """Allocate the pots' budgets over the claims under the policy; the same input gives the same result.

    Raises ValueError, naming the claim or pot, for input the rules cannot apply to. While it runs, the
    cyclic garbage collector is paused (see _cyclic_gc_paused): at 100,000 claims that saves a quarter.
    """
    with _cyclic_gc_paused():
        return _allocate(tuple(claims), tuple(pots), policy)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector during a run, then make its one pass over the new objects at the end.

    The engine makes no reference cycles, so the collector has nothing to find in its garbage, but the
    100,000 lines of a large run would set it off hundreds of times (once over the caller's whole heap),
    costing about a quarter of the run. Reference counting frees memory as usual meanwhile. If the
    collector is already off, it stays off. (Threads running at the same moment also have it paused.)
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)  # the young-generation pass it would have made anyway, paid here, not by the caller


def _allocate(input_claims: tuple[Claim, ...], pots: tuple[Pot, ...], policy: Policy) -> Result:
    pot_position, keys = _check_input(input_claims, pots, policy)
    order = rank_order([c.points for c in input_claims], [c.tiebreak for c in input_claims], keys, policy.seed)

    # From here on a claim is known by its position in rank order, so "in rank order" means "ascending".
    claims = [input_claims[i] for i in order]
    keys = [keys[i] for i in order]
    unit = policy.unit
    requested = [c.requested for c in claims]
    cap = policy.cap
    if cap is not None:
        ceiling = [(r if r < cap else cap) // unit for r in requested]
    else:
        ceiling = [r // unit for r in requested] if unit != 1 else requested
    status = _status(claims, policy.min_points)
    # The units each claim still lacks; a claim that does not compete lacks none.
    remaining = [0 if s else c for s, c in zip(status, ceiling, strict=True)]
    try:
        home = [pot_position[c.pot] for c in claims]
    except KeyError:
        unknown = next(c for c in claims if c.pot not in pot_position)
        raise ValueError(f"claim {unknown.key}: unknown pot {unknown.pot!r}") from None

    pot_names = [p.name for p in pots]
    if policy.method is Method.RANKED:
        fund = _ranked_funder(claims, keys, unit, policy.partial_last)
    elif policy.method is Method.PRO_RATA:

        def bases_of(members: list[int]) -> list[int]:
            # The basis is the unmet part of the request: in a claim's home pot, its whole request.
            return [requested[i] - (ceiling[i] - remaining[i]) * unit for i in members]

        fund = _share_funder(bases_of, unit, Reason.PRO_RATA)
    else:
        weights = _formula_weights(input_claims, order, claims, status)
        fund = _share_funder(lambda members: [weights[i] for i in members], unit, Reason.FORMULA)

    funded_from, summaries, short = _fund_pots(pots, pot_position, home, remaining, unit, fund)

    most = [c * unit for c in ceiling] if unit != 1 else ceiling
    awarded = [0 if s else m - r * unit for s, m, r in zip(status, most, remaining, strict=True)]
    full = Reason.FULL
    at_ceiling = [Reason.ROUNDED, Reason.CAPPED]  # indexed by "the cap is below the request"
    no_short = (None, None)
    outcomes = [
        (s, None)
        if s
        else (full, None)
        if a == q
        else (at_ceiling[cap is not None and cap < q], None)
        if a == m
        else short.get(i, no_short)
        for i, (s, a, q, m) in enumerate(zip(status, awarded, requested, most, strict=True))
    ]
    columns = (
        keys,
        [pot_names[h] for h in home],
        range(1, len(claims) + 1),
        requested,
        most,
        awarded,
        funded_from,
        [reason for reason, _ in outcomes],
        [detail for _, detail in outcomes],
    )
    return Result(
        awards=dict(zip(keys, awarded, strict=True)),
        lines=tuple(map(_make_line, zip(*columns, strict=True))),
        unspent={s.name: s.unspent for s in summaries},
        pots=tuple(summaries),
        total_budget=sum(p.budget for p in pots),
        total_awarded=sum(awarded),
    )


# What a pot's competition decided for the claims it left short: rank-order index -> (reason, detail).
Short = dict[int, tuple[Reason, Mapping[str, Any]]]
# A pot's way of funding its claims: (pot name, members, wants, available units) ->
# (grants, cutoff rank, pro-rata ratio, the claims it left short).
Funder = Callable[[str, list[int], list[int], int], tuple[list[int], int | None, Fraction | None, Short]]


def _ranked_funder(claims: list[Claim], keys: list[str], unit: int, partial_last: bool) -> Funder:
    """Fund in rank order and say, for every claim left short, which ground limited it (see ``Line``)."""

    def fund(name: str, members: list[int], wants: list[int], available: int):
        grants, left = fund_ranked(wants, available, partial_last)
        short: Short = {}
        cutoff = None
        exhausted: Mapping[str, Any] | None = None
        funded_after = 0
        later_funded = [0] * len(members)
        for j in range(len(members) - 1, -1, -1):
            later_funded[j] = funded_after
            funded_after += 1 if grants[j] else 0
        for j, (i, want, got) in enumerate(zip(members, wants, grants, strict=True)):
            if got == want:
                continue
            if cutoff is None:
                cutoff = i + 1
            if got:
                short[i] = (Reason.PARTIAL, MappingProxyType({"pot": name, "left": left[j] * unit}))
            elif left[j]:
                detail = {"pot": name, "left": left[j] * unit, "funded_below": later_funded[j]}
                short[i] = (Reason.SKIPPED, MappingProxyType(detail))
            else:
                if exhausted is None:
                    exhausted = MappingProxyType({"pot": name, "cutoff_rank": cutoff})
                short[i] = (Reason.BUDGET_EXHAUSTED, exhausted)
        if short:
            _mark_ties(name, members, wants, grants, left, short, claims, keys, unit, partial_last)
        return grants, cutoff, None, short

    return fund


def _mark_ties(
    name: str,
    members: list[int],
    wants: list[int],
    grants: list[int],
    left: list[int],
    short: Short,
    claims: list[Claim],
    keys: list[str],
    unit: int,
    partial_last: bool,
) -> None:
    """A claim left short that would have got more had it come first among the claims with its points (in
    this pot) lost a tie: its reason becomes ``tie``, naming the claims placed before it and how."""
    count = len(members)
    start = 0
    for end in range(1, count + 1):
        if end < count and claims[members[end]].points == claims[members[start]].points:
            continue
        if end - start > 1:
            at_tie = left[start]
            for k in range(start + 1, end):
                i = members[k]
                if i not in short:
                    continue
                want = wants[k]
                would = (want if want < at_tie else at_tie) if partial_last else (want if want <= at_tie else 0)
                if grants[k] >= would:
                    continue
                tiebreak = claims[i].tiebreak
                against = tuple(
                    (keys[members[m]], TIE_BY_TIEBREAK if claims[members[m]].tiebreak != tiebreak else TIE_BY_LOTTERY)
                    for m in range(start, k)
                    if grants[m]
                )
                then = short[i][0]
                short[i] = (
                    Reason.TIE,
                    MappingProxyType(
                        {
                            "pot": name,
                            "then": then,
                            "left": left[k] * unit,
                            "left_at_tie": at_tie * unit,
                            "against": against,
                        }
                    ),
                )
        start = end


def _share_funder(bases_of: Callable[[list[int]], list[int]], unit: int, reason: Reason) -> Funder:
    """Fund by shares (pro rata or formula); the claims below their ceiling in an over-subscribed pot get
    ``reason``, with the pot's ratio for pro rata."""

    def fund(name: str, members: list[int], wants: list[int], available: int):
        grants, level = fund_shares(wants, bases_of(members), available)
        if level is None:
            return grants, None, None, {}
        ratio = level * unit if reason is Reason.PRO_RATA else None
        detail = MappingProxyType({"pot": name, "ratio": ratio} if ratio is not None else {"pot": name})
        short = {i: (reason, detail) for i, want, got in zip(members, wants, grants, strict=True) if got < want}
        return grants, None, ratio, short

    return fund


def _fund_pots(
    pots: tuple[Pot, ...],
    pot_position: dict[str | None, int],
    home: list[int],
    remaining: list[int],
    unit: int,
    fund: Funder,
) -> tuple[list[tuple[tuple[str, int], ...]], list[PotSummary], Short]:
    """Run the pots in order, each over its claims in rank order, passing leftovers and unmet claims on.

    ``remaining`` (units each claim still lacks, by rank) is brought up to date as money is granted. Returns
    the funding of every claim, the pots' summaries, and for every claim left short the ground stated by the
    last pot it competed in (a later pot's verdict replaces an earlier one's).
    """
    members_by_pot: list[list[int]] = [[] for _ in pots]
    for i, (home_pot, units) in enumerate(zip(home, remaining, strict=True)):
        if units:
            members_by_pot[home_pot].append(i)
    received = [0] * len(pots)
    funded_from: list[tuple[tuple[str, int], ...]] = [()] * len(remaining)
    summaries = []
    short: Short = {}
    for pos, pot in enumerate(pots):
        members = members_by_pot[pos]
        available = pot.budget + received[pos]
        wants = [remaining[i] for i in members]
        name = pot.name
        grants, cutoff, ratio, pot_short = fund(name, members, wants, available // unit)
        short.update(pot_short)
        for i, want, granted in zip(members, wants, grants, strict=True):
            if granted:
                remaining[i] = want - granted
                funded_from[i] += ((name, granted * unit),)
        spent = sum(grants) * unit
        left = available - spent
        demand = sum(wants) * unit
        if pot.spill_to is None:
            summaries.append(PotSummary(name, pot.budget, received[pos], spent, 0, left, demand, cutoff, ratio))
            continue
        summaries.append(PotSummary(name, pot.budget, received[pos], spent, left, 0, demand, cutoff, ratio))
        target = pot_position[pot.spill_to]
        received[target] += left
        moving = [i for i in members if remaining[i]]
        if moving:
            # Both lists are ascending (rank order), so this sort only merges two runs.
            members_by_pot[target] = sorted(members_by_pot[target] + moving)
    return funded_from, summaries, short


def _check_input(
    claims: tuple[Claim, ...], pots: tuple[Pot, ...], policy: Policy
) -> tuple[dict[str | None, int], list[str]]:
    """Reject what the dataclasses cannot check one by one; return the pot positions and the claim keys."""
    if not isinstance(policy, Policy):
        raise ValueError(f"policy must be a Policy, got {policy!r}")
    pot_position = _check_pots(pots)
    for kind in set(map(type, claims)):
        if not issubclass(kind, Claim):
            raise ValueError(f"claims must be Claim instances, got a {kind.__name__}")
    keys = [c.key for c in claims]
    if len(set(keys)) != len(keys):
        duplicates = sorted(key for key, count in Counter(keys).items() if count > 1)
        raise ValueError(f"claim keys must be unique; used more than once: {', '.join(duplicates)}")
    return pot_position, keys


def _status(claims: list[Claim], min_points: Decimal | int | None) -> list[Reason | None]:
    """None for a claim (in rank order) that competes for money, else the reason it does not."""
    status: list[Reason | None] = [None if c.eligible else Reason.INELIGIBLE for c in claims]
    if min_points is not None:
        # Points fall along the rank order, so the claims below the threshold are the tail.
        first_below = bisect_left(claims, True, key=lambda c: c.points < min_points)
        status[first_below:] = [s or Reason.BELOW_THRESHOLD for s in status[first_below:]]
    return status


def _formula_weights(
    input_claims: tuple[Claim, ...], order: list[int], claims: list[Claim], status: list[Reason | None]
) -> list[int]:
    """Weights in rank order, as integers over one common denominator, so that proportions stay exact.

    The Decimals are read in input order, which is their order in memory: at 100,000 claims that is
    twice as fast as reading them in rank order.
    """
    numerators = []
    denominators = []
    for claim in input_claims:
        weight = claim.weight
        numerator, denominator = (0, 1) if weight is None else weight.as_integer_ratio()  # exact
        numerators.append(numerator)
        denominators.append(denominator)
    distinct = set(denominators)
    common = math.lcm(*distinct)
    factor = {d: common // d for d in distinct}
    weights = [numerators[i] * factor[denominators[i]] for i in order]
    for claim, s, weight in zip(claims, status, weights, strict=True):
        if not s and weight <= 0:
            raise ValueError(f"claim {claim.key}: the formula method needs a positive weight, got {claim.weight!r}")
    return weights
