"""Public pages: every published call's rules (each version, readable and as JSON), and the points preview.

No login: the rules page is the one to link from the announcement in the Staatscourant, and anyone may check
a municipality's points against the rules. Only the rules and public data are shown: nothing of
applications, reviews or people. Thin: parse, call, render.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Indicator, Network
from accounts.money import euros
from accounts.permissions import is_officer, require
from applications import selectors as application_selectors
from applications.models import BonusRule, Call, RulesVersion
from applications.published_rules import document, selectors
from applications.published_rules.forms import PreviewForm
from applications.published_rules.freeze import is_frozen
from applications.published_rules.preview import areas_of, as_data, preview


def _call(pk: int) -> Call:
    return get_object_or_404(selectors.public_calls(), pk=pk)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def readable(rules: dict) -> dict:
    """A stored rules document with names and labels for the page (indicators, networks, kinds of rule)."""
    codes = {band["indicator"] for band in rules["need"]["bands"]}
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    networks = dict(Network.objects.values_list("code", "name"))
    grouped: dict[str, list[dict]] = {}
    for band in rules["need"]["bands"]:
        grouped.setdefault(band["indicator"], []).append(
            {"from": Decimal(band["from"]), "points": Decimal(band["points"])}
        )
    return {
        "ceiling": euros(rules["ceiling"]),
        "min_reviewer_score": _decimal(rules["minimums"]["reviewer_score"]),
        "min_total_points": _decimal(rules["minimums"]["total_points"]),
        "criteria": [
            {
                "name": c["name"],
                "scale_min": c["scale"][0],
                "scale_max": c["scale"][1],
                "weight": Decimal(c["weight"]),
                "required": c["required"],
                "max_points": Decimal(c["weight"]) * c["scale"][1],
            }
            for c in rules["criteria"]
        ],
        "reference_year": rules["need"]["reference_year"],
        "indicators": [
            {
                "code": code,
                "name": indicators[code].name if code in indicators else code,
                "unit": indicators[code].unit if code in indicators else "",
                "description": indicators[code].description if code in indicators else "",
                "bands": bands,
            }
            for code, bands in grouped.items()
        ],
        "bonus_rules": [
            {
                "label": rule["label"],
                "kind": BonusRule.Kind(rule["kind"]).label,
                "network": networks.get(rule["network"], rule["network"]) if rule["network"] else "",
                "points": Decimal(rule["points"]),
                "min_reviewer_score": _decimal(rule["min_reviewer_score"]),
            }
            for rule in rules["bonus_rules"]
        ],
        **document.read_parts(rules),
    }


@require_GET
def rules_index(request):
    calls = list(selectors.public_calls())
    latest = {}
    for version in RulesVersion.objects.filter(call__in=calls).defer("document").order_by("call_id", "number"):
        latest[version.call_id] = version
    rows = [{"call": call, "version": latest.get(call.pk)} for call in calls]
    return render(request, "published_rules/index.html", {"rows": rows})


@require_GET
def rules_page(request, pk: int, number: int | None = None):
    call = _call(pk)
    versions = list(selectors.versions_of(call))
    if number is None:
        version = selectors.latest_version(call)
    else:
        version = selectors.version_of(call, number)
        if version is None:
            raise Http404
    context = {
        "call": call,
        "version": version,
        "latest": versions[0] if versions else None,
        "versions": versions,
        "frozen": is_frozen(call),
        "rules": readable(json.loads(version.document)) if version else None,
    }
    return render(request, "published_rules/rules.html", context)


@require_GET
def rules_json(request, pk: int, number: int):
    """The canonical JSON, byte for byte as hashed: ``sha256sum`` of the download is the published hash."""
    version = selectors.version_of(_call(pk), number)
    if version is None:
        raise Http404
    response = HttpResponse(version.content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="regels-{version.call.code}-v{version.number}.json"'
    response["ETag"] = f'"{version.sha256}"'
    return response


def _preview_form(request) -> PreviewForm:
    data = request.GET.copy()
    if not data.get("gemeente") and is_officer(request.user) and request.user.municipality_id:
        data["gemeente"] = request.user.municipality.cbs_code  # an officer sees their own municipality first
    return PreviewForm(data if data.get("gemeente") else None)


def _result(call: Call, form: PreviewForm):
    data = form.cleaned_data
    return preview(
        call=call,
        municipality=data["municipality"],
        area=data["area"],
        funded_before=data["funded_before"],
        reviewer_score=data.get("score"),
    )


@require_GET
def preview_page(request, pk: int):
    call = _call(pk)
    form = _preview_form(request)
    result = _result(call, form) if form.is_bound and form.is_valid() else None
    areas = areas_of(form.cleaned_data["municipality"]) if result else []
    return render(
        request,
        "published_rules/preview.html",
        {
            "call": call,
            "form": form,
            "result": result,
            "areas": areas,
            "query": request.GET.urlencode(),
            "error_forms": [form],
            "error_summary_saves": False,  # a question, not a save
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def preview_json(request, pk: int):
    call = _call(pk)
    form = _preview_form(request)
    if not form.is_bound:
        return JsonResponse({"gemeente": [str(form.fields["gemeente"].error_messages["required"])]}, status=400)
    if not form.is_valid():
        return JsonResponse({key: [str(e) for e in errors] for key, errors in form.errors.items()}, status=400)
    result = _result(call, form)
    response = JsonResponse(as_data(result), json_dumps_params={"ensure_ascii": False, "indent": 2})
    name = f"puntenverkenning-{call.code}-{result.municipality.cbs_code}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def officer_previews(request):
    """For an officer: the preview of their municipality for each call it may apply to that has not closed."""
    require(is_officer(request.user) and request.user.municipality_id is not None)
    municipality = request.user.municipality
    calls = list(application_selectors.open_calls_for_officer(request.user))
    rows = [{"call": call, "result": preview(call=call, municipality=municipality)} for call in calls]
    return render(
        request,
        "published_rules/officer_previews.html",
        {"rows": rows, "municipality": municipality, "today": timezone.localdate()},
    )
