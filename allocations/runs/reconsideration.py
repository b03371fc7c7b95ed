"""The re-run of a final run as of its original decision, for an objection: only one application's corrections.

Pure: it reads the final run's frozen snapshot, never the database, so the reconsideration and its
verification compute the very same thing (as ``plan.compute`` does for a run).

The law it follows:
- Awb 4:25 lid 3: in an objection the ceiling binds only as far as it did when the first decision was taken.
  So the re-run divides the same ceiling among the same competitors under the same policy and seed, with
  only the objector's corrected inputs changed; an extra award is paid on top of the ceiling, first from
  the call's reserve as far as earlier reconsiderations of the run left it, and no other municipality
  loses money: every other decision stands, whatever the re-run would have given it.
- Awb 7:11: the decision is reconsidered in full, but the objector may not be left worse off
  (no reformatio in peius): a re-run that gives less keeps the old amount, and the result says so.
Money is integer cents throughout.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from allocations.runs import plan, splits

#: The scores a reconsideration may correct; the total is always their sum (as a breakdown's is).
SCORES = ("reviewer_score", "need_score", "bonus_score")
#: The most points a score may have (the points columns: 9 digits, 2 decimals).
MAX_POINTS = Decimal("9999999.99")
#: The most a request may be (the money columns: 14 digits, 2 decimals).
MAX_CENTS = 999_999_999_999_99
#: Grounds an eligibility correction does not lift: a published minimum (correct the points instead), no pot
#: that takes the applicant, or no weight in the formula. The re-run would still refuse the application.
NOT_LIFTED = ("below_minimum", "no_pot", "no_weight")


@dataclass(frozen=True)
class Corrections:
    """What a reconsideration corrects on the objector's application; None: unchanged."""

    requested: int | None = None  # cents
    eligible: bool | None = None
    reviewer_score: Decimal | None = None
    need_score: Decimal | None = None
    bonus_score: Decimal | None = None

    def as_json(self) -> dict:
        """The canonical document of the corrections: only what is corrected, money in cents, points as text."""
        data: dict = {}
        if self.requested is not None:
            data["requested"] = self.requested
        if self.eligible is not None:
            data["eligible"] = self.eligible
        points = {name: f"{getattr(self, name):.2f}" for name in SCORES if getattr(self, name) is not None}
        if points:
            data["points"] = points
        return data

    @property
    def empty(self) -> bool:
        return not self.as_json()

    @classmethod
    def from_json(cls, data: dict) -> Corrections:
        """Read a corrections document (as ``as_json`` writes it, or from the API); refuses what is wrong with
        a ValidationError per field, in the active language."""
        errors: dict[str, list[str]] = {}
        unknown = sorted(set(data) - {"requested", "eligible", "points"})
        if unknown:
            errors["corrections"] = [_("Onbekende correctie: %(names)s.") % {"names": ", ".join(unknown)}]
        requested = data.get("requested")
        if requested is not None:
            if not isinstance(requested, int) or isinstance(requested, bool):
                errors["requested"] = [_("Het aangevraagde bedrag moet een bedrag in centen zijn.")]
            else:
                try:
                    check_requested(requested)
                except ValidationError as error:
                    errors["requested"] = error.messages
        eligible = data.get("eligible")
        if eligible is not None and not isinstance(eligible, bool):
            errors["eligible"] = [_("Kies ja of nee.")]
        points = data.get("points") or {}
        scores: dict[str, Decimal | None] = {}
        if not isinstance(points, dict):
            errors["points"] = [_("De punten moeten per score worden gegeven.")]
            points = {}
        for name in sorted(set(points) - set(SCORES)):
            errors[name] = [_("Onbekende score.")]
        for name in SCORES:
            value = points.get(name)
            if value is None:
                scores[name] = None
                continue
            try:
                scores[name] = check_points(value)
            except ValidationError as error:
                errors[name] = error.messages
        if errors:
            raise ValidationError(errors)
        return cls(requested=requested, eligible=eligible, **scores)


def check_requested(cents: int) -> int:
    """A corrected request is more than nothing (an application without a request is not divided at all) and
    fits the money columns."""
    if cents <= 0:
        raise ValidationError(_("Het aangevraagde bedrag moet groter zijn dan € 0,00."), code="min_value")
    if cents > MAX_CENTS:
        raise ValidationError(_("Dit bedrag is te groot."), code="max_value")
    return cents


