"""What an award letter says, as plain frozen dataclasses, so the template renders data and nothing else.

Every free text is bounded here (a letter renders in bounded time, whatever a configuration says), the
amount in words is spelled here, and the last day to object is read from the letter's date by the calendar
in ``deadlines`` (Awb 6:7, 6:8 and the Algemene termijnenwet), so the tests and the preview read the same
values the PDF prints.
"""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext

from allocations.letters import deadlines
from allocations.letters.bounds import LINE, LONG, MAX_ROWS, PARAGRAPH, SHORT, bounded  # noqa: F401
from allocations.letters.bounds import bound_fields as _bound_fields
from allocations.letters.grounds import COMPETED, ON_THE_CEILING, Funding, Ground, Method, PotInfo
from allocations.letters.words import amount_in_words


class Kind(enum.StrEnum):
    AWARD = "award"
    PARTIAL = "partial"
    REFUSAL = "refusal"


# --- The letter ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sender:
    ministry: str
    directorate: str
    return_address: str  # one line, e.g. "Postbus 20011, 2500 EA Den Haag"
    visiting_address: tuple[str, ...]
    contact_name: str
    contact_email: str
    contact_phone: str
    website: str

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class Signatory:
    minister: str  # "de minister van Volkshuisvesting en Ruimtelijke Ordening"
    name: str
    function: str

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class Addressee:
    municipality: str
    address: tuple[str, ...]

    @property
    def college(self) -> str:
        return f"Het college van burgemeester en wethouders van {self.municipality}"

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class CriterionPoints:
    name: str
    points: Decimal

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class BonusPoints:
    label: str
    points: Decimal

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class Ceiling:
    """What applied to the whole call: the published ceiling (never minus the reserve), the reserve kept out of
    the division, and what the run divided (its pots together)."""

    published_cents: int
    reserve_cents: int
    to_divide_cents: int
    awb_subsidy: bool  # a subsidy under Awb title 4.2 (the refusal on the ceiling is Awb 4:25 lid 2)
    pots: tuple[PotInfo, ...] = ()  # the call's pots (deelplafonds), in order; empty without pots

    def __post_init__(self) -> None:
        if len(self.pots) > MAX_ROWS:
            raise ValueError("too many pots for one letter")

    @property
    def term(self) -> str:
        """A subsidy has a subsidieplafond (Awb 4:22); a specific grant an uitkeringsplafond."""
        return gettext("subsidieplafond") if self.awb_subsidy else gettext("uitkeringsplafond")

    @property
    def states_distributed(self) -> bool:
        return self.reserve_cents > 0 or self.to_divide_cents != self.published_cents


@dataclass(frozen=True)
class Motivation:
    """The points, the ground of the decision with its numbers, and what applied (Awb 3:46: a decision
    states its reasons). The ground is the one the run stored for the line; nothing here re-derives it."""

    criteria: tuple[CriterionPoints, ...]
    need_points: Decimal
    bonuses: tuple[BonusPoints, ...]
    method: Method
    ground: Ground
    ceiling: Ceiling
    rank: int | None = None
    ranked_count: int = 0
    home_pot: PotInfo | None = None  # the pot the application belonged to (None without pots)
    spill_pot: PotInfo | None = None  # where the home pot passed on its money and unmet requests
    funded_from: tuple[Funding, ...] = ()

    def __post_init__(self) -> None:
        if len(self.criteria) + len(self.bonuses) > MAX_ROWS or len(self.funded_from) > MAX_ROWS:
            raise ValueError("too many rows for one letter")

    @property
    def ranked(self) -> bool:
        return self.method is Method.RANKED

    @property
    def states_rank(self) -> bool:
        """A ranked run names the ranking, and the place in it, for an application that competed for the money
        (not for one refused before: below a minimum, or not eligible)."""
        return self.ranked and self.rank is not None and self.ground.code in COMPETED

    @property
    def refused_on_the_ceiling(self) -> bool:
        """The application, or part of it, is refused because the ceiling (or a pot of it) was reached: for a
        subsidy that refusal rests on Awb 4:25 lid 2."""
        return self.ground.code in ON_THE_CEILING

    @property
    def moved_on(self) -> PotInfo | None:
        """The pot where the application's ground was decided, when that is not its own pot: what its own pot
        could not fund went on to that pot (the ground names it; it was the last pot it competed in)."""
        pot = getattr(self.ground, "pot", None)
        if pot is None or self.home_pot is None or pot.name == self.home_pot.name:
            return None
        return pot

    @property
    def names_funding(self) -> bool:
        """Say where the money came from when it is not simply the applicant's own pot."""
        if not self.funded_from or self.home_pot is None or self.home_pot.whole_budget:
            return False
        return len(self.funded_from) > 1 or self.funded_from[0].pot.name != self.home_pot.name

    @property
    def bonus_points(self) -> Decimal:
        return sum((b.points for b in self.bonuses), Decimal(0))

    @property
    def criteria_points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

    @property
    def total_points(self) -> Decimal:
        """The parts printed add up to the total printed, by construction."""
        return self.criteria_points + self.need_points + self.bonus_points


