"""The arithmetic of a settlement (vaststelling, Awb 4:42), in integer cents and without Django's database: from
the award, what was paid and is still due, the final account's cumulative spending and the scheme's kind, the
settled amount and what follows from it.

- A specific grant to a municipality (SPUK, Financiële-verhoudingswet art. 17 and 17a) is settled at what was
  spent within the award: min(award, spent). Money not spent is reclaimed.
- An Awb subsidy is settled at the award, or lower only on a recorded ground of Awb 4:46 lid 2 (``Ground``).

Then the advances are set off against the settled amount (4:95): every instalment still open lapses, what is
still owed is one final payment (settled − paid), and what was paid too much is reclaimed (paid − settled, 4:57).
Before: awarded = paid + still due + lapsed. After: settled = paid + final payment − reclaim, to the cent.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.templatetags.portal import cents_to_euro

SPECIFIC_GRANT = "specific_grant"  # applications.models.Scheme.Kind.SPECIFIC_GRANT
SUBSIDY = "subsidy"  # applications.models.Scheme.Kind.SUBSIDY

#: The version of these rules: a settlement batch stores it, and its verification says when it differs.
VERSION = "2026.1"
#: A settlement can be changed, and a reclaim made, until five years have passed since the day of settlement.
GUARD_YEARS = 5
#: A reclaim is paid within six weeks of the settlement letter.
RECLAIM_WEEKS = 6


class Ground(StrEnum):
    """The grounds of Awb 4:46 lid 2 on which an Awb subsidy is settled below its award."""

    NOT_PERFORMED = "not_performed"  # a
    OBLIGATIONS = "obligations"  # b
    INCORRECT_DATA = "incorrect_data"  # c
    AWARD_WRONG = "award_wrong"  # d


GROUND_TEXTS = {
    Ground.NOT_PERFORMED: gettext_lazy(
        "de activiteiten waarvoor subsidie is verleend, niet of niet geheel hebben plaatsgevonden "
        "(art. 4:46 lid 2 onder a Awb)"
    ),
    Ground.OBLIGATIONS: gettext_lazy(
        "de subsidieontvanger niet heeft voldaan aan de aan de subsidie verbonden verplichtingen "
        "(art. 4:46 lid 2 onder b Awb)"
    ),
    Ground.INCORRECT_DATA: gettext_lazy(
        "de subsidieontvanger onjuiste of onvolledige gegevens heeft verstrekt en juiste gegevens tot een andere "
        "beschikking zouden hebben geleid (art. 4:46 lid 2 onder c Awb)"
    ),
    Ground.AWARD_WRONG: gettext_lazy(
        "de subsidieverlening anderszins onjuist was en de subsidieontvanger dit wist of behoorde te weten "
        "(art. 4:46 lid 2 onder d Awb)"
    ),
}


@dataclass(frozen=True)
class Inputs:
    """What a settlement is computed from, all in cents. ``paid``: paid and not reclaimed before; ``open``: the
    instalments still to be paid; ``spent``: the final account's cumulative spending. ``ground`` and
    ``proposed`` only for an Awb subsidy settled below its award."""

    kind: str
    awarded: int
    paid: int
    open: int
    spent: int
    ground: str = ""
    proposed: int | None = None

    @property
    def lapsed_before(self) -> int:
        """What already lapsed before the settlement (an earlier decision or settlement): awarded − paid − open."""
        return self.awarded - self.paid - self.open

    def sha256(self) -> str:
        """The inputs as canonical JSON, hashed: the same figures give the same hash, so a settlement can be
        recomputed and compared."""
        text = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Result:
    """The settled amount and its consequences, in cents: the open instalments that lapse, the final payment and
    the reclaim (never both positive)."""

    settled: int
    lapsed: int
    final_payment: int
    reclaim: int
    unspent: int  # awarded − spent, when positive (for the letter: what was not spent)


class NotSettleable(ValueError):
    """The inputs cannot be settled: ``messages`` says why, in Dutch."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def problems(inputs: Inputs) -> list[str]:
    """Every reason the inputs cannot be settled, as sentences a person can act on."""
    found: list[str] = []
    if inputs.kind not in (SPECIFIC_GRANT, SUBSIDY):
        return [_("Onbekende soort regeling: %(kind)s.") % {"kind": inputs.kind}]
    if min(inputs.awarded, inputs.paid, inputs.open, inputs.spent) < 0:
        found.append(_("Een bedrag kan niet negatief zijn."))
    if inputs.lapsed_before < 0:
        found.append(
            _(
                "Betaald (%(paid)s) en nog te betalen (%(open)s) samen zijn meer dan het toegekende bedrag "
                "(%(awarded)s)."
            )
            % {
                "paid": cents_to_euro(inputs.paid),
                "open": cents_to_euro(inputs.open),
                "awarded": cents_to_euro(inputs.awarded),
            }
        )
    if inputs.kind == SPECIFIC_GRANT:
        if inputs.ground or inputs.proposed is not None:
            found.append(
                _(
                    "Een specifieke uitkering wordt vastgesteld op de verantwoorde besteding, tot ten hoogste het "
                    "toegekende bedrag; een grond of een ander bedrag is daarbij niet mogelijk."
                )
            )
        return found
    if inputs.ground and inputs.ground not in Ground.__members__.values():
        found.append(_("Onbekende grond voor een lagere vaststelling."))
    elif inputs.ground and inputs.proposed is None:
        found.append(_("Vul het lagere bedrag in waarop de subsidie wordt vastgesteld."))
    elif inputs.proposed is not None and not inputs.ground:
        found.append(
            _(
                "Een subsidie wordt op het toegekende bedrag vastgesteld, of lager alleen op een grond van "
                "artikel 4:46 lid 2 Awb: kies de grond."
            )
        )
    elif inputs.proposed is not None and not 0 <= inputs.proposed < inputs.awarded:
        found.append(
            _("Het lagere bedrag moet tussen € 0,00 en het toegekende bedrag (%(awarded)s) liggen.")
            % {"awarded": cents_to_euro(inputs.awarded)}
        )
    return found


