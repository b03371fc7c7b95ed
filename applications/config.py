"""Configuration of the intake: schemes with their themes, calls with their networks and required
attachments. Saved and deleted only here, by the API and the admin alike: each checks the rule, validates,
writes and records the audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications.models import Call, RequiredAttachment, Scheme, Theme
from applications.permissions import can_manage_calls
from applications.published_rules.freeze import RulesFrozen, is_frozen, rules_change


def plain(values: dict) -> dict:
    """Related objects by their id, for the audit trail."""
    return {key: value.pk if hasattr(value, "pk") else value for key, value in values.items()}


def _replace_children(
    *, parent_field: str, parent, model, items: list[dict], field_name: str, in_use_message: str
) -> None:
    """Make the parent's children (themes, required attachments) match ``items``: an item with an ``id``
    updates that child, one without creates a child, and a child left out is removed unless in use."""
    existing = {child.pk: child for child in model.objects.filter(**{parent_field: parent})}
    wanted = {item["id"] for item in items if item.get("id")}
    unknown = wanted - set(existing)
    if unknown:
        raise ValidationError({field_name: [_("Onderdeel %(id)s hoort hier niet bij.") % {"id": min(unknown)}]})
    for pk, child in existing.items():
        if pk not in wanted:
            try:
                child.delete()
            except ProtectedError as exc:
                raise ValidationError({field_name: [in_use_message % {"name": child.name}]}) from exc
    for order, item in enumerate(items):
        child = existing[item["id"]] if item.get("id") else model(**{parent_field: parent})
        for key, value in item.items():
            if key != "id":
                setattr(child, key, value)
        if "order" not in item:
            child.order = order
        try:
            with transaction.atomic():
                child.save()
        except IntegrityError as exc:  # two children swapping names in one request
            raise ValidationError({field_name: [_("Elke naam mag maar één keer voorkomen.")]}) from exc


def save_scheme(*, scheme: Scheme | None, values: dict, by: User, themes: list[dict] | None = None) -> Scheme:
    """Create (``scheme`` None or unsaved) or change a scheme; ``themes`` (when given) replaces its themes."""
    require(can_manage_calls(by))
    creating = scheme is None or scheme.pk is None
    before = None if creating else plain({f: getattr(scheme, f) for f in values})
    verb = "scheme.created" if creating else "scheme.updated"
    scheme = scheme or Scheme()
    for key, value in values.items():
        setattr(scheme, key, value)
    scheme.full_clean()
    with transaction.atomic():
        scheme.save()
        if themes is not None:
            _replace_children(
                parent_field="scheme",
                parent=scheme,
                model=Theme,
                items=themes,
                field_name="themes",
                in_use_message=_(
                    "Het bestedingsdoel '%(name)s' staat al in begrotingen en kan niet worden verwijderd."
                ),
            )
        audit.record(
            actor=by,
            verb=verb,
            target=scheme,
            before=before,
            after={**values, **({"themes": [t["name"] for t in themes]} if themes is not None else {})},
        )
    return scheme


def delete_scheme(*, scheme: Scheme, by: User) -> None:
    """Only a scheme that no call uses; otherwise a 409."""
    require(can_manage_calls(by))
    try:
        with transaction.atomic():
            audit.record(
                actor=by, verb="scheme.deleted", target=scheme, data={"code": scheme.code, "name": scheme.name}
            )
            scheme.delete()
    except ProtectedError as exc:
        raise TransitionNotAllowed(
            _("Deze regeling wordt door aanvraagrondes gebruikt en kan niet worden verwijderd.")
        ) from exc


def check_call(call: Call, values: dict) -> None:
    """The model's own rules (closing after opening, year order, ranges) for ``call`` with ``values``, and
    no change of scheme once applications arrived."""
    for key, value in values.items():
        setattr(call, key, value)
    call.full_clean(validate_unique=False)
    scheme = values.get("scheme")
    changes_scheme = call.pk and scheme is not None and Call.objects.filter(pk=call.pk).exclude(scheme=scheme).exists()
    if changes_scheme and call.applications.exists():
        raise ValidationError(
            {"scheme": [_("Deze ronde heeft al aanvragen; de regeling kan niet meer worden gewijzigd.")]}
        )


def save_call(
    *,
    call: Call | None,
    values: dict,
    by: User,
    networks: list | None = None,
    requirements: list[dict] | None = None,
) -> Call:
    """Create (``call`` None or unsaved) or change a call; ``networks`` and ``requirements`` (when given) replace the
    eligible networks and the required attachments (one that applications already use stays). The ceiling is
    part of the call's published rules: once the window has opened it no longer changes, nor does the opening."""
    require(can_manage_calls(by))
    creating = call is None or call.pk is None
    before = None if creating else plain({f: getattr(call, f) for f in values})
    verb = "call.created" if creating else "call.updated"
    call = call or Call()
    if not creating:
        stored = Call.objects.get(pk=call.pk)
        if is_frozen(stored) and "opens_at" in values and values["opens_at"] != stored.opens_at:
            raise RulesFrozen(stored)
    check_call(call, values)
    with rules_change(call, by=by):
        call.save()
        if networks is not None:
            call.eligible_networks.set(networks)
        if requirements is not None:
            _replace_children(
                parent_field="call",
                parent=call,
                model=RequiredAttachment,
                items=requirements,
                field_name="required_attachments",
                in_use_message=_(
                    "De verplichte bijlage '%(name)s' is al bij aanvragen gevoegd en kan niet worden verwijderd."
                ),
            )
        after = plain(values)
        if networks is not None:
            after["eligible_networks"] = sorted(n.code for n in networks)
        if requirements is not None:
            after["required_attachments"] = [r["name"] for r in requirements]
        audit.record(actor=by, target=call, before=before, after=after, verb=verb)
    return call


def delete_call(*, call: Call, by: User) -> None:
    """Only a call without applications; otherwise a 409 (unpublish it instead)."""
    require(can_manage_calls(by))
    conflict = TransitionNotAllowed(
        _(
            "Deze aanvraagronde heeft al aanvragen en kan niet worden verwijderd. Zet haar "
            "op niet gepubliceerd als zij niet meer zichtbaar mag zijn."
        )
    )
    if call.applications.exists():
        raise conflict
    try:
        with transaction.atomic():
            audit.record(actor=by, verb="call.deleted", target=call, data={"code": call.code, "title": call.title})
            call.delete()
    except ProtectedError as exc:  # an application arrived in the meantime
        raise conflict from exc
