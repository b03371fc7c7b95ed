"""The hot loops of the allocation engine: the seeded ranking, ranked funding and proportional shares.

They work on plain lists of numbers, so that 100,000 claims stay fast and every cent stays exact;
`allocations.engine` turns claims and pots into these lists and the answers back into lines.
Like the engine, this module imports no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from hashlib import sha256

# Sorts below every finite value, so claims without a tiebreak come after those with one.
_NO_TIEBREAK = Decimal("-Infinity")


def lottery_ticket(seed: int, key: str) -> bytes:
    """The lottery number of a claim: the SHA-256 of ``"<seed>:<key>"`` in UTF-8; the smaller ticket wins.

    A hash of the key (not the claim's position) makes the draw independent of the input order, and
    SHA-256 (not Python's salted ``hash``) makes it the same in every process, so a run can be re-done and
    checked by anyone with the seed.
    """
    return sha256(f"{seed}:{key}".encode()).digest()


def rank_order(
    points: Sequence[Decimal | int], tiebreaks: Sequence[Decimal | int | None], keys: Sequence[str], seed: int
) -> list[int]:
    """Claim indices in rank order: points high to low, tiebreak high to low (none last), then the lottery.

    Each claim gets one byte-string sort key: the positions of its points and of its tiebreak among the
    distinct values (fixed width, big-endian, so bytes order is number order), then its lottery ticket.
    Decimals are compared only while sorting the distinct values; the big sort compares bytes, which is
    what keeps 100,000 claims well under a second.
    """
    by_points = _positions(sorted(set(points), reverse=True))
    by_tiebreak = _positions(sorted({_NO_TIEBREAK if t is None else t for t in tiebreaks}, reverse=True))
    by_tiebreak[None] = by_tiebreak.get(_NO_TIEBREAK, b"")
    # lottery_ticket(), inlined: a function call per claim would cost more than the rest of the line.
    prefix = f"{seed}:"
    sort_keys = [
        by_points[p] + by_tiebreak[t] + sha256((prefix + k).encode()).digest()
        for p, t, k in zip(points, tiebreaks, keys, strict=True)
    ]
    # Distinct keys have distinct SHA-256 digests, so no two sort keys are equal and the order is total.
    return sorted(range(len(sort_keys)), key=sort_keys.__getitem__)


def _positions(values: list[Decimal | int]) -> dict[Decimal | int | None, bytes]:
    """Each value's position in ``values`` as fixed-width big-endian bytes."""
    width = max(1, (len(values).bit_length() + 7) // 8)
    return {value: pos.to_bytes(width, "big") for pos, value in enumerate(values)}


def fund_ranked(wants: Sequence[int], available: int, partial_last: bool) -> tuple[list[int], list[int]]:
    """Fund ``wants`` (in rank order, in units) from ``available`` units; return the grants and, for each
    claim, the units that were left at its turn (what its reason on the line is stated against).

    ``partial_last=True``: the first claim that does not fit gets what is left and funding stops.
    ``partial_last=False``: a claim that does not fit gets nothing and the next ones that fit are funded.
    """
    count = len(wants)
    grants = [0] * count
    left = [0] * count
    for pos, want in enumerate(wants):
        if not available:
            break
        left[pos] = available
        if want <= available:
            grants[pos] = want
            available -= want
        elif partial_last:
            grants[pos] = available
            available = 0
    return grants, left


def fund_shares(limits: Sequence[int], bases: Sequence[int], available: int) -> tuple[list[int], Fraction | None]:
    """Split ``available`` units in proportion to ``bases``, no claim above its limit; return the grants and
    the water level (units per unit of basis: for pro rata, the share of a request that every claim below its
    limit got before rounding), or None when every limit fits and no one was cut.

    Claims come in rank order, with their limits in units and positive integer bases (the request in
    cents for pro rata, the scaled weight for a formula). When the limits together fit, everyone gets
    their limit. Otherwise the exact share of claim i is ``min(limit_i, level * basis_i)``, with the one
    level at which the shares add up to ``available`` (water-filling: what a capped claim cannot take goes
    to the others). Shares are then rounded to whole units by largest remainder (Hamilton), ties going to
    the better-ranked claim, so the grants add up to exactly ``available``.

    Every decision is exact integer arithmetic, with the level kept as the fraction ``num / den``;
    floats only decide in which order to look at the claims.
    """
    count = len(limits)
    if sum(limits) <= available:
        return list(limits), None
    num, den = available, sum(bases)
    capped = _water_fill(limits, bases, num, den)
    for pos in capped:
        num -= limits[pos]
        den -= bases[pos]
    # More demand than money leaves at least one claim below its limit, so den > 0 here.

    products = [basis * num for basis in bases]
    grants = [product // den for product in products]
    remainders = [product - grant * den for product, grant in zip(products, grants, strict=True)]
    for pos in capped:
        grants[pos] = limits[pos]
        remainders[pos] = -1  # never rounded up: it already has its limit
    # The exact shares of the claims below their limit add up to num, so the rounding is whole units.
    extra = available - sum(grants)
    if extra:
        # Remainders are below den; below 2**53 floats hold them exactly and sort faster than ints.
        keys = [float(r) for r in remainders] if den < 2**53 else remainders
        # Stable sort: equal remainders keep rank order, so the better-ranked claim gets the unit.
        for pos in sorted(range(count), key=keys.__getitem__, reverse=True)[:extra]:
            grants[pos] += 1
    return grants, Fraction(num, den)


def _water_fill(limits: Sequence[int], bases: Sequence[int], num: int, den: int) -> list[int]:
    """Positions of the claims that reach their limit below the water level (``num / den`` to start with).

    A claim is capped when ``limit / basis <= level``, and capping one raises the level for the rest, so
    the claims are visited by that ratio, lowest first, until one stays below its limit. The ratios are
    sorted as floats (fast), which is exact up to ties: int division rounds correctly, so a float order
    never contradicts the exact one; only claims whose floats are equal may be out of exact order, and
    those are re-sorted exactly where it matters. Every decision is made with exact integers.
    """
    ratios = [limit / basis for limit, basis in zip(limits, bases, strict=True)]
    if min(ratios) > num / den:
        return []  # no claim is capped at the starting level, so none will be
    by_ratio = sorted(range(len(limits)), key=ratios.__getitem__)
    capped = []
    pos = 0
    while pos < len(by_ratio):
        claim = by_ratio[pos]
        limit, basis = limits[claim], bases[claim]
        if limit * den <= num * basis:
            capped.append(claim)
            num -= limit
            den -= basis
            pos += 1
            continue
        # Above the level. Only claims with the same float may still have a lower exact ratio.
        end = pos + 1
        while end < len(by_ratio) and ratios[by_ratio[end]] == ratios[claim]:
            end += 1
        if end - pos == 1:
            break
        run = sorted(by_ratio[pos:end], key=lambda c: Fraction(limits[c], bases[c]))
        if run == by_ratio[pos:end]:
            break
        by_ratio[pos:end] = run  # exact order now; look at this position again
    return capped
