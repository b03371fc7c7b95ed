"""Split an award over the application's budget lines per theme per year, exact to the cent.

Each part gets its proportional share rounded down; the cents left over go one by one to the parts with
the largest remainders (ties to the earlier part), so the parts always add up to the award. When the award
is at most the total requested, no part exceeds its own request.
"""

from __future__ import annotations

from collections.abc import Sequence


def split(award: int, requested: Sequence[int]) -> list[int]:
    """The award (in cents) divided over the requested amounts (in cents) by largest remainder."""
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
