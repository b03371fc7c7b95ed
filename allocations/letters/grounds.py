"""The ground of a letter's line, as typed, bounded dataclasses: what limited the award, with its numbers.

The run stores one ground per line (``AllocationLine.ground``: a code and its numbers, decided by the plan and
the engine). ``compose`` turns it into one of these, adding only what the run itself stored beside it (the
pot's amount and network, a rival's municipality, the policy's seed), so that the template, the tests and the
preview read the same values and none of them re-derives a reason. Money is integer cents; points, shares and
ratios are ``Decimal``; every text is bounded.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.utils.translation import gettext

from allocations.letters.bounds import SHORT, bound_fields

#: A tie names at most this many applications that went before; the rest are counted.
MAX_RIVALS = 10


class Method(enum.StrEnum):
    RANKED = "ranked"
    PRO_RATA = "pro_rata"
    FORMULA = "formula"


class TieRule(enum.StrEnum):
    """How a tie at equal points was broken for one rival (the ground's ``against[].by``)."""

    NEED_SCORE = "need_score"
    LOTTERY = "lottery"


class MinimumSource(enum.StrEnum):
    ASSESSMENT = "assessment"  # the call's assessment settings
    POLICY = "policy"  # the call's allocation policy


class Measure(enum.StrEnum):
    REVIEWER_SCORE = "reviewer_score"
    TOTAL = "total"


@dataclass(frozen=True)
class PotInfo:
    """A pot (deelplafond) as the run stored it; ``whole_budget`` for a call without pots."""

    name: str
    budget_cents: int
    network: str = ""  # the name of the network whose members it takes; empty: every applicant
    whole_budget: bool = False

    def __post_init__(self) -> None:
        bound_fields(self, {"name": SHORT, "network": SHORT})

    @property
    def phrase(self) -> str:
        """The pot in a sentence: "het beschikbare budget" or "deelplafond ‘M50’"."""
        if self.whole_budget:
            return gettext("het beschikbare budget")
        return gettext("deelplafond ‘%(name)s’") % {"name": self.name}


@dataclass(frozen=True)
class Funding:
    """The part of the award paid from one pot (``AllocationLine.funded_from``)."""

    pot: PotInfo
    cents: int


# --- One dataclass per stored code ---------------------------------------------------------------------
@dataclass(frozen=True)
class Full:
    code: ClassVar[str] = "full"


@dataclass(frozen=True)
class Reserved:
    """Limited by the area's reservation; ``rounded_to_cents`` when the reservation was also rounded down."""

    reservation_cents: int
    area: str = ""
    rounded_to_cents: int | None = None
    code: ClassVar[str] = "reserved"

    def __post_init__(self) -> None:
        bound_fields(self, {"area": SHORT})


@dataclass(frozen=True)
class Capped:
    """Limited by the maximum per application: the lower of an amount and a percentage of ``pct_of_cents``
    (the amount the policy divides: the ceiling minus the reserve)."""

    cap_cents: int
    cap_pct: Decimal | None
    cap_amount_cents: int | None
    pct_of_cents: int
    rounded: bool = False  # the award is the cap rounded down to the unit (whole euros)
    code: ClassVar[str] = "capped"

    @property
    def by_percentage(self) -> bool:
        """The percentage set the cap (it is lower than the amount, or there is no amount)."""
        return self.cap_pct is not None and self.cap_cents != self.cap_amount_cents


@dataclass(frozen=True)
class Rounded:
    unit_cents: int
    code: ClassVar[str] = "rounded"


@dataclass(frozen=True)
class Partial:
    """Ranked, partial last: the pot's money ran out at this application, which got what was left."""

    pot: PotInfo
    left_cents: int
    wanted_cents: int
    reservation_cents: int | None = None
    code: ClassVar[str] = "partial"


@dataclass(frozen=True)
class Skipped:
    """Ranked, skip: it did not fit what was left; ``funded_below`` lower-ranked applications that did fit
    were funded from the pot after it."""

    pot: PotInfo
    left_cents: int
    wanted_cents: int
    funded_below: int
    reservation_cents: int | None = None
    code: ClassVar[str] = "skipped"


@dataclass(frozen=True)
class BudgetExhausted:
    """Ranked: the pot's money had run out (at ``cutoff_rank``) before this application's turn."""

    pot: PotInfo
    cutoff_rank: int
    code: ClassVar[str] = "budget_exhausted"


@dataclass(frozen=True)
class TieRival:
    """An application with equal points that the tie-break placed before this one, and got money."""

    reference: str
    municipality: str
    by: TieRule
    need_score: Decimal

    def __post_init__(self) -> None:
        bound_fields(self, {"reference": 40, "municipality": SHORT})


@dataclass(frozen=True)
class Tie:
    """Lost money to applications with equal points that the policy's tie rule placed first.

    ``then`` is what followed for this application (partial, skipped or budget_exhausted), ``left_cents`` the
    money left at its turn and ``left_at_tie_cents`` when its group of equal points began.
    """

    pot: PotInfo
    then: str
    left_cents: int
    left_at_tie_cents: int
    wanted_cents: int
    points: Decimal
    need_score: Decimal
    rule: TieRule  # the policy's rule: need score first (then the lottery), or the lottery alone
    seed: int | None
    rivals: tuple[TieRival, ...]
    more_rivals: int = 0  # rivals beyond MAX_RIVALS, counted but not named
    code: ClassVar[str] = "tie"

    def __post_init__(self) -> None:
        if len(self.rivals) > MAX_RIVALS:
            raise ValueError("a tie names at most MAX_RIVALS rivals")
        if self.then not in ("partial", "skipped", "budget_exhausted"):
            raise ValueError(f"unknown outcome of a tie: {self.then!r}")

    @property
    def by_lottery(self) -> bool:
        return any(rival.by is TieRule.LOTTERY for rival in self.rivals)


@dataclass(frozen=True)
class PotShare:
    """What an application got pro rata from a pot before its last one, with that pot's ratio (``run.pot_totals``;
    None when that pot was not over-subscribed)."""

    pot: PotInfo
    ratio: Decimal | None
    cents: int
    then: PotInfo  # where the pot passed on what it could not fund

    @property
    def ratio_percent(self) -> Decimal | None:
        return None if self.ratio is None else self.ratio * 100


@dataclass(frozen=True)
class ProRata:
    """Pro rata in an over-subscribed pot: ``ratio`` (before rounding) is the share of a request (of what was
    still open of it, for a request that came from an earlier pot) that every application below its ceiling got;
    ``share`` is this award as a percentage of the request. ``earlier``: what it got from pots before this one."""

    pot: PotInfo
    ratio: Decimal
    share: Decimal
    available_cents: int | None = None  # what the pot had to divide (its budget and what spilled in)
    demand_cents: int | None = None  # what its applications asked (capped)
    earlier: tuple[PotShare, ...] = ()
    cents: int = 0  # what it got from this pot
    code: ClassVar[str] = "pro_rata"

    @property
    def ratio_percent(self) -> Decimal:
        return self.ratio * 100


@dataclass(frozen=True)
class Formula:
    pot: PotInfo
    weight: Decimal
    share: Decimal
    key: str  # the formula's name: "inwoners × behoeftescore"
    code: ClassVar[str] = "formula"

    def __post_init__(self) -> None:
        bound_fields(self, {"key": SHORT})


@dataclass(frozen=True)
class BelowMinimum:
    """Refused below a minimum; runs on snapshots before schema 2 stored only the source, not the numbers."""

    source: MinimumSource
    measure: Measure | None = None
    score: Decimal | None = None
    minimum: Decimal | None = None
    code: ClassVar[str] = "below_minimum"

    @property
    def has_numbers(self) -> bool:
        return self.measure is not None and self.score is not None and self.minimum is not None


@dataclass(frozen=True)
class NoPot:
    """No pot takes the applicant: ``pot_networks`` are the networks the pots are for, ``networks`` those the
    municipality belonged to (names)."""

    networks: tuple[str, ...]
    pot_networks: tuple[str, ...]
    code: ClassVar[str] = "no_pot"

    def __post_init__(self) -> None:
        bound_fields(self)


@dataclass(frozen=True)
class NoReservation:
    area: str = ""
    code: ClassVar[str] = "no_reservation"

    def __post_init__(self) -> None:
        bound_fields(self, {"area": SHORT})


@dataclass(frozen=True)
class NoWeight:
    key: str  # the formula's name
    code: ClassVar[str] = "no_weight"

    def __post_init__(self) -> None:
        bound_fields(self, {"key": SHORT})


@dataclass(frozen=True)
class InReview:
    code: ClassVar[str] = "in_review"


@dataclass(frozen=True)
class Unstated:
    """A line of a run from before grounds were stored: only the reason the decision recorded, in words."""

    text: str
    code: ClassVar[str] = "unstated"

    def __post_init__(self) -> None:
        bound_fields(self, {"text": 2_000})


Ground = (
    Full
    | Reserved
    | Capped
    | Rounded
    | Partial
    | Skipped
    | BudgetExhausted
    | Tie
    | ProRata
    | Formula
    | BelowMinimum
    | NoPot
    | NoReservation
    | NoWeight
    | InReview
    | Unstated
)

#: Grounds that competed for money in a ranked run: their letter states the place in the ranking.
COMPETED = frozenset({"full", "reserved", "capped", "rounded", "partial", "skipped", "budget_exhausted", "tie"})
#: Grounds where the ceiling (or a pot of it) refused the application or part of it (Awb 4:25 lid 2).
ON_THE_CEILING = frozenset({"partial", "skipped", "budget_exhausted", "tie", "pro_rata", "formula"})
