"""Queries that pages and the API read for calls and applications, scoped to the caller, with their
related rows loaded up front so a list costs a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import DecimalField, Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import AuditEvent, Membership, User
from accounts.permissions import is_administrator, is_ministry, is_officer, is_reviewer
from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    Call,
    CallQuerySet,
    InformationRequest,
    ReviewAssignment,
    Status,
)
from applications.visibility import outcome_is_visible


def calls_for(user: User, *, now: datetime.datetime | None = None) -> CallQuerySet:
    """Published calls for officers; every call for the ministry."""
    queryset = Call.objects.select_related("scheme").prefetch_related(
        "eligible_networks", "required_attachments", "scheme__themes"
    )
    if is_ministry(user):
        return queryset.order_by("closes_at", "title")
    if is_officer(user):
        return queryset.visible().order_by("closes_at", "title")
    return queryset.none()


def open_calls_for_officer(user: User, *, now: datetime.datetime | None = None) -> QuerySet[Call]:
    """Calls the officer's municipality may apply to and that have not closed."""
    now = now or timezone.now()
    if not is_officer(user) or user.municipality is None:
        return Call.objects.none()
    return (
        calls_for(user)
        .open_to(user.municipality, timezone.localdate(now))
        .filter(closes_at__gt=now)
        .order_by("closes_at", "title")
    )


def eligible_call_ids(user: User, *, on: datetime.date | None = None) -> set[int]:
    """Which calls the officer's municipality is eligible for (one query)."""
    if not is_officer(user) or user.municipality is None:
        return set()
    on = on or timezone.localdate()
    return set(Call.objects.open_to(user.municipality, on).values_list("pk", flat=True))


def applications_for(user: User) -> QuerySet[Application]:
    """An officer sees their municipality's applications; administrators every non-draft one; a reviewer
    the applications actively assigned to them."""
    queryset = Application.objects.select_related("call", "call__scheme", "municipality", "updated_by")
    if is_administrator(user):
        # Drafts, and drafts withdrawn before they were ever submitted, belong to the municipality alone.
        return queryset.exclude(status=Status.DRAFT).exclude(status=Status.WITHDRAWN, submitted_at__isnull=True)
    if is_reviewer(user):
        # EXISTS, not a join with DISTINCT: PostgreSQL would sort (and plan a sort of) every column of the row.
        assigned = ReviewAssignment.objects.filter(application=OuterRef("pk"), reviewer=user, active=True)
        return queryset.filter(Exists(assigned))
    if is_officer(user) and user.municipality_id is not None:
        return queryset.filter(municipality_id=user.municipality_id)
    return queryset.none()


def application_with_parts(queryset: QuerySet[Application]) -> QuerySet[Application]:
    return queryset.select_related("created_by").prefetch_related(
        Prefetch("budget_lines", queryset=BudgetLine.objects.select_related("theme")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("requirement", "uploaded_by")),
        Prefetch("information_requests", queryset=InformationRequest.objects.select_related("requested_by")),
        "documents",
        "call__required_attachments",
        "call__scheme__themes",
        "call__eligible_networks",
        Prefetch("municipality__memberships", queryset=Membership.objects.select_related("network")),
    )


