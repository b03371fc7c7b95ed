"""A municipality's networks on a date: the one reading that the run, its page, the comparison, the call
overview, the portfolio and the export all use, with one order and one set of labels.

The date is the caller's: the money side reads the networks on a call's closing date, as the run's snapshot
does (``allocations.runs.selectors.network_date``). A membership counts on a day from ``valid_from`` up to and
including ``valid_to`` (``Membership.is_active_on``, the same rule as ``Membership.objects.active_on``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Network

#: The group of the municipalities that are in none of the networks.
NO_NETWORK = "none"
#: The order in which every page, chart and export lists the networks; other codes follow alphabetically.
NETWORK_ORDER: tuple[str, ...] = (Network.NPLV, Network.M50, Network.NEW_TOWN)
#: The one name of each network group, and of the group in none of them.
NETWORK_LABELS = {
    Network.NPLV: "NPLV",
    Network.M50: "M50",
    Network.NEW_TOWN: "New Town Alliantie",
    NO_NETWORK: _("geen netwerk"),
}


def ordered(codes: Iterable[str]) -> list[str]:
    """The codes without repeats, in ``NETWORK_ORDER`` (codes outside it after those, alphabetically)."""
    known = {code: position for position, code in enumerate(NETWORK_ORDER)}
    return sorted(set(codes), key=lambda code: (known.get(code, len(known)), code))


def label(code: str) -> str:
    return str(NETWORK_LABELS.get(code, code))


def groups(codes: Iterable[str]) -> list[str]:
    """The groups a municipality with these networks counts in: each of its networks, or ``NO_NETWORK``."""
    return ordered(codes) or [NO_NETWORK]


class Memberships:
    """The memberships of some municipalities with their periods, read in one query, answered per day."""

    def __init__(self, municipality_ids: Iterable[int]):
        self._periods: dict[int, list[Membership]] = defaultdict(list)
        rows = Membership.objects.filter(municipality_id__in=set(municipality_ids)).select_related("network")
        for membership in rows.only("municipality_id", "valid_from", "valid_to", "network__code"):
            self._periods[membership.municipality_id].append(membership)

    def on(self, municipality_id: int, day: datetime.date) -> list[str]:
        """The municipality's network codes on ``day``, in ``NETWORK_ORDER``."""
        return ordered(m.network.code for m in self._periods.get(municipality_id, ()) if m.is_active_on(day))


def networks_on(municipality_ids: Iterable[int], *, on: datetime.date) -> dict[int, list[str]]:
    """Per municipality its network codes on ``on`` (in ``NETWORK_ORDER``); a municipality in none is left out."""
    ids = set(municipality_ids)
    memberships = Memberships(ids)
    found = {pk: memberships.on(pk, on) for pk in ids}
    return {pk: codes for pk, codes in found.items() if codes}
