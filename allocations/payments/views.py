"""Pages of the payments: the overview (awarded = paid + still due, per call and per pay date), a pay date
with its instalments, ordering its payments, its payment order as CSV or XLSX, recording a paid date,
letting an instalment lapse, and importing the financial system's paid dates.

Thin: each view checks the role (403) and the object (404), calls a selector or a service, and renders.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import require
from accounts.templatetags.portal import format_euro
from accounts.workflow import TransitionNotAllowed
from allocations.confirmation import NOT_CONFIRMED, Summary, confirmed, render_confirmation
from allocations.exports.models import ExportFormat
from allocations.payments import exports, imports, selectors, services
from allocations.payments.forms import CancelForm, ImportForm, PaidForm
from allocations.payments.models import Instalment, InstalmentStatus
from allocations.payments.permissions import can_export_payment_orders, can_manage_payments, can_view_payments
from applications.models import Call


def _pay_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


@login_required
@require_GET
def payments(request):
    require(can_view_payments(request.user))
    return render(
        request,
        "allocations/payments/payments.html",
        {
            "totals": selectors.totals(),
            "calls": selectors.per_call(),
            "pay_dates": selectors.pay_dates(),
            "may_manage": can_manage_payments(request.user),
        },
    )


@login_required
@require_GET
def call_payments(request, pk: int):
    require(can_view_payments(request.user))
    call = get_object_or_404(Call, pk=pk)
    return render(
        request,
        "allocations/payments/call_payments.html",
        {
            "call": call,
            "totals": selectors.totals(Instalment.objects.filter(decision__application__call=call)),
            "municipalities": selectors.per_municipality(call_id=call.pk),
        },
    )


def _pay_date_page(request, pay_date: datetime.date, *, forms: dict | None = None, status: int = 200):
    manage = can_manage_payments(request.user)
    rows = []
    for instalment in selectors.on_pay_date(pay_date):
        bound = (forms or {}).get(instalment.pk, {})
        rows.append(
            {
                "instalment": instalment,
                "paid_form": bound.get("paid") or PaidForm(prefix=f"betaald-{instalment.pk}")
                if manage and instalment.status == InstalmentStatus.ORDERED
                else None,
                "cancel_form": bound.get("cancel") or CancelForm(prefix=f"vervallen-{instalment.pk}")
                if manage and instalment.is_open
                else None,
            }
        )
    if not rows:
        raise Http404
    sums = selectors.totals(Instalment.objects.filter(due_on=pay_date))
    in_order = sum(1 for row in rows if row["instalment"].status in selectors.IN_ORDER)
    return render(
        request,
        "allocations/payments/pay_date.html",
        {
            "error_forms": [form for bound in (forms or {}).values() for form in bound.values()],
            "pay_date": pay_date,
            "rows": rows,
            "sums": sums,
            "may_manage": manage,
            "to_order": sum(1 for row in rows if row["instalment"].status == InstalmentStatus.DUE),
            "downloads": [
                (fmt, label, exports.order_filename(pay_date, fmt))
                for fmt, label in ExportFormat.choices
                if fmt in exports.ORDER_FORMATS
            ]
            if in_order and can_export_payment_orders(request.user)
            else [],
        },
        status=status,
    )


@login_required
@require_GET
def pay_date(request, on: str):
    require(can_view_payments(request.user))
    return _pay_date_page(request, _pay_date(on))


@login_required
@require_http_methods(["GET", "POST"])
def payment_order(request, on: str):
    """GET: what ordering the pay date's payments does, to confirm; POST: order them."""
    require(can_manage_payments(request.user))
    day = _pay_date(on)
    page = reverse("payments_pay_date", args=[day.isoformat()])
    if request.method == "GET":
        due = selectors.on_pay_date(day).filter(status=InstalmentStatus.DUE)
        sums = selectors.totals(due)
        if not sums.count:
            return redirect(page)
        return render_confirmation(
            request,
            Summary(
                title=_("Betaalopdracht geven voor %(date)s") % {"date": services.long_date(day)},
                lead=_("Controleer de betaalopdracht en bevestig."),
                button=_("Betaalopdracht geven"),
                action_url=request.path,
                back_url=page,
                facts=[
                    (_("Betaaldatum"), services.long_date(day)),
                    (_("Aantal termijnen"), str(sums.count)),
                    (_("Totaal"), format_euro(sums.due)),
                ],
                consequences=[
                    _("De termijnen krijgen de status ‘Betaalopdracht gegeven’; dat wordt per termijn vastgelegd."),
                    _("Daarna downloadt u de betaalopdracht (CSV of Excel) voor het financiële systeem."),
                ],
            ),
        )
    if not confirmed(request):
        messages.error(request, str(NOT_CONFIRMED))
        return redirect(page)
    try:
        ordered = services.order_payments(pay_date=day, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect(page)
    messages.success(
        request,
        ngettext(
            "De betaalopdracht voor %(count)d termijn is gegeven.",
            "De betaalopdracht voor %(count)d termijnen is gegeven.",
            len(ordered),
        )
        % {"count": len(ordered)},
    )
    return redirect(page)


@login_required
@require_GET
def payment_order_download(request, on: str, export_format: str):
    require(can_export_payment_orders(request.user))
    day = _pay_date(on)
    try:
        return exports.export_payment_order(pay_date=day, by=request.user, fmt=export_format).response()
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("payments_pay_date", on=day.isoformat())


def _instalment_for_admin(request, pk: int) -> Instalment:
    require(can_manage_payments(request.user))
    return get_object_or_404(Instalment.objects.select_related("decision"), pk=pk)


@login_required
@require_POST
def instalment_paid(request, pk: int):
    instalment = _instalment_for_admin(request, pk)
    form = PaidForm(request.POST, prefix=f"betaald-{instalment.pk}")
    if form.is_valid():
        try:
            services.record_paid(instalment=instalment, paid_on=form.cleaned_data["paid_on"], by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _pay_date_page(request, instalment.due_on, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Termijn %(reference)s is als betaald vastgelegd.") % {"reference": instalment.reference}
            )
            return redirect("payments_pay_date", on=instalment.due_on.isoformat())
    return _pay_date_page(request, instalment.due_on, forms={instalment.pk: {"paid": form}}, status=400)


@login_required
@require_POST
def instalment_cancel(request, pk: int):
    instalment = _instalment_for_admin(request, pk)
    form = CancelForm(request.POST, prefix=f"vervallen-{instalment.pk}")
    if form.is_valid():
        try:
            services.cancel_instalment(instalment=instalment, reason=form.cleaned_data["reason"], by=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return _pay_date_page(request, instalment.due_on, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Termijn %(reference)s is vervallen.") % {"reference": instalment.reference})
            return redirect("payments_pay_date", on=instalment.due_on.isoformat())
    return _pay_date_page(request, instalment.due_on, forms={instalment.pk: {"cancel": form}}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def payments_import(request):
    """The financial system's file of paid dates: every row checked first; one bad row and nothing is read."""
    require(can_manage_payments(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = imports.import_paid_dates(
                source=form.cleaned_data["file"], name=form.cleaned_data["file"].name, by=request.user
            )
        except imports.ImportRefused as exc:
            errors = exc.errors
            form.add_error(
                "file",
                ngettext(
                    "Het bestand is niet ingelezen: %(count)s fout, zie de lijst hieronder. Er is niets vastgelegd.",
                    "Het bestand is niet ingelezen: %(count)s fouten, zie de lijst hieronder. Er is niets vastgelegd.",
                    len(errors),
                )
                % {"count": len(errors)},
            )
        else:
            messages.success(
                request,
                ngettext("%(count)d betaling is ingelezen.", "%(count)d betalingen zijn ingelezen.", count)
                % {"count": count},
            )
            return redirect("payments")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "allocations/payments/import.html",
        {"form": form, "error_forms": [form], "errors": errors},
        status=status,
    )