def check_points(value) -> Decimal:
    """A corrected score: zero or more, with at most two decimals."""
    try:
        points = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("Vul een aantal punten in, bijvoorbeeld 7,5."), code="invalid") from None
    if not points.is_finite():
        raise ValidationError(_("Vul een aantal punten in, bijvoorbeeld 7,5."), code="invalid")
    if points < 0:
        raise ValidationError(_("Een score kan niet negatief zijn."), code="min_value")
    if points > MAX_POINTS:
        raise ValidationError(_("Dit aantal punten is te groot."), code="max_value")
    if points != points.quantize(Decimal("0.01")):
        raise ValidationError(_("Vul hoogstens 2 cijfers achter de komma in."), code="decimals")
    return points


class NotInRun(ValidationError):
    """The application was not divided by this run: not in its snapshot, or not taken (still in review)."""

    def __init__(self) -> None:
        super().__init__(
            {
                "application": [
                    _("Deze aanvraag is niet verdeeld in deze verdeling; kies een aanvraag van de verdeling.")
                ]
            }
        )


@dataclass(frozen=True)
class Position:
    """Where one application stands in a division: rank, request, award (cents) and the ground that limited it."""

    rank: int | None
    requested: int
    awarded: int
    ground: dict

    @classmethod
    def of(cls, line: plan.PlannedLine) -> Position:
        return cls(rank=line.rank, requested=line.requested, awarded=line.awarded, ground=dict(line.ground))


@dataclass(frozen=True)
class OtherLine:
    """Another application of the run: what it was decided, and what the re-run would have given it. Its
    decision stays unchanged (Awb 4:25 lid 3): ``decided`` is what it keeps, always its old award."""

    application: int
    reference: str
    old: Position
    rerun: Position
    unchanged: bool = True  # its decision, not the re-run: always True, stated so every reader sees it

    @property
    def decided(self) -> int:
        return self.old.awarded

    @property
    def rerun_differs(self) -> bool:
        return (self.rerun.rank, self.rerun.awarded, self.rerun.ground) != (
            self.old.rank,
            self.old.awarded,
            self.old.ground,
        )


@dataclass(frozen=True)
class Result:
    """The objector's old and new position, what it gets now, the extra money and its source, and the others."""

    application: int
    reference: str
    old: Position
    new: Position
    awarded: int  # what the objector gets: never less than the old award (Awb 7:11)
    not_worse_off: bool  # the re-run gave less than the old award, which therefore stands
    extra: int  # awarded - old.awarded = max(0, new - old)
    from_reserve: int
    on_top: int  # paid on top of the ceiling (Awb 4:25 lid 3)
    reserve: int
    reserve_used_before: int
    ceiling: int
    others: list[OtherLine] = field(default_factory=list)
    corrected_snapshot: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def reserve_left(self) -> int:
        return max(self.reserve - self.reserve_used_before - self.from_reserve, 0)

    def as_json(self) -> dict:
        """The result as stored and compared by ``verify`` (cents, grounds as the plan gives them)."""
        return {
            "application": self.application,
            "reference": self.reference,
            "old": asdict(self.old),
            "new": asdict(self.new),
            "awarded": self.awarded,
            "not_worse_off": self.not_worse_off,
            "extra": self.extra,
            "from_reserve": self.from_reserve,
            "on_top": self.on_top,
            "reserve": self.reserve,
            "reserve_used_before": self.reserve_used_before,
            "ceiling": self.ceiling,
            "lines": [
                {
                    "application": other.application,
                    "reference": other.reference,
                    "old": asdict(other.old),
                    "rerun": asdict(other.rerun),
                    "unchanged": other.unchanged,
                }
                for other in self.others
            ],
        }


def _application(snapshot: dict, application_id: int) -> dict:
    for app in snapshot["applications"]:
        if app["id"] == application_id:
            return app
    raise NotInRun


