"""Queries that pages and the API read for calls and applications, scoped to the caller."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import is_ministry
from applications.models import Application, Call


def calls_for(user: User, *, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """Published calls: officers see those open to their municipality, the ministry sees all."""
    now = now or timezone.now()
    queryset = Call.objects.select_related("scheme").prefetch_related("eligible_networks")
    if is_ministry(user):
        return queryset.order_by("closes_at")
    if user.is_authenticated and user.municipality_id:
        return queryset.visible().open_to(user.municipality, timezone.localdate(now)).order_by("closes_at")
    return queryset.none()


def applications_for(user: User) -> QuerySet[Application]:
    """An officer sees their municipality's applications; ministry staff see every non-draft one."""
    queryset = Application.objects.select_related("call", "call__scheme", "municipality", "updated_by")
    if is_ministry(user):
        return queryset.exclude(status=Application.Status.DRAFT)
    if user.is_authenticated and user.municipality_id:
        return queryset.filter(municipality_id=user.municipality_id)
    return queryset.none()
