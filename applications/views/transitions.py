"""Lifecycle actions (submit, withdraw, request information, start review) and deleting drafts."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import services
from applications.forms import (
    ConfirmForm,
    InformationRequestForm,
    WithdrawForm,
)
from applications.models import Application
from applications.permissions import is_officer_of
from applications.transitions import WORKFLOW
from applications.views._common import (
    _apply_errors,
    _visible_application,
)


def _render_confirm(request, application: Application, form, *, title, text, action_url, danger=False):
    return render(
        request,
        "applications/confirm.html",
        {
            "application": application,
            "form": form,
            "title": title,
            "text": text,
            "action_url": action_url,
            "danger": danger,
            "error_forms": [form],
        },
    )


TRANSITION_FORMS = {
    "withdraw": (WithdrawForm, "intrekken"),
    "request_information": (InformationRequestForm, "aanvulling"),
}


@login_required
@require_POST
def application_transition(request, pk: int, action: str):
    if action not in WORKFLOW.offered:
        raise Http404
    application = _visible_application(request, pk, parts=False)
    user = request.user
    # A role the table does not allow is a 403 before any form; the state is for the service to explain.
    with contextlib.suppress(TransitionNotAllowed):
        WORKFLOW.check(action, user, application)
    transition = WORKFLOW.get(action)
    form = None
    if action in TRANSITION_FORMS:
        form_class, prefix = TRANSITION_FORMS[action]
        form = form_class(request.POST, prefix=prefix)

    def confirm_page():
        return _render_confirm(
            request,
            application,
            form,
            title=transition.label,
            text=transition.confirm,
            action_url=request.path,
            danger=action == "withdraw",
        )

    if form is not None and not form.is_valid():
        return confirm_page()
    reference = application.reference
    data = form.cleaned_data if form is not None else {}
    try:
        if action == "submit":
            application = services.submit_application(application=application, by=user)
            when = date_format(timezone.localtime(application.submitted_at), "j F Y, H:i")
            messages.success(
                request,
                _(
                    "Uw aanvraag is ingediend op %(when)s, kenmerk %(reference)s. U "
                    "ontvangt een ontvangstbevestiging per e-mail."
                )
                % {"when": when, "reference": reference},
            )
        elif action == "withdraw":
            services.withdraw_application(application=application, by=user, reason=data["reason"])
            messages.success(request, _("De aanvraag %(reference)s is ingetrokken.") % {"reference": reference})
        elif action == "request_information":
            services.request_information(
                application=application, by=user, message=data["message"], reply_by=data["reply_by"]
            )
            messages.success(
                request,
                _("Het verzoek om aanvulling is naar de gemeente %(municipality)s gestuurd.")
                % {"municipality": application.municipality.name},
            )
        else:
            services.start_review(application=application, by=user)
            messages.success(request, _("De aanvraag is in beoordeling genomen."))
    except ValidationError as exc:
        if form is None:  # submit: what is missing is listed on the check page
            messages.error(request, _("De aanvraag is niet ingediend. Los eerst de punten hieronder op."))
            return redirect("application_check", pk=application.pk)
        _apply_errors(form, exc)
        return confirm_page()
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("application_detail", pk=application.pk)


@login_required
@require_POST
def application_delete(request, pk: int):
    application = _visible_application(request, pk, parts=False)
    require(is_officer_of(request.user, application))
    form = ConfirmForm(request.POST, prefix="verwijderen")
    if not form.is_valid():
        return _render_confirm(
            request,
            application,
            form,
            title=_("Concept verwijderen"),
            action_url=request.path,
            danger=True,
            text=_("Het concept en zijn bijlagen worden verwijderd. Dit kan niet ongedaan worden gemaakt."),
        )
    try:
        services.delete_draft(application=application, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("application_detail", pk=application.pk)
    messages.success(request, _("Het concept %(reference)s is verwijderd.") % {"reference": application.reference})
    return redirect("application_list")
