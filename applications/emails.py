"""E-mails about applications. They are queued in the database inside the caller's transaction (so a
transition and its e-mail happen exactly once, together) and sent by Celery after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role, User
from accounts.sites import absolute_url, site_url
from applications.models import Application, InformationRequest


def _officers(application: Application) -> list[str]:
    return list(
        User.objects.filter(role=Role.OFFICER, municipality_id=application.municipality_id, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _send(template: str, recipients: list[str], context: dict) -> None:
    if not recipients:
        return
    context = {**context, "site_url": site_url()}
    send_mail(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string(f"applications/email/{template}_subject.txt", context).strip(),
        message=render_to_string(f"applications/email/{template}_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


def _link(application: Application) -> str:
    return absolute_url(reverse("application_detail", args=[application.pk]))


def submission_receipt(application: Application, *, submitted_by: User) -> None:
    _send(
        "submitted",
        _officers(application),
        {"application": application, "submitted_by": submitted_by, "link": _link(application)},
    )


def withdrawal_notice(application: Application, *, withdrawn_by: User) -> None:
    _send(
        "withdrawn",
        _officers(application),
        {"application": application, "withdrawn_by": withdrawn_by, "link": _link(application)},
    )


def information_requested(application: Application, request: InformationRequest) -> None:
    _send(
        "information_requested",
        _officers(application),
        {"application": application, "request": request, "link": _link(application)},
    )


def _administrators() -> list[str]:
    return list(
        User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("email").values_list("email", flat=True)
    )


def review_assigned(assignment) -> None:
    link = absolute_url(reverse("review_detail", args=[assignment.pk]))
    _send(
        "review_assigned",
        [assignment.reviewer.email],
        {"application": assignment.application, "assignment": assignment, "link": link},
    )


def conflict_declared(assignment) -> None:
    _send(
        "conflict_declared",
        _administrators(),
        {
            "application": assignment.application,
            "assignment": assignment,
            "link": absolute_url(reverse("call_assessment", args=[assignment.application.call_id])),
        },
    )
