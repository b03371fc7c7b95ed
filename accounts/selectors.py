"""Queries for people and organisations, scoped to what the caller may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.audit_log import filter_events
from accounts.models import ApiToken, AuditEvent, IndicatorValue, Membership, Municipality, Role, User
from accounts.permissions import is_ministry


def municipalities_for(user: User) -> QuerySet[Municipality]:
    """Ministry staff see every municipality; an officer only their own."""
    queryset = Municipality.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("network").order_by("network__code"))
    )
    if is_ministry(user):
        return queryset
    if user.is_authenticated and user.municipality_id:
        return queryset.filter(pk=user.municipality_id)
    return queryset.none()


def municipality_indicator_values(municipality: Municipality) -> QuerySet[IndicatorValue]:
    return municipality.indicator_values.select_related("indicator").order_by("indicator__code", "-year")


def users_for_administration() -> QuerySet[User]:
    return User.objects.select_related("municipality").order_by("role", "email")


def reviewers() -> QuerySet[User]:
    """Active reviewers, the people an administrator can assign (DESIGN.md §10: clients need their ids)."""
    return User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("full_name", "email", "pk")


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def audit_events(**filters) -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by the audit log's filters (see ``accounts.audit_log``)."""
    queryset = AuditEvent.objects.select_related("actor", "target_type")
    return filter_events(queryset, filters).order_by("-created_at", "-id")