@dataclass(frozen=True)
class ThemeYearAmount:
    theme: str
    year: int
    cents: int

    def __post_init__(self) -> None:
        _bound_fields(self)


@dataclass(frozen=True)
class Payment:
    year: int
    on: datetime.date
    cents: int


@dataclass(frozen=True)
class SchemeTexts:
    """The scheme-specific texts of a call, edited by administrators and versioned (LetterText)."""

    version: int = 1
    introduction: str = ""
    obligations: str = ""
    unspent_money: str = (
        "Middelen die u niet binnen de bestedingsperiode besteedt of die u niet besteedt aan de "
        "activiteiten waarvoor ze zijn verstrekt, vordert de minister terug."
    )
    closing: str = ""

    def __post_init__(self) -> None:
        _bound_fields(
            self,
            {"introduction": PARAGRAPH, "obligations": PARAGRAPH, "unspent_money": PARAGRAPH, "closing": PARAGRAPH},
        )


@dataclass(frozen=True)
class LetterContent:
    kind: Kind
    decision_number: str
    letter_date: datetime.date
    sender: Sender
    signatory: Signatory
    addressee: Addressee
    application_reference: str
    application_title: str
    application_date: datetime.date
    scheme_name: str
    scheme_uses_sisa: bool
    call_title: str
    legal_basis: str
    requested_cents: int
    awarded_cents: int
    motivation: Motivation
    spending_from: datetime.date
    spending_to: datetime.date
    amounts: tuple[ThemeYearAmount, ...] = ()
    payments: tuple[Payment, ...] = ()
    texts: SchemeTexts = field(default_factory=SchemeTexts)
    attachments: tuple[str, ...] = ()
    rules_hash: str = ""  # the SHA-256 of the published rules the run applied (applications/published_rules)
    rules_version: int | None = None

    def __post_init__(self) -> None:
        _bound_fields(self, {"legal_basis": LONG, "application_title": SHORT, "decision_number": 40})
        if len(self.amounts) > MAX_ROWS or len(self.payments) > MAX_ROWS:
            raise ValueError("too many rows for one letter")
        if self.kind is Kind.REFUSAL and self.awarded_cents:
            raise ValueError("a refusal awards nothing")
        if self.kind is not Kind.REFUSAL and sum(a.cents for a in self.amounts) != self.awarded_cents:
            raise ValueError("the amounts per theme and year must add up to the award")
        if self.payments and sum(p.cents for p in self.payments) != self.awarded_cents:
            raise ValueError("the payments must add up to the award")

    # What the template reads; all derived, nothing computed in the template.
    @property
    def title(self) -> str:
        return f"Beschikking {self.decision_number}"

    @property
    def subject(self) -> str:
        noun = "Afwijzing aanvraag" if self.kind is Kind.REFUSAL else "Toekenning"
        return f"{noun} {self.scheme_name} ({self.application_reference})"

    @property
    def awarded_words(self) -> str:
        return amount_in_words(self.awarded_cents)

    @property
    def requested_words(self) -> str:
        return amount_in_words(self.requested_cents)

    @property
    def objection_last_day(self) -> datetime.date:
        return deadlines.objection_last_day(self.letter_date)

    @property
    def sisa_deadline(self) -> datetime.date:
        """The last accountability: 15 July of the year after the last spending year."""
        return datetime.date(self.spending_to.year + 1, 7, 15)

    @property
    def years(self) -> list[int]:
        return sorted({a.year for a in self.amounts})

    @property
    def table(self) -> list[tuple[str, list[int], int]]:
        """Rows of (theme, cents per year, row total) in the order the themes first appear."""
        years = self.years
        cells: dict[str, dict[int, int]] = defaultdict(dict)
        for amount in self.amounts:
            cells[amount.theme][amount.year] = cells[amount.theme].get(amount.year, 0) + amount.cents
        return [(theme, [row.get(y, 0) for y in years], sum(row.values())) for theme, row in cells.items()]

    @property
    def amounts_fit_fixed_columns(self) -> bool:
        """Whether the amounts table fits the print stylesheet's fixed column widths: at most three years,
        every year's total below a million euros ("€ 999.999,99") and the award below ten million
        ("€ 9.999.999,99"). Fixed widths spare WeasyPrint measuring every cell's text; a table that would
        not fit them gets widths measured from its text instead."""
        return (
            len(self.years) <= 3
            and max(self.year_totals, default=0) < 100_000_000
            and self.awarded_cents < 1_000_000_000
        )

    @property
    def year_totals(self) -> list[int]:
        return [sum(a.cents for a in self.amounts if a.year == year) for year in self.years]
