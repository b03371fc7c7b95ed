"""Split an award over the application's budget lines per theme per year, exact to the cent.

Each part gets its proportional share rounded down; the cents left over go one by one to the parts with
the largest remainders (ties to the earlier part), so the parts always add up to the award. When the award
is at most the total requested, no part exceeds its own request. With a rounding unit (whole euros), the
parts are whole units too, as the award is, wherever the requests allow it: a part never exceeds its request,
so a request that is not itself a whole unit may take the last cents.
"""

from __future__ import annotations

from collections.abc import Sequence


def split(award: int, requested: Sequence[int], unit: int = 1) -> list[int]:
    """The award (in cents) divided over the requested amounts (in cents) by largest remainder, in multiples
    of ``unit`` cents where the requests allow it (see the module docstring)."""
    cents = _split_cents(award, requested)
    if unit == 1 or award % unit:
        return cents
    parts = [part // unit * unit for part in cents]
    left = award - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - cents[i], i))  # largest cut first
    for index in order:
        if left >= unit and parts[index] + unit <= requested[index]:
            parts[index] += unit
            left -= unit
    for index in order:  # what no whole unit could take: the requests that are not whole units
        take = min(left, requested[index] - parts[index])
        parts[index] += take
        left -= take
    return parts


def _split_cents(award: int, requested: Sequence[int]) -> list[int]:
    if award < 0:
        raise ValueError(f"award must not be negative, got {award}")
    if any(amount < 0 for amount in requested):
        raise ValueError("requested amounts must not be negative")
    total = sum(requested)
    if not requested or total == 0:
        if award:
            raise ValueError("an award needs at least one budget line to split over")
        return [0] * len(requested)
    parts = []
    remainders = []
    for index, amount in enumerate(requested):
        share, remainder = divmod(award * amount, total)
        parts.append(share)
        remainders.append((-remainder, index))
    left = award - sum(parts)
    for _remainder, index in sorted(remainders)[:left]:
        parts[index] += 1
    return parts
