"""The money side of a call's published rules: its part of the rules document (the division), and the check
that a run applied the published rules.

``division_part`` is registered with the rules document at start-up (allocations/apps.py), so the document
is built in one place for both halves while intake never imports this side. A run stores the hash of the
rules it applied (its snapshot records it too); ``rules_check`` compares that hash and the snapshot's policy
with the version published before the window opened, and ``verify`` and approval refuse a run where they
differ.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from accounts.models import Municipality, Network
from accounts.money import cents, euros
from allocations.runs.models import AllocationRun, FormulaWeight, Method, RoundingUnit, RunSnapshot, TieBreak
from allocations.runs.selectors import policy_of, policy_with_parts
from applications.models import Call, RulesVersion
from applications.published_rules.document import points_text
from applications.published_rules.selectors import latest_version


def division_part(call: Call) -> dict:
    """Reserve, pots, reservations, method, cap, minimum points and tie rule, as the rules document has them."""
    policy = policy_with_parts(policy_of(call))
    pots = list(policy.pots.all()) if policy.pk else []
    names = {pot.pk: pot.name for pot in pots}
    reservations = list(policy.reservations.all()) if policy.pk else []
    reserve = cents(policy.reserve) or 0
    return {
        "reserve": reserve,
        "to_divide": max((cents(call.budget) or 0) - reserve, 0),
        "method": policy.method,
        "formula_weight": policy.formula_weight,
        "cap": {
            "amount": cents(policy.cap_amount),
            "pct_of_ceiling": None if policy.cap_pct is None else f"{policy.cap_pct:.2f}",
        },
        "min_points": points_text(policy.min_points),
        "partial_last": policy.partial_last,
        "rounding_unit": int(policy.unit),
        "tie_break": {"rule": policy.tiebreak, "seed": int(policy.seed)},
        "pots": [
            {
                "name": pot.name,
                "budget": cents(pot.budget),
                "network": pot.network.code if pot.network is not None else None,
                "spill_to": names.get(pot.spill_to_id) if pot.spill_to_id else None,
            }
            for pot in pots
        ],
        "reservations": sorted(
            (
                {"municipality": r.municipality.cbs_code, "area": r.area_name.strip(), "amount": cents(r.amount)}
                for r in reservations
            ),
            key=lambda r: (r["municipality"], r["area"].lower()),
        ),
    }


def read_division(part: dict) -> dict:
    """The division part of a stored rules document in words and amounts, for the public rules page."""
    municipalities = dict(
        Municipality.objects.filter(cbs_code__in=[r["municipality"] for r in part["reservations"]]).values_list(
            "cbs_code", "name"
        )
    )
    networks = dict(Network.objects.values_list("code", "name"))
    cap = part["cap"]
    return {
        "reserve": euros(part["reserve"]),
        "to_divide": euros(part["to_divide"]),
        "method": Method(part["method"]).label,
        "method_code": part["method"],
        "formula_weight": FormulaWeight(part["formula_weight"]).label if part["formula_weight"] else "",
        "cap_amount": euros(cap["amount"]),
        "cap_pct": None if cap["pct_of_ceiling"] is None else Decimal(cap["pct_of_ceiling"]),
        "min_points": None if part["min_points"] is None else Decimal(part["min_points"]),
        "partial_last": part["partial_last"],
        "rounding": RoundingUnit(part["rounding_unit"]).label,
        "tie_break": TieBreak(part["tie_break"]["rule"]).label,
        "seed": part["tie_break"]["seed"],
        "pots": [
            {
                "name": pot["name"],
                "budget": euros(pot["budget"]),
                "network": networks.get(pot["network"], pot["network"]) if pot["network"] else "",
                "spill_to": pot["spill_to"] or "",
            }
            for pot in part["pots"]
        ],
        "reservations": [
            {
                "municipality": municipalities.get(r["municipality"], r["municipality"]),
                "cbs_code": r["municipality"],
                "area": r["area"],
                "amount": euros(r["amount"]),
            }
            for r in part["reservations"]
        ],
    }


def _as_snapshot_policy(document: dict) -> dict:
    """The published document in the shape of a run snapshot's policy (snapshot.py), to compare field by field."""
    division = document.get("division") or {}
    minimum = division.get("min_points") or (document.get("minimums") or {}).get("total_points")
    cap = division.get("cap") or {}
    tie = division.get("tie_break") or {}
    return {
        "budget": document.get("ceiling"),
        "reserve": division.get("reserve"),
        "ceiling": division.get("to_divide"),
        "method": division.get("method"),
        "cap_amount": cap.get("amount"),
        "cap_pct": cap.get("pct_of_ceiling"),
        "min_points": minimum,
        "partial_last": division.get("partial_last"),
        "unit": division.get("rounding_unit"),
        "tiebreak": tie.get("rule"),
        "seed": tie.get("seed"),
        "formula_weight": division.get("formula_weight"),
        "pots": division.get("pots"),
        "reservations": division.get("reservations"),
    }


@dataclass
class RulesCheck:
    """How a run's rules compare with the published ones; ``differences`` as ``verify`` lists them."""

    applied_hash: str
    published: RulesVersion | None
    differences: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def published_hash(self) -> str:
        return self.published.sha256 if self.published else ""

    @property
    def published_version(self) -> int | None:
        return self.published.number if self.published else None


def _difference(name: str, stored, computed) -> dict:
    return {"reference": "", "field": f"rules.{name}", "stored": str(stored), "computed": str(computed)}


def rules_check(run: AllocationRun) -> RulesCheck:
    """Whether ``run`` applied the rules published for its call: the run's hash, the hash its snapshot recorded
    and the published version's hash are one, the published text still has its hash, and every setting of the
    snapshot's policy is the published one."""
    published = latest_version(run.call)
    check = RulesCheck(applied_hash=run.rules_hash, published=published)
    none = _("(geen)")
    if published is None:
        check.differences.append(_difference("published", run.rules_hash or none, none))
        return check
    if not published.intact:
        check.differences.append(_difference("published_text", published.sha256, none))
    if run.rules_hash != published.sha256:
        check.differences.append(_difference("sha256", run.rules_hash or none, published.sha256))
    stored = RunSnapshot.objects.filter(run=run).values_list("data", flat=True).first() or {}
    policy = stored.get("policy", {})
    if policy.get("rules_sha256", "") != run.rules_hash:
        check.differences.append(_difference("snapshot_sha256", policy.get("rules_sha256") or none, run.rules_hash))
    for key, value in _as_snapshot_policy(json.loads(published.document)).items():
        if policy.get(key) != value:
            check.differences.append(_difference(key, policy.get(key), value))
    return check


def approval_refusal(run: AllocationRun) -> str:
    """Why a run may not become final on account of its rules ('' when it may): its rules must be the ones
    published for the call (one query; ``verify`` compares every setting)."""
    published = latest_version(run.call)
    if published is None:
        return _("Van deze ronde zijn geen regels gepubliceerd; een verdeling kan daarom niet definitief worden.")
    if run.rules_hash != published.sha256:
        return _(
            "Deze verdeling paste andere regels toe dan de gepubliceerde (versie %(version)s). Bereken een "
            "nieuwe verdeling."
        ) % {"version": published.number}
    return ""
