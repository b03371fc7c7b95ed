"""Every input of a run as canonical JSON, and its SHA-256.

The snapshot holds each application of the call (request, budget lines, points with their breakdown and
the indicator values used, networks), the policy and the ceiling. Money is integer cents and points are
strings, never floats, so that the same inputs always give the same bytes and the same hash. Approval
builds a fresh snapshot and compares hashes: any change since the run refuses the approval, listing what
changed (``differences``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accounts.money import cents
from allocations.runs.selectors import competing_applications, minimums_of, networks_in_call, policy_with_parts
from applications.models import BudgetLine, PointsBreakdown, PointsComponent
from applications.published_rules import document as published_rules

# 2: the minimums with their sources (policy_data: min_points_source, assessment_minimums).
SCHEMA = 2
_ENGINE_FILES = ("engine.py", "engine_funding.py")


def _engine_version() -> str:
    """The engine's version: its source's hash, so a verification can say whether the code changed."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent
    for name in _ENGINE_FILES:
        digest.update((root / name).read_bytes())
    return f"1-{digest.hexdigest()[:12]}"


ENGINE_VERSION = _engine_version()


def points_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: dict) -> str:
    return hashlib.sha256(canonical(data)).hexdigest()


#: How long the run page may reuse a finding that a draft's inputs are unchanged (shown with its time).
#: Rebuilding the inputs costs more than the rest of the page (about 80 ms at 300 applications, seconds at
#: 10,000); approval itself always rebuilds them. A change found is never remembered.
UNCHANGED_SECONDS = 120


def _unchanged_key(run_id: int, input_hash: str) -> str:
    return f"allocation-run:{run_id}:{input_hash}:inputs-unchanged"


def remember_unchanged(run_id: int, input_hash: str, at: datetime.datetime) -> None:
    """The inputs of run ``run_id`` were found equal to ``input_hash`` at ``at``; kept until ``at`` plus
    UNCHANGED_SECONDS."""
    left = UNCHANGED_SECONDS - (timezone.now() - at).total_seconds()
    if left > 0:
        cache.set(_unchanged_key(run_id, input_hash), at, left)


def unchanged_since(run_id: int, input_hash: str) -> datetime.datetime | None:
    """When the inputs were last found unchanged, if that is at most UNCHANGED_SECONDS ago. The age is
    checked here, on the clock of the portal; the cache's own expiry only clears the entry away."""
    at = cache.get(_unchanged_key(run_id, input_hash))
    if at is None or (timezone.now() - at).total_seconds() > UNCHANGED_SECONDS:
        return None
    return at


def forget_unchanged(run_id: int, input_hash: str) -> None:
    cache.delete(_unchanged_key(run_id, input_hash))


