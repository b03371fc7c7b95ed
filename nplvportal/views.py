"""The role-aware home page and the health check; they compose selectors from every app."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from applications import selectors as intake
from applications.assessment import queue
from applications.assessment.selectors import reviewer_queue_rows


@login_required
def home(request):
    user = request.user
    now = timezone.now()
    context: dict = {"now": now}
    if user.is_officer:
        context["calls"] = intake.open_calls_for_officer(user, now=now)
        context["applications"] = intake.applications_for(user).order_by("-updated_at")[:20]
        template = "home/officer.html"
    elif user.is_reviewer:
        context["assignments"] = reviewer_queue_rows(user)
        context["extra_rows"] = queue.extra_rows(user)
        template = "home/reviewer.html"
    else:
        context["calls"] = intake.calls_for(user, now=now)
        context["applications"] = intake.applications_for(user).order_by("-submitted_at")[:20]
        template = "home/administrator.html"
    return render(request, template, context)


@never_cache
def health(request):
    """For load balancers and docker compose: 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
