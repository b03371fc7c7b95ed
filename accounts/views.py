"""Pages for people and organisations: municipality page, profile with API tokens, invitations,
user administration and the audit trail. Thin: parse, call a service or selector, render."""

from __future__ import annotations

from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import audit_log, selectors, services
from accounts.audit_log import AuditFilterForm
from accounts.downloads import streaming_download
from accounts.forms import ApiTokenForm, InviteForm, SetPasswordForm, add_service_errors
from accounts.models import ApiToken, User
from accounts.permissions import can_invite_users, can_view_audit_trail, has_two_factor, require
from accounts.text_safety import stream_rows


@login_required
def municipality_detail(request, cbs_code: str):
    municipality = get_object_or_404(selectors.municipalities_for(request.user), cbs_code=cbs_code.upper())
    values = selectors.municipality_indicator_values(municipality)
    return render(
        request,
        "accounts/municipality_detail.html",
        {
            "municipality": municipality,
            "indicator_values": values,
            "has_demo_values": any(v.is_demo for v in values),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.issue_api_token(
                user=request.user, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De API-sleutel is aangemaakt. Kopieer hem nu: hij wordt niet nog eens getoond.")
            )
            form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": selectors.api_tokens_of(request.user),
            "has_two_factor": has_two_factor(request.user),
            "token_max_age_days": settings.API_TOKEN_MAX_AGE_DAYS,
            "error_forms": [form],
        },
    )


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(token=token, by=request.user)
    messages.success(request, _("De API-sleutel '%(name)s' is ingetrokken.") % {"name": token.name})
    return redirect("profile")


@require_http_methods(["GET", "POST"])
def accept_invitation(request, uidb64: str, token: str):
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(user=user, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            form.add_error("password1", exc.messages)
        else:
            messages.success(request, _("Uw wachtwoord is ingesteld. U kunt nu inloggen."))
            return redirect("account_login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user, "error_forms": [form]})


@login_required
@require_http_methods(["GET", "POST"])
def users(request):
    require(can_invite_users(request.user))
    form = InviteForm(request.POST or None)
    link = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited, link = services.invite_user(
                email=data["email"],
                role=data["role"],
                municipality=data["municipality"],
                full_name=data["full_name"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Uitnodiging verstuurd naar %(email)s.") % {"email": invited.email})
            return redirect("users")
    page = Paginator(selectors.users_for_administration(), 50).get_page(request.GET.get("pagina"))
    return render(request, "accounts/users.html", {"form": form, "page": page, "link": link, "error_forms": [form]})


@login_required
def audit_trail(request):
    """The audit log, filtered by who, what, object and period; paged, newest first (issue 9, item 12)."""
    require(can_view_audit_trail(request.user))
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.audit_events(**filters)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "form": form,
        "page": page,
        "rows": audit_log.rows(page.object_list),
        "query": query.urlencode(),
        "export_url": f"{reverse('audit_trail_export')}?{query.urlencode()}",
        "error_forms": [form],
        "error_summary_saves": False,  # filters: nothing is saved
    }
    return render(request, "accounts/audit_trail.html", context)


@login_required
def audit_trail_export(request):
    """The filtered events as CSV, streamed; the export is itself written to the audit trail."""
    require(can_view_audit_trail(request.user))
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(f"{reverse('audit_trail')}?{request.GET.urlencode()}")
    filters = form.cleaned_data if form.is_bound else {}
    events = selectors.audit_events(**filters)
    exported = audit_log.record_export(by=request.user, filters=request.GET.dict(), lines=events.count())
    events = events.exclude(pk=exported.pk)  # the file holds what was asked for, not its own export event
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return streaming_download(
        stream_rows([str(header) for header in audit_log.CSV_HEADER], audit_log.csv_cells(events)),
        filename=f"auditlog-{stamp}.csv",
        content_type="text/csv; charset=utf-8",
    )


class PortalLoginView(LoginView):
    """allauth's login page, with its form in the portal's one error summary."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["error_forms"] = [context.get("form")]
        return context
