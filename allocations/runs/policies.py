"""The allocation policy of a call: the one service that checks and saves it, for the page and the API alike
(the admin only shows it), with a clear Dutch message for every mistake. The policy is part of the call's published
rules: saved before the window opens it publishes a new version of them, and from the opening on it is
refused (Awb 4:27, applications/published_rules/freeze.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Municipality, Network, User
from accounts.permissions import require
from accounts.templatetags.portal import format_euro
from accounts.workflow import TransitionNotAllowed
from allocations.runs.models import (
    AllocationPolicy,
    AllocationRun,
    AreaReservation,
    Method,
    PolicyPot,
)
from allocations.runs.permissions import can_manage_allocation
from applications.models import Call
from applications.published_rules.freeze import check_changeable, rules_change

POLICY_FIELDS = (
    "method",
    "cap_amount",
    "cap_pct",
    "min_points",
    "partial_last",
    "unit",
    "tiebreak",
    "seed",
    "reserve",
    "formula_weight",
)


@dataclass
class PotInput:
    name: str
    budget: Decimal
    network: Network | None = None
    spill_to: str = ""


@dataclass
class ReservationInput:
    municipality: Municipality
    amount: Decimal
    area_name: str = ""


def check_policy(*, call: Call, values: dict, pots: list[PotInput], reservations: list[ReservationInput]) -> None:
    """Raise a ValidationError with every mistake in the policy, per field."""
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    reserve = values.get("reserve") or Decimal("0")
    if reserve > call.budget:
        add(
            "reserve",
            _("De reserve (%(reserve)s) is hoger dan het subsidieplafond (%(budget)s).")
            % {"reserve": format_euro(reserve), "budget": format_euro(call.budget)},
        )
    ceiling = max(call.budget - reserve, Decimal("0"))
    cap_amount = values.get("cap_amount")
    if cap_amount is not None and cap_amount <= 0:
        add("cap_amount", _("Het maximum per aanvraag moet groter zijn dan nul (of leeg)."))
    elif cap_amount is not None and cap_amount > ceiling:
        add(
            "cap_amount",
            _("Het maximum per aanvraag (%(cap)s) is hoger dan het te verdelen bedrag (%(ceiling)s).")
            % {"cap": format_euro(cap_amount), "ceiling": format_euro(ceiling)},
        )
    cap_pct = values.get("cap_pct")
    if cap_pct is not None and not Decimal("0") < cap_pct <= Decimal("100"):
        add("cap_pct", _("Het maximum als percentage van het plafond moet tussen 0 en 100 liggen."))
    if values.get("method") == Method.FORMULA and not values.get("formula_weight"):
        add("formula_weight", _("Een verdeelsleutel heeft een gewicht nodig, bijvoorbeeld inwoners × behoeftescore."))
    if values.get("method") != Method.FORMULA and values.get("formula_weight"):
        add("formula_weight", _("Een gewicht hoort alleen bij de methode verdeelsleutel."))
    min_points = values.get("min_points")
    if min_points is not None and min_points < 0:
        add("min_points", _("Het minimum aantal punten kan niet negatief zijn."))
    seed = values.get("seed")
    if seed is not None and seed < 0:
        add("seed", _("Het lotingszaad moet nul of groter zijn."))

    names = [pot.name.strip() for pot in pots]
    for position, pot in enumerate(pots):
        if not pot.name.strip():
            add("pots", _("Elke pot heeft een naam nodig."))
        elif names.index(pot.name.strip()) != position:
            add("pots", _("De naam %(name)s wordt voor twee potten gebruikt.") % {"name": pot.name})
        if pot.budget is None or pot.budget < 0:
            add("pots", _("Het budget van pot %(name)s moet nul of meer zijn.") % {"name": pot.name})
        if pot.spill_to:
            target = names.index(pot.spill_to) if pot.spill_to in names else None
            if target is None:
                add(
                    "pots",
                    _("Pot %(name)s stuurt zijn restant naar een onbekende pot %(target)s.")
                    % {"name": pot.name, "target": pot.spill_to},
                )
            elif target <= position:
                add(
                    "pots",
                    _(
                        "Het restant van pot %(name)s kan alleen naar een latere pot gaan, niet naar %(target)s: "
                        "de potten worden op volgorde verdeeld."
                    )
                    % {"name": pot.name, "target": pot.spill_to},
                )
    pot_total = sum((pot.budget or Decimal("0") for pot in pots), Decimal("0"))
    if pot_total > ceiling:
        add(
            "pots",
            _(
                "De potten samen (%(total)s) zijn hoger dan het te verdelen bedrag (%(ceiling)s: het "
                "plafond min de reserve)."
            )
            % {"total": format_euro(pot_total), "ceiling": format_euro(ceiling)},
        )

    seen = set()
    for reservation in reservations:
        key = (reservation.municipality.pk, reservation.area_name.strip().lower())
        if key in seen:
            add(
                "reservations",
                _("Voor %(place)s staan twee reserveringen.")
                % {"place": f"{reservation.municipality.name} {reservation.area_name}".strip()},
            )
        seen.add(key)
        if reservation.amount is None or reservation.amount < 0:
            add("reservations", _("Een reservering moet nul of meer zijn."))
    reserved = sum((r.amount or Decimal("0") for r in reservations), Decimal("0"))
    if reserved > ceiling:
        add(
            "reservations",
            _("De reserveringen samen (%(total)s) zijn hoger dan het te verdelen bedrag (%(ceiling)s).")
            % {"total": format_euro(reserved), "ceiling": format_euro(ceiling)},
        )
    if errors:
        raise ValidationError(errors)


def save_policy(
    *,
    call: Call,
    by: User,
    values: dict,
    pots: list[PotInput],
    reservations: list[ReservationInput],
    now: datetime.datetime | None = None,
) -> AllocationPolicy:
    """Check and replace the call's policy (its pots and reservations with it), and audit the change."""
    require(can_manage_allocation(by))
    now = now or timezone.now()
    check_changeable(call, now)
    values = {key: values[key] for key in POLICY_FIELDS if key in values}
    values.setdefault("reserve", Decimal("0"))
    values["formula_weight"] = values.get("formula_weight") or ""
    check_policy(call=call, values=values, pots=pots, reservations=reservations)
    with rules_change(call, by=by, now=now):
        Call.objects.select_for_update().get(pk=call.pk)
        if AllocationRun.objects.final().filter(call=call).exists():
            raise TransitionNotAllowed(
                _("Het verdeelbeleid kan niet meer worden gewijzigd: deze ronde heeft een definitieve verdeling.")
            )
        policy = AllocationPolicy.objects.select_for_update().filter(call=call).first()
        before = _describe(policy) if policy else None
        if policy is None:
            policy = AllocationPolicy(call=call, revision=0)
        for key, value in values.items():
            setattr(policy, key, value)
        policy.revision += 1
        policy.updated_at = now
        policy.updated_by = by
        policy.full_clean(exclude=["call", "updated_by"])
        policy.save()
        policy.pots.all().update(spill_to=None)
        policy.pots.all().delete()
        created = PolicyPot.objects.bulk_create(
            PolicyPot(policy=policy, name=pot.name.strip(), order=index, budget=pot.budget, network=pot.network)
            for index, pot in enumerate(pots)
        )
        by_name = {pot.name: pot for pot in created}
        for pot, given in zip(created, pots, strict=True):
            if given.spill_to:
                pot.spill_to = by_name[given.spill_to]
                pot.save(update_fields=["spill_to"])
        policy.reservations.all().delete()
        AreaReservation.objects.bulk_create(
            AreaReservation(policy=policy, municipality=r.municipality, area_name=r.area_name.strip(), amount=r.amount)
            for r in reservations
        )
        audit.record(actor=by, verb="allocation_policy.saved", target=policy, before=before, after=_describe(policy))
    return policy


def _describe(policy: AllocationPolicy) -> dict:
    data = {key: getattr(policy, key) for key in POLICY_FIELDS}
    data["pots"] = [
        {
            "name": p.name,
            "budget": p.budget,
            "network": p.network.code if p.network is not None else None,
            "spill_to": p.spill_to.name if p.spill_to is not None else None,
        }
        for p in policy.pots.select_related("network", "spill_to")
    ]
    data["reservations"] = policy.reservations.count()
    return data