def settle(inputs: Inputs) -> Result:
    """The settled amount and its consequences; ``NotSettleable`` with every problem otherwise."""
    found = problems(inputs)
    if found:
        raise NotSettleable(found)
    if inputs.kind == SPECIFIC_GRANT:
        settled = min(inputs.awarded, inputs.spent)
    elif inputs.ground:
        settled = inputs.proposed  # type: ignore[assignment]  # checked by ``problems``
    else:
        settled = inputs.awarded
    return Result(
        settled=settled,
        lapsed=inputs.open,
        final_payment=max(settled - inputs.paid, 0),
        reclaim=max(inputs.paid - settled, 0),
        unspent=max(inputs.awarded - inputs.spent, 0),
    )


# --- The five-year guard (Awb 4:49 lid 3, 4:57 lid 4) -----------------------------------------------------
def guard_ends(settled_on: datetime.date) -> datetime.date:
    """The last day a settlement may be changed, or a reclaim made: five years after the day of settlement (29
    February counts to 28 February)."""
    try:
        return settled_on.replace(year=settled_on.year + GUARD_YEARS)
    except ValueError:
        return settled_on.replace(year=settled_on.year + GUARD_YEARS, day=28)


def guard(*, settled_on: datetime.date, today: datetime.date, reclaim: bool) -> str | None:
    """Why a new settlement of a decision settled on ``settled_on`` (with a reclaim, when ``reclaim``) is refused
    today, with the article; None when the five years have not passed."""
    if today <= guard_ends(settled_on):
        return None
    if reclaim:
        return _(
            "Er kan niet meer worden teruggevorderd: sinds de vaststelling op %(date)s zijn meer dan vijf jaren "
            "verstreken (artikel 4:57 lid 4 Awb)."
        ) % {"date": formats.date_format(settled_on, "j F Y")}
    return _(
        "De vaststelling kan niet meer worden gewijzigd: sinds de vaststelling op %(date)s zijn meer dan vijf jaren "
        "verstreken (artikel 4:49 lid 3 Awb)."
    ) % {"date": formats.date_format(settled_on, "j F Y")}


def reclaim_due(settled_on: datetime.date) -> datetime.date:
    """A reclaim is paid within six weeks of the day of settlement."""
    return settled_on + datetime.timedelta(weeks=RECLAIM_WEEKS)


# --- Set-off against another grant of the same recipient (Awb 4:57) ------------------------------------------
@dataclass(frozen=True)
class OpenInstalment:
    """An instalment of another decision that a reclaim may be set off against: its key and amount (cents)."""

    key: int
    amount: int


@dataclass(frozen=True)
class SetOffLine:
    """What is taken from one instalment (``amount``) and what is still to be paid of it (``remainder``)."""

    key: int
    instalment: int
    amount: int

    @property
    def remainder(self) -> int:
        return self.instalment - self.amount


@dataclass(frozen=True)
class SetOffPlan:
    """A reclaim split into what is set off (``lines``) and what is paid back (``to_pay``), to the cent."""

    reclaim: int
    lines: tuple[SetOffLine, ...]

    @property
    def set_off(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def to_pay(self) -> int:
        return self.reclaim - self.set_off


def plan_set_off(reclaim: int, instalments: list[OpenInstalment]) -> SetOffPlan:
    """Set ``reclaim`` off against ``instalments`` in the given order (the earliest due first): each gives what
    is still to be reclaimed, at most its amount. An instalment that is not needed gives nothing and is left
    out; no instalment is taken twice. What the instalments cannot cover is paid back."""
    if reclaim < 0 or any(item.amount <= 0 for item in instalments):
        raise ValueError("a reclaim is not negative and an instalment pays a positive amount")
    if len({item.key for item in instalments}) != len(instalments):
        raise ValueError("an instalment is set off at most once")
    left = reclaim
    lines: list[SetOffLine] = []
    for item in instalments:
        if left == 0:
            break
        taken = min(left, item.amount)
        lines.append(SetOffLine(key=item.key, instalment=item.amount, amount=taken))
        left -= taken
    return SetOffPlan(reclaim=reclaim, lines=tuple(lines))


# --- The sample for in-depth checks ---------------------------------------------------------------------------
def sample(numbers: list[str], *, seed: int, percent: int) -> set[str]:
    """The decision numbers a batch marks for an in-depth check: ``percent`` of them rounded up (at least one
    when the rate is above zero), chosen by the SHA-256 of the seed and the number. The same numbers, seed and
    rate give the same sample, whatever their order, so a batch's sample is reproducible from what it stored."""
    if not numbers or percent <= 0:
        return set()
    size = min(len(numbers), -(-len(numbers) * percent // 100))
    ranked = sorted(numbers, key=lambda number: hashlib.sha256(f"{seed}:{number}".encode()).hexdigest())
    return set(ranked[:size])


def batch_sha256(inputs: dict[str, Inputs], *, version: str, seed: int, percent: int) -> str:
    """The hash of a batch's inputs: every decision number with its inputs, the rules version and the sample's
    seed and rate, as canonical JSON."""
    document = {
        "version": version,
        "sample": {"seed": seed, "percent": percent},
        "decisions": {number: asdict(item) for number, item in sorted(inputs.items())},
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()
