"""From a snapshot to the lines of a run: claims for the engine, its result, and the split of every award.

Pure: it reads only the snapshot (no database), so that the run and its verification compute the very same
thing. Every line gets its one ground (``PlannedLine.ground``: a code and its numbers), decided here and in
the engine, where the money is decided: pages, letters, exports and the API print it and never re-derive it.
Rules beyond the engine's:
- an application not yet reviewed is not included (``in_review``);
- an applicant goes to the first pot, in order, that takes it: a pot for the members of a network takes
  them, a pot without a network takes everyone; no pot takes it: ``no_pot``;
- points below a minimum of the call's assessment (the reviewer score or the total): ``below_minimum``,
  like points below the policy's own minimum total (the engine's threshold);
- with per-area reservations, an application's reservation is its maximum (``reserved`` when that is what
  limited it); without one: ``no_reservation``;
- the formula weight must be positive (``no_weight``);
- an objection's reconsideration (``reconsideration.py``) may correct an application's eligibility: its
  corrected snapshot then holds ``"eligible"`` on that application (a run's own snapshot never does). False
  refuses it (``ineligible``); True lifts the want of an area's reservation (``no_reservation``). Points and
  requests are corrected in the snapshot's own fields.
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
# The engine's verdicts on a claim that competed, as the codes the portal stores (below_threshold is a
# minimum like the assessment's, so both are ``below_minimum``).
ENGINE_CODES = {engine.Reason.BELOW_THRESHOLD: "below_minimum"}


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
    ground: dict = field(default_factory=lambda: {"code": "in_review"})

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
            "ground": self.ground,
        }


@dataclass
class Plan:
    lines: list[PlannedLine]
    pots: list[dict]
    total_budget: int
    total_awarded: int


def engine_policy(policy: dict) -> engine.Policy:
    cap = policy_cap(policy)
    return engine.Policy(
        method=policy["method"],
        cap=cap,
        min_points=None if policy["min_points"] is None else Decimal(policy["min_points"]),
        partial_last=policy["partial_last"],
        unit=policy["unit"],
        seed=policy["seed"],
    )


def policy_cap(policy: dict) -> int | None:
    """The maximum per application in cents: the lower of the amount and the percentage of the ceiling."""
    caps = []
    if policy["cap_amount"]:
        caps.append(policy["cap_amount"])
    if policy["cap_pct"] is not None:
        caps.append(int(Decimal(policy["cap_pct"]) * policy["ceiling"] / 100))
    cap = min(caps) if caps else None
    return cap if cap and cap > 0 else None


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


def _below_minimum(points: dict, policy: dict) -> dict | None:
    """The assessment's minimum the points miss, with the score, the minimum and its source; None when they
    meet it. Snapshots of schema 1 kept only the assessment's verdict, not its minimums."""
    minimums = policy.get("assessment_minimums")
    if minimums is None:
        return None if points["meets_minimum"] else {"code": "below_minimum", "source": "assessment"}
    for measure, score in (("reviewer_score", points["reviewer_score"]), ("total", points["total"])):
        minimum = minimums[measure]
        if minimum is not None and Decimal(score) < Decimal(minimum):
            return {
                "code": "below_minimum",
                "measure": measure,
                "score": score,
                "minimum": minimum,
                "source": "assessment",
            }
    return None


def _claim(app: dict, policy: dict, reservations: dict) -> tuple[engine.Claim, dict | None, int | None]:
    """The engine's claim for a reviewed application; the portal's ground when it cannot compete; and the
    area's reservation when that lowered its request."""
    points = app["points"]
    requested = app["requested"]
    ground, lowered_to = _below_minimum(points, policy), None
    if policy["reservations"]:
        reserved = reservations.get((app["municipality"]["cbs_code"], app["area"].lower()))
        if reserved is None or reserved <= 0:
            if app.get("eligible") is not True:
                ground = ground or {"code": "no_reservation", "area": app["area"]}
        elif reserved < requested:
            requested, lowered_to = reserved, reserved
    pot = home_pot(policy, app["networks"])
    if pot is None:
        ground = ground or {"code": "no_pot", "networks": app["networks"]}
    if app.get("eligible") is False:
        ground = {"code": "ineligible", "source": "reconsideration"}
    weight = None
    if policy["method"] == "formula":
        weight = FORMULA_WEIGHTS.get(policy["formula_weight"], FORMULA_WEIGHTS["total_points"])(app)
        if weight <= 0:
            ground = ground or {"code": "no_weight", "formula_weight": policy["formula_weight"]}
            weight = None
    claim = engine.Claim(
        key=app["reference"],
        requested=requested,
        points=Decimal(points["total"]),
        pot=pot,
        eligible=ground is None,
        weight=weight,
        tiebreak=Decimal(points["need_score"]) if policy["tiebreak"] == "need_score" else None,
    )
    return claim, ground, lowered_to


def _ratio_text(ratio) -> str:
    return f"{Decimal(ratio.numerator) / Decimal(ratio.denominator):.6f}"


def _percent(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / Decimal(whole):.2f}" if whole else "0.00"


