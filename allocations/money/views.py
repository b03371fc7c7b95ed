"""Pages of the money overview: every call and municipality for the ministry, a municipality's own page for
its officer, and the downloads of both. Thin: the rows come from ``selectors.money_overview``."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Municipality, User
from accounts.permissions import require
from accounts.selectors import municipalities_for
from allocations.exports.models import ExportFormat
from allocations.money import exports, selectors
from allocations.money.permissions import can_view_all_money, can_view_money
from applications.models import Call


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view here requires a login)."""
    return cast(User, request.user)


def _municipality(request: HttpRequest, cbs_code: str) -> Municipality:
    return get_object_or_404(municipalities_for(_user(request)), cbs_code=cbs_code.upper())


def _downloads(name: str, query: str = "", **kwargs: str) -> list[tuple[str, str, str]]:
    """(format, label, address) of each download of a page."""
    return [
        (value, str(label), reverse(name, kwargs={**kwargs, "export_format": value}) + query)
        for value, label in ExportFormat.choices
    ]


def _call_filter(request: HttpRequest) -> Call | None:
    """The ``ronde`` filter of the index and its download: a call id, anything else is no filter."""
    value = request.GET.get("ronde", "")
    return Call.objects.filter(pk=int(value)).first() if value.isdigit() else None


@login_required
def money_index(request: HttpRequest) -> HttpResponse:
    require(can_view_money(request.user))
    if not can_view_all_money(request.user):
        own = _user(request).municipality
        require(own is not None, not_found=True)  # an officer belongs to a municipality
        assert own is not None
        return redirect("money_municipality", cbs_code=own.cbs_code)
    call = _call_filter(request)
    overview = selectors.money_overview(_user(request), call_id=call.pk if call else None)
    return render(
        request,
        "allocations/money/index.html",
        {
            "overview": overview,
            "call": call,
            "downloads": _downloads("money_download", f"?ronde={call.pk}" if call else ""),
        },
    )


@login_required
def money_municipality(request: HttpRequest, cbs_code: str) -> HttpResponse:
    require(can_view_money(request.user), not_found=True)
    municipality = _municipality(request, cbs_code)
    overview = selectors.money_overview(_user(request), municipality_id=municipality.pk)
    return render(
        request,
        "allocations/money/municipality.html",
        {
            "overview": overview,
            "municipality": municipality,
            "all_money": can_view_all_money(request.user),
            "downloads": _downloads("money_municipality_download", cbs_code=municipality.cbs_code),
        },
    )


@login_required
def money_download(request: HttpRequest, export_format: str) -> HttpResponseBase:
    require(can_view_all_money(request.user))
    call = _call_filter(request)
    overview = selectors.money_overview(_user(request), call_id=call.pk if call else None)
    scope = {"scope": _("ronde %(code)s") % {"code": call.code} if call else _("alle rondes")}
    stem = f"geldoverzicht-{call.code}" if call else "geldoverzicht"
    return exports.export_money(
        overview=overview, scope=scope, stem=stem, by=_user(request), fmt=export_format
    ).response()


@login_required
def money_municipality_download(request: HttpRequest, cbs_code: str, export_format: str) -> HttpResponseBase:
    require(can_view_money(request.user), not_found=True)
    municipality = _municipality(request, cbs_code)
    overview = selectors.money_overview(_user(request), municipality_id=municipality.pk)
    scope = {"scope": _("gemeente %(code)s") % {"code": municipality.cbs_code}}
    stem = f"geldoverzicht-{municipality.cbs_code}"
    return exports.export_money(
        overview=overview, scope=scope, stem=stem, by=_user(request), fmt=export_format
    ).response()
