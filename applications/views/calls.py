"""The call overview, a call's page and starting an application."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import is_officer, require
from applications import selectors, services
from applications.attachments import FORMAT_LABELS
from applications.forms import (
    StartApplicationForm,
    chosen_area,
)
from applications.models import Application, Call, Status
from applications.permissions import can_start_application
from applications.views._common import (
    STEPS,
    _attempt,
)


@login_required
@require_GET
def call_list(request):
    user = request.user
    calls = list(selectors.calls_for(user))
    eligible: set[int] = set()
    existing: dict[int, list[Application]] = defaultdict(list)
    if is_officer(user):
        eligible = selectors.eligible_call_ids(user)
        ours = selectors.applications_for(user).exclude(status=Status.WITHDRAWN)
        for application in ours.filter(call__in=[call.pk for call in calls]):
            existing[application.call_id].append(application)
    rows = [
        {"call": call, "eligible": call.pk in eligible, "applications": existing.get(call.pk, [])} for call in calls
    ]
    return render(request, "applications/call_list.html", {"rows": rows, "for_officer": is_officer(user)})


def _render_call_detail(request, call: Call, *, form=None):
    user = request.user
    context = {
        "call": call,
        "for_officer": is_officer(user),
        "formats": [FORMAT_LABELS[f] for f in call.allowed_formats],
    }
    if is_officer(user):
        existing = list(selectors.applications_for(user).exclude(status=Status.WITHDRAWN).filter(call=call))
        eligible = call.pk in selectors.eligible_call_ids(user)
        closed = call.status == Call.Status.CLOSED
        may_start = eligible and not closed and (call.multiple_per_municipality or not existing)
        if form is None and may_start:
            form = StartApplicationForm(
                areas=selectors.area_choices(call, user.municipality), per_area=call.multiple_per_municipality
            )
        context.update(
            existing=existing, eligible=eligible, closed=closed, may_start=may_start, form=form, error_forms=[form]
        )
    return render(request, "applications/call_detail.html", context)


@login_required
@require_GET
def call_detail(request, pk: int):
    return _render_call_detail(request, get_object_or_404(selectors.calls_for(request.user), pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request, pk: int):
    call = get_object_or_404(selectors.calls_for(request.user), pk=pk)
    if request.method == "GET":
        return redirect("call_detail", pk=call.pk)
    user = request.user
    require(can_start_application(user))
    form = StartApplicationForm(
        request.POST, areas=selectors.area_choices(call, user.municipality), per_area=call.multiple_per_municipality
    )
    if form.is_valid():
        application, refused = _attempt(
            form,
            lambda: services.start_application(
                call=call, by=user, title=form.cleaned_data["title"], area_name=chosen_area(form.cleaned_data)
            ),
        )
        if not refused:
            messages.success(
                request,
                _(
                    "Uw aanvraag is aangemaakt met kenmerk %(reference)s. Alles wat u "
                    "opslaat, blijft bewaard als concept."
                )
                % {"reference": application.reference},
            )
            return redirect("application_step", pk=application.pk, step=STEPS[0].slug)
    return _render_call_detail(request, call, form=form)
