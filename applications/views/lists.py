"""The application lists and the detail page with its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import is_administrator, is_officer
from applications import selectors
from applications.documents import copy_state
from applications.forms import (
    ConfirmForm,
    InformationRequestForm,
    StatusFilterForm,
    WithdrawForm,
)
from applications.models import Status
from applications.permissions import is_officer_of
from applications.transitions import WORKFLOW
from applications.views._common import (
    NEXT_STEP_MINISTRY,
    NEXT_STEP_OFFICER,
    _application_context,
    _budget_table,
    _cofinancing_facts,
    _may_edit,
    _person,
    _problems,
    _timeline,
    _visible_application,
)


@login_required
@require_GET
def application_list(request):
    user = request.user
    if not (is_officer(user) or is_administrator(user)):
        raise PermissionDenied
    queryset = selectors.applications_for(user)
    filter_form, status = None, ""
    if is_administrator(user):
        filter_form = StatusFilterForm(request.GET or None)
        if status := filter_form.chosen_status():
            queryset = queryset.filter(status=status)
        queryset = queryset.order_by("-submitted_at", "-pk")
    else:
        queryset = queryset.order_by("-updated_at", "-pk")
    page = Paginator(selectors.application_page_rows(queryset), 50).get_page(request.GET.get("pagina"))
    next_steps = NEXT_STEP_OFFICER if is_officer(user) else NEXT_STEP_MINISTRY
    rows = [
        {
            "application": a,
            "editor": _person(a.updated_by, user),
            "to_check": _may_edit(user, a),
            "next_step": next_steps.get(a.status, ""),
        }
        for a in page
    ]
    return render(
        request,
        "applications/application_list.html",
        {
            "page": page,
            "rows": rows,
            "filter_form": filter_form,
            "for_officer": is_officer(user),
            "status": status,
        },
    )


@login_required
@require_GET
def application_detail(request, pk: int):
    application = _visible_application(request, pk)
    user = request.user
    context = _application_context(request, application)
    stored = list(application.documents.all())
    context.update(
        # Destructive steps (withdrawing) sit apart, below the content; the rest under "Acties".
        transitions=[t for t in WORKFLOW.available(user, application) if t.style != "subtle"],
        destructive=[t for t in WORKFLOW.available(user, application) if t.style == "subtle"],
        problems=_problems(application) if context["may_edit"] else [],
        timeline=_timeline(application, user),
        information_requests=[
            {"request": r, "by": _person(r.requested_by, user)} for r in application.information_requests.all()
        ],
        documents=stored,
        copy_state=copy_state(application, stored),
        budget=_budget_table(application),
        cofinancing=_cofinancing_facts(application),
        withdraw_form=WithdrawForm(prefix="intrekken"),
        information_form=InformationRequestForm(prefix="aanvulling"),
        delete_form=ConfirmForm(prefix="verwijderen"),
        may_delete=is_officer_of(user, application) and application.status == Status.DRAFT,
    )
    return render(request, "applications/application_detail.html", context)