def application_list_rows(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What ``ApplicationListSerializer`` reads, in a fixed number of queries: no prefetches, the budget
    total summed in the database (``listed_budget_total``)."""
    total = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.select_related("call", "municipality", "updated_by").annotate(
        listed_budget_total=Coalesce(Subquery(total), Value(Decimal("0.00")), output_field=DecimalField())
    )


def application_page_rows(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """The columns the application list page shows (and its next step reads): not the plan's texts, nor the
    call's and scheme's descriptions, which made most of every row's bytes."""
    return queryset.only(
        "pk",
        "reference",
        "title",
        "area_name",
        "status",
        "requested_amount",
        "updated_at",
        "submitted_at",
        "municipality__name",
        "call__title",
        "call__scheme__name",
        "updated_by__full_name",
        "updated_by__email",
        "updated_by__role",
    )


def area_choices(application_or_call, municipality) -> list[str]:
    """Suggested areas: the municipality's NPLV focus areas."""
    return list(
        Membership.objects.filter(municipality=municipality, network__code="NPLV")
        .exclude(area_name="")
        .order_by("area_name")
        .values_list("area_name", flat=True)
    )


# Application events whose data carries points; visible to administrators only.
ASSESSMENT_VERBS = {"application.reviewed", "application.review_reopened", "application.points_recomputed"}


# Application decisions: the municipality learns of them from the letter, so they show once it is sent.
DECISION_VERBS = {"application.awarded", "application.partially_awarded", "application.rejected"}

# What the municipality sees of its application's history: its own work, the steps of the procedure it
# takes part in, and the decision once the letter is out. Never reviews, points or who reviewed.
MUNICIPALITY_VERBS = {
    "application.created",
    "application.updated",
    "application.budget_updated",
    "application.attachment_added",
    "application.attachment_removed",
    "application.submitted",
    "application.withdrawn",
    "application.information_requested",
    "application.information_answered",
    "application.review_started",
    "application.letter_sent",
    *DECISION_VERBS,
}


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime.datetime
    verb: str
    who: str
    data: dict


def timeline(application: Application, *, viewer: User) -> list[TimelineEntry]:
    """The application's history from the audit trail, as far as the viewer may see it.

    Municipal officers see only ``MUNICIPALITY_VERBS`` (decisions once the letter is sent), and the ministry
    as an organisation, never the names of its staff. The assessment
    itself (who reviews, their scores, the points) is for administrators: others see that reviewing
    started and ended, without its data (reviewers read each other's scores only through
    ``reviews_visible_to``, once their own review is in)."""
    events = AuditEvent.objects.for_target(application).select_related("actor").order_by("created_at", "id")
    administrator = is_administrator(viewer)
    officer = not is_ministry(viewer)
    outcome_known = outcome_is_visible(viewer, application)
    entries = []
    for event in events:
        data = event.data
        if officer and event.verb not in MUNICIPALITY_VERBS:
            continue
        if event.verb in DECISION_VERBS and not outcome_known:
            continue
        if not administrator:
            if event.verb.startswith(("review.", "admin.")):
                continue
            if event.verb in ASSESSMENT_VERBS:
                data = {key: value for key, value in data.items() if key != "after" and key != "before"}
        actor = event.actor
        if actor is None:
            who = "systeem"
        elif is_officer(viewer) and actor.is_ministry:
            who = settings.MINISTRY_NAME
        else:
            who = actor.display_name
        entries.append(TimelineEntry(when=event.created_at, verb=event.verb, who=who, data=data))
    return entries


def budget_table(application: Application) -> dict:
    """The saved budget as a theme-by-year table with row, column and grand totals (pages and PDFs)."""
    lines = list(application.budget_lines.all())
    years = sorted(set(application.call.years) | {line.year for line in lines})
    themes = list(application.call.scheme.themes.all())
    amounts = {(line.theme_id, line.year): line.amount for line in lines}
    rows = []
    for theme in themes:
        cells = [amounts.get((theme.pk, year)) for year in years]
        rows.append({"theme": theme, "cells": cells, "total": sum(c for c in cells if c is not None)})
    columns = [sum(amounts.get((theme.pk, year)) or 0 for theme in themes) for year in years]
    total, requested = application.budget_total, application.requested_amount
    return {
        "years": years,
        "rows": rows,
        "columns": columns,
        "total": total,
        "requested": requested,
        "difference": (requested - total) if requested is not None else None,
        "has_lines": bool(lines),
    }


def submitted_by(application: Application) -> User | None:
    """Who made the latest submission (or the answer to an information request), from the audit trail."""
    event = (
        AuditEvent.objects.for_target(application)
        .filter(verb__in=("application.submitted", "application.information_answered"))
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )
    return event.actor if event is not None else None
