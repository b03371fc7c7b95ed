"""Permission rules for people and organisations, each defined once.

Pages use them to decide which buttons to show; views, the API and tasks use the same rules to
enforce. Other apps build their rules from the predicates here.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role


@rules.predicate
def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.OFFICER)


@rules.predicate
def is_reviewer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.REVIEWER)


@rules.predicate
def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR)


is_ministry = is_reviewer | is_administrator


@rules.predicate
def is_officer_of_municipality(user, municipality) -> bool:
    return is_officer(user) and municipality is not None and user.municipality_id == municipality.pk


can_view_municipality = is_ministry | is_officer_of_municipality
can_invite_users = is_administrator
can_view_audit_trail = is_administrator


def require(allowed: bool, *, not_found: bool = False) -> None:
    """Stop when a rule says no: a 404 for objects outside the caller's organisation, else a 403."""
    if not allowed:
        raise Http404 if not_found else PermissionDenied


def has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_two_factor_setup(user) -> bool:
    """Ministry roles may not use the portal before they have enrolled an authenticator app."""
    return bool(user.is_authenticated and user.is_ministry and not has_two_factor(user))
