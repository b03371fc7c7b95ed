"""From a snapshot to the lines of a run: claims for the engine, its result, and the split of every award.

Pure: it reads only the snapshot (no database), so that the run and its verification compute the very same
thing. Rules beyond the engine's:
- an application not yet reviewed is not included (``in_review``);
- an applicant goes to the first pot, in order, that takes it: a pot for the members of a network takes
  them, a pot without a network takes everyone; no pot takes it: ``no_pot``;
- points below the call's assessment minimum: ``below_minimum``;
- with per-area reservations, an application's reservation is its maximum; without one: ``no_reservation``;
- the formula weight must be positive (``no_weight``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from allocations import engine
from allocations.runs import splits

FORMULA_WEIGHTS = {
    "inhabitants_x_need": lambda a: Decimal(a["municipality"]["inhabitants"]) * Decimal(a["points"]["need_score"]),
    "inhabitants": lambda a: Decimal(a["municipality"]["inhabitants"]),
    "need": lambda a: Decimal(a["points"]["need_score"]),
    "total_points": lambda a: Decimal(a["points"]["total"]),
}
DEFAULT_POT = "algemeen"
SHORT_REASONS = ("partial", "budget_exhausted")


@dataclass
class PlannedLine:
    application: int
    reference: str
    included: bool
    requested: int
    rank: int | None = None
    pot: str = ""
    funded_from: dict[str, int] = field(default_factory=dict)
    ceiling: int = 0
    awarded: int = 0
    reason: str = "in_review"
    eligible: bool = False
    is_cutoff: bool = False
    points: dict | None = None
    splits: list[tuple[int, int, int, int]] = field(default_factory=list)  # theme, year, requested, awarded

    def comparable(self) -> dict:
        return {
            "included": self.included,
            "rank": self.rank,
            "pot": self.pot,
            "funded_from": dict(self.funded_from),
            "ceiling": self.ceiling,
            "awarded": self.awarded,
            "reason": self.reason,
            "eligible": self.eligible,
            "is_cutoff": self.is_cutoff,
            "splits": sorted(self.splits),
        }


@dataclass
class Plan:
    lines: list[PlannedLine]
    pots: list[dict]
    total_budget: int
    total_awarded: int


def engine_policy(policy: dict) -> engine.Policy:
    caps = []
    if policy["cap_amount"]:
        caps.append(policy["cap_amount"])
    if policy["cap_pct"] is not None:
        caps.append(int(Decimal(policy["cap_pct"]) * policy["ceiling"] / 100))
    cap = min(caps) if caps else None
    return engine.Policy(
        method=policy["method"],
        cap=cap if cap and cap > 0 else None,
        min_points=None if policy["min_points"] is None else Decimal(policy["min_points"]),
        partial_last=policy["partial_last"],
        unit=policy["unit"],
        seed=policy["seed"],
    )


def engine_pots(policy: dict) -> list[engine.Pot]:
    if not policy["pots"]:
        return [engine.Pot(name=DEFAULT_POT, budget=policy["ceiling"])]
    return [engine.Pot(name=p["name"], budget=p["budget"], spill_to=p["spill_to"]) for p in policy["pots"]]


def home_pot(policy: dict, networks: list[str]) -> str | None:
    """The first pot in order that takes the applicant; None when no pot does."""
    if not policy["pots"]:
        return DEFAULT_POT
    for pot in policy["pots"]:
        if pot["network"] is None or pot["network"] in networks:
            return pot["name"]
    return None


def _claim(app: dict, policy: dict, reservations: dict) -> tuple[engine.Claim, str | None]:
    """The engine's claim for a reviewed application, and our own reason when it cannot compete (or
    ``reserved`` when the area's reservation lowered its request)."""
    points = app["points"]
    requested = app["requested"]
    reason, lowered = None, False
    if not points["meets_minimum"]:
        reason = "below_minimum"
    if policy["reservations"]:
        reserved = reservations.get((app["municipality"]["cbs_code"], app["area"].lower()))
        if reserved is None or reserved <= 0:
            reason = reason or "no_reservation"
        elif reserved < requested:
            requested, lowered = reserved, True
    pot = home_pot(policy, app["networks"])
    if pot is None:
        reason = reason or "no_pot"
    weight = None
    if policy["method"] == "formula":
        weight = FORMULA_WEIGHTS.get(policy["formula_weight"], FORMULA_WEIGHTS["total_points"])(app)
        if weight <= 0:
            reason = reason or "no_weight"
            weight = None
    claim = engine.Claim(
        key=app["reference"],
        requested=requested,
        points=Decimal(points["total"]),
        pot=pot,
        eligible=reason is None,
        weight=weight,
        tiebreak=Decimal(points["need_score"]) if policy["tiebreak"] == "need_score" else None,
    )
    return claim, reason or ("reserved" if lowered else None)


def compute(snapshot: dict) -> Plan:
    """The lines of a run on this snapshot (raises ValueError when the engine refuses the input)."""
    policy = snapshot["policy"]
    reservations = {(r["municipality"], r["area"].lower()): r["amount"] for r in policy["reservations"]}
    planned: dict[str, PlannedLine] = {}
    claims = []
    reasons = {}
    for app in snapshot["applications"]:
        line = PlannedLine(
            application=app["id"],
            reference=app["reference"],
            included=False,
            requested=app["requested"] or 0,
            points=app["points"],
        )
        planned[app["reference"]] = line
        if app["status"] != "reviewed" or app["points"] is None or not app["requested"]:
            continue
        line.included = True
        claim, reason = _claim(app, policy, reservations)
        claims.append(claim)
        if reason:
            reasons[claim.key] = reason
    reserved = {key for key, reason in reasons.items() if reason == "reserved"}
    for key in reserved:
        del reasons[key]
    result = engine.allocate(claims, engine_pots(policy), engine_policy(policy)) if claims else None
    budget_lines = {app["reference"]: app["budget_lines"] for app in snapshot["applications"]}
    cut_pots: set[str] = set()
    for engine_line in result.lines if result else ():
        line = planned[engine_line.key]
        line.rank = engine_line.rank
        line.pot = engine_line.pot if engine_line.key not in reasons or reasons[engine_line.key] != "no_pot" else ""
        line.funded_from = dict(engine_line.funded_from)
        line.ceiling = engine_line.capped_request
        line.awarded = engine_line.awarded
        line.reason = reasons.get(engine_line.key, str(engine_line.reason))
        if engine_line.key in reserved and line.reason in ("full", "capped"):
            line.reason = "reserved"
        line.eligible = engine_line.key not in reasons
        if line.reason in SHORT_REASONS and line.pot not in cut_pots:
            line.is_cutoff = True
            cut_pots.add(line.pot)
        parts = budget_lines[engine_line.key]
        if parts:
            shares = splits.split(line.awarded, [p["amount"] for p in parts])
            line.splits = [(p["theme_id"], p["year"], p["amount"], s) for p, s in zip(parts, shares, strict=True)]
    return Plan(
        lines=sorted(planned.values(), key=lambda line: (line.rank is None, line.rank or 0, line.reference)),
        pots=[p._asdict() for p in result.pots] if result else [],
        total_budget=result.total_budget if result else policy["ceiling"],
        total_awarded=result.total_awarded if result else 0,
    )