def _policy_data(call, policy) -> dict:
    budget = cents(call.budget)
    reserve = cents(policy.reserve) or 0
    pots = list(policy.pots.all()) if policy.pk else []
    names = {pot.pk: pot.name for pot in pots}
    reservations = list(policy.reservations.all()) if policy.pk else []
    return {
        "budget": budget,
        "reserve": reserve,
        "ceiling": max(budget - reserve, 0),
        "method": policy.method,
        "cap_amount": cents(policy.cap_amount),
        "cap_pct": None if policy.cap_pct is None else f"{policy.cap_pct:.2f}",
        "min_points": points_text(policy.min_points),
        "partial_last": policy.partial_last,
        "unit": int(policy.unit),
        "tiebreak": policy.tiebreak,
        "seed": int(policy.seed),
        "formula_weight": policy.formula_weight,
        "pots": [
            {
                "name": pot.name,
                "budget": cents(pot.budget),
                "network": pot.network.code if pot.network_id else None,
                "spill_to": names.get(pot.spill_to_id),
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


def build(call, policy) -> dict:
    """Read every input of a run of ``call`` in a fixed number of queries."""
    policy = policy_with_parts(policy)
    policy_data = _policy_data(call, policy)
    minimums = minimums_of(call, policy)
    # The minimum total the engine applies, and where it comes from; the assessment's minimums as they stand,
    # so that a refusal below a minimum states the score, the minimum and its source from the inputs.
    policy_data["min_points"] = points_text(minimums.total)
    policy_data["min_points_source"] = minimums.total_source
    policy_data["assessment_minimums"] = {
        "reviewer_score": points_text(minimums.reviewer_score),
        "total": points_text(minimums.assessment_total),
    }
    # The hash of the call's rules document as configured now: the rules this run applies (rules.py).
    policy_data["rules_sha256"] = published_rules.current_hash(call)
    # Tuples, not model instances or dicts: a call has hundreds of applications and thousands of budget lines
    # and points components, and the approval check on the run page reads them all on every view.
    applications = list(
        competing_applications(call)
        .order_by("pk")
        .values_list(
            "pk",
            "reference",
            "status",
            "area_name",
            "requested_amount",
            "municipality_id",
            "municipality__cbs_code",
            "municipality__name",
            "municipality__inhabitants",
        )
    )
    ids = [a[0] for a in applications]
    lines: dict[int, list[dict]] = defaultdict(list)
    for application_id, theme_id, theme, year, amount in (
        BudgetLine.objects.filter(application__call=call, application_id__in=ids)
        .order_by("application_id", "theme__order", "theme__name", "year")
        .values_list("application_id", "theme_id", "theme__name", "year", "amount")
    ):
        lines[application_id].append({"theme_id": theme_id, "theme": theme, "year": year, "amount": cents(amount)})
    breakdowns = {
        b["application_id"]: b
        for b in PointsBreakdown.objects.filter(application__call=call).values(
            "pk",
            "application_id",
            "reviewer_score",
            "need_score",
            "bonus_score",
            "total",
            "meets_minimum",
            "minimum_reason",
        )
    }
    components: dict[int, list[dict]] = defaultdict(list)
    for breakdown_id, kind, key, label, points, detail in (
        PointsComponent.objects.filter(breakdown__application__call=call)
        .order_by("breakdown_id", "order", "pk")
        .values_list("breakdown_id", "kind", "key", "label", "points", "detail")
    ):
        components[breakdown_id].append(
            {"kind": kind, "key": key, "label": label, "points": points_text(points), "detail": detail}
        )
    networks = networks_in_call(call, {a[5] for a in applications})
    return {
        "schema": SCHEMA,
        "call": {"id": call.pk, "code": call.code, "years": [call.year_from, call.year_to]},
        "policy": policy_data,
        "applications": [
            {
                "id": pk,
                "reference": reference,
                "status": status,
                "municipality": {
                    "id": municipality_id,
                    "cbs_code": cbs_code,
                    "name": name,
                    "inhabitants": inhabitants,
                },
                "area": area_name.strip(),
                "requested": cents(requested),
                "budget_lines": lines.get(pk, []),
                # Sorted by code, not in display order: the snapshot's bytes (and hash) stay those of earlier runs.
                "networks": sorted(networks.get(municipality_id, ())),
                "points": _points(breakdowns.get(pk), components),
            }
            for (pk, reference, status, area_name, requested, municipality_id, cbs_code, name, inhabitants) in (
                applications
            )
        ],
    }


def _points(breakdown: Mapping[str, Any] | None, components: dict[int, list[dict]]) -> dict | None:
    if breakdown is None:
        return None
    return {
        "reviewer_score": points_text(breakdown["reviewer_score"]),
        "need_score": points_text(breakdown["need_score"]),
        "bonus_score": points_text(breakdown["bonus_score"]),
        "total": points_text(breakdown["total"]),
        "meets_minimum": breakdown["meets_minimum"],
        "minimum_reason": breakdown["minimum_reason"],
        "components": components.get(breakdown["pk"], []),
    }


def differences(old: dict, new: dict) -> list[dict]:
    """What changed between two snapshots: per application the fields, and the policy's settings.

    Each item is ``{"reference", "application", "fields"}``; ``application`` is None for the policy.
    """
    changes = []
    old_policy, new_policy = old.get("policy", {}), new.get("policy", {})
    fields = sorted(k for k in set(old_policy) | set(new_policy) if old_policy.get(k) != new_policy.get(k))
    if fields:
        changes.append({"reference": "", "application": None, "fields": fields, "change": "policy"})
    before = {a["id"]: a for a in old.get("applications", [])}
    after = {a["id"]: a for a in new.get("applications", [])}
    for pk in sorted(set(before) | set(after)):
        a, b = before.get(pk), after.get(pk)
        if a is None:
            assert b is not None  # pk came from one of the two
            changes.append({"reference": b["reference"], "application": pk, "fields": [], "change": "added"})
        elif b is None:
            changes.append({"reference": a["reference"], "application": pk, "fields": [], "change": "removed"})
        else:
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            if fields:
                changes.append({"reference": b["reference"], "application": pk, "fields": fields, "change": "changed"})
    return changes