def apply(snapshot: dict, application_id: int, corrections: Corrections) -> dict:
    """A copy of the snapshot with only the corrections applied to that one application; the snapshot itself is
    left as it is. A corrected request scales the budget lines with it (largest remainder, to the cent), so
    they still add up; corrected scores give a new total (their sum)."""
    corrected = copy.deepcopy(snapshot)
    app = _application(corrected, application_id)
    if corrections.requested is not None:
        parts = [line["amount"] for line in app["budget_lines"]]
        if parts and sum(parts) > 0:
            for line, amount in zip(app["budget_lines"], splits.split(corrections.requested, parts), strict=True):
                line["amount"] = amount
        app["requested"] = corrections.requested
    if corrections.eligible is not None:
        app["eligible"] = corrections.eligible
        if corrections.eligible and app["points"] is not None:
            app["points"]["meets_minimum"] = True  # schema 1: the assessment's verdict was all it kept
            app["points"]["minimum_reason"] = ""
    scores = {name: getattr(corrections, name) for name in SCORES if getattr(corrections, name) is not None}
    if scores and app["points"] is not None:
        points = app["points"]
        for name, value in scores.items():
            points[name] = f"{value:.2f}"
        points["total"] = f"{sum(Decimal(points[name]) for name in SCORES):.2f}"
    return corrected


def reconsider(snapshot: dict, application_id: int, corrections: Corrections, *, reserve_used: int = 0) -> Result:
    """Re-run the division on ``snapshot`` with only ``corrections`` to ``application_id`` (Awb 4:25 lid 3).

    ``reserve_used`` is what earlier reconsiderations of this run already took from the call's reserve. Raises
    ``NotInRun`` for an application the run did not divide, and a ValidationError when an eligibility
    correction cannot make the application compete (``NOT_LIFTED``)."""
    if reserve_used < 0:
        raise ValueError("reserve_used must not be negative")
    app = _application(snapshot, application_id)
    before = {line.application: line for line in plan.compute(snapshot).lines}
    old_line = before[application_id]
    if not old_line.included:
        raise NotInRun
    if app["points"] is None and any(getattr(corrections, name) is not None for name in SCORES):
        raise ValidationError({"reviewer_score": [_("Deze aanvraag heeft geen punten om te corrigeren.")]})
    corrected = apply(snapshot, application_id, corrections)
    after = {line.application: line for line in plan.compute(corrected).lines}
    new_line = after[application_id]
    if corrections.eligible and new_line.ground.get("code") in NOT_LIFTED:
        raise ValidationError({"eligible": [_not_lifted(new_line.ground["code"])]})
    old, new = Position.of(old_line), Position.of(new_line)
    # Awb 7:11: no reformatio in peius. A re-run that gives less leaves the old award standing.
    awarded = max(old.awarded, new.awarded)
    extra = awarded - old.awarded
    policy = snapshot["policy"]
    reserve = int(policy.get("reserve") or 0)
    # Awb 4:25 lid 3: the extra award comes from what the reserve still holds, the rest on top of the ceiling.
    from_reserve = min(extra, max(reserve - reserve_used, 0))
    others = [
        OtherLine(application=pk, reference=line.reference, old=Position.of(line), rerun=Position.of(after[pk]))
        for pk, line in before.items()
        if pk != application_id
    ]
    return Result(
        application=application_id,
        reference=old_line.reference,
        old=old,
        new=new,
        awarded=awarded,
        not_worse_off=new.awarded < old.awarded,
        extra=extra,
        from_reserve=from_reserve,
        on_top=extra - from_reserve,
        reserve=reserve,
        reserve_used_before=reserve_used,
        ceiling=int(policy["ceiling"]),
        others=others,
        corrected_snapshot=corrected,
    )


def _not_lifted(code: str) -> str:
    if code == "below_minimum":
        return _(
            "De aanvraag blijft afgewezen onder een minimum van de gepubliceerde regels; een correctie van de "
            "subsidiabiliteit heft dat niet op. Corrigeer de punten als die onjuist waren."
        )
    if code == "no_pot":
        return _("Geen deelplafond neemt deze aanvrager; een correctie van de subsidiabiliteit verandert dat niet.")
    return _(
        "De aanvraag heeft geen gewicht in de verdeelsleutel; een correctie van de subsidiabiliteit verandert dat niet."
    )