def _ground(
    line: engine.Line, app: dict, claim: engine.Claim, lowered_to: int | None, policy: dict, apps: dict[str, dict]
) -> dict:
    """The engine's reason on a claim that competed, with its numbers, as the portal stores it."""
    reason, detail = line.reason, dict(line.detail or {})
    requested = app["requested"]
    ground: dict
    if reason in (engine.Reason.FULL, engine.Reason.ROUNDED) and lowered_to is not None:
        ground = {"code": "reserved", "reservation": lowered_to}
        if reason is engine.Reason.ROUNDED:
            ground["unit"] = policy["unit"]
        return ground
    code = ENGINE_CODES.get(reason, str(reason))
    ground = {"code": code}
    if reason is engine.Reason.ROUNDED:
        ground["unit"] = policy["unit"]
    elif reason is engine.Reason.CAPPED:
        ground.update(cap=policy_cap(policy), cap_pct=policy["cap_pct"], cap_amount=policy["cap_amount"])
    elif reason is engine.Reason.BELOW_THRESHOLD:
        ground.update(
            measure="total",
            score=app["points"]["total"],
            minimum=policy["min_points"],
            source=policy.get("min_points_source") or "policy",
        )
    elif reason is engine.Reason.PRO_RATA:
        ground.update(pot=detail["pot"], ratio=_ratio_text(detail["ratio"]), share=_percent(line.awarded, requested))
    elif reason is engine.Reason.FORMULA:
        ground.update(pot=detail["pot"], weight=str(claim.weight), share=_percent(line.awarded, requested))
    elif reason is engine.Reason.TIE:
        tiebreak = policy["tiebreak"]
        ground.update(
            pot=detail["pot"],
            then=str(detail["then"]),
            left=detail["left"],
            left_at_tie=detail["left_at_tie"],
            points=app["points"]["total"],
            need_score=app["points"]["need_score"],
            rule=tiebreak,
            against=[
                {
                    "reference": key,
                    "by": tiebreak if how == engine.TIE_BY_TIEBREAK else "lottery",
                    "need_score": apps[key]["points"]["need_score"],
                }
                for key, how in detail["against"]
            ],
        )
    elif detail:
        ground.update(detail)
    if reason in (engine.Reason.PARTIAL, engine.Reason.SKIPPED, engine.Reason.TIE):
        ground["wanted"] = line.capped_request - (line.awarded - line_funded_from(line, ground["pot"]))
    if lowered_to is not None:
        ground["reservation"] = lowered_to
    return ground


def line_funded_from(line: engine.Line, pot: str) -> int:
    return dict(line.funded_from).get(pot, 0)


def compute(snapshot: dict) -> Plan:
    """The lines of a run on this snapshot (raises ValueError when the engine refuses the input)."""
    policy = snapshot["policy"]
    reservations = {(r["municipality"], r["area"].lower()): r["amount"] for r in policy["reservations"]}
    planned: dict[str, PlannedLine] = {}
    apps = {app["reference"]: app for app in snapshot["applications"]}
    claims = []
    portal_grounds: dict[str, dict] = {}
    lowered: dict[str, int] = {}
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
        claim, ground, lowered_to = _claim(app, policy, reservations)
        claims.append(claim)
        if ground:
            portal_grounds[claim.key] = ground
        if lowered_to is not None:
            lowered[claim.key] = lowered_to
    result = engine.allocate(claims, engine_pots(policy), engine_policy(policy)) if claims else None
    claims_by_key = {claim.key: claim for claim in claims}
    cutoffs = {pot.name: pot.cutoff_rank for pot in result.pots} if result else {}
    ranked = policy["method"] == "ranked"
    unit = policy["unit"]
    for engine_line in result.lines if result else ():
        key = engine_line.key
        line = planned[key]
        line.rank = engine_line.rank
        line.pot = "" if portal_grounds.get(key, {}).get("code") == "no_pot" else engine_line.pot
        line.funded_from = dict(engine_line.funded_from)
        line.ceiling = engine_line.capped_request
        line.awarded = engine_line.awarded
        line.ground = portal_grounds.get(key) or _ground(
            engine_line, apps[key], claims_by_key[key], lowered.get(key), policy, apps
        )
        line.reason = line.ground["code"]
        line.eligible = key not in portal_grounds
        pot = line.ground.get("pot")
        line.is_cutoff = ranked and pot is not None and cutoffs.get(pot) == line.rank
        parts = apps[key]["budget_lines"]
        if parts:
            shares = splits.split(line.awarded, [p["amount"] for p in parts], unit)
            line.splits = [(p["theme_id"], p["year"], p["amount"], s) for p, s in zip(parts, shares, strict=True)]
    return Plan(
        lines=sorted(planned.values(), key=lambda line: (line.rank is None, line.rank or 0, line.reference)),
        pots=[pot_totals(p, policy) for p in result.pots] if result else [],
        total_budget=result.total_budget if result else policy["ceiling"],
        total_awarded=result.total_awarded if result else 0,
    )


def pot_totals(summary: engine.PotSummary, policy: dict) -> dict:
    """A pot's money as the run stores it (JSON): the engine's summary, its ratio as text, and its network."""
    networks = {p["name"]: p["network"] for p in policy["pots"]}
    return {
        **summary._asdict(),
        "ratio": None if summary.ratio is None else _ratio_text(summary.ratio),
        "network": networks.get(summary.name),
    }
