"""Pages for reconsidering a decision of a final run (an objection): the corrections form, and the result with
the objector's old and new position, what the re-run would have meant for every other line (which stays
unchanged), and the extra money with its source. Administrators only; thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import require
from accounts.templatetags.portal import cents_to_euro
from accounts.workflow import TransitionNotAllowed
from allocations.runs import reconsideration_services as service
from allocations.runs import selectors
from allocations.runs.models import AllocationLine, AllocationRun
from allocations.runs.permissions import can_manage_allocation, can_view_allocation
from allocations.runs.reasons import describe, points
from allocations.runs.reconsideration_forms import ReconsiderationForm
from allocations.runs.reconsideration_models import Reconsideration
from applications.models import Application


def _run(request, pk: int) -> AllocationRun:
    require(can_view_allocation(request.user))
    run = selectors.run_for(pk)
    if run is None:
        raise Http404
    return run


def _case(request, run: AllocationRun):
    """The objection case this reconsideration is for (``?bezwaar=``, from the case's "Herberekenen"), whose
    decision belongs to ``run``; a case the person may not see, or of another run, is a 404."""
    raw = request.GET.get("bezwaar", "")
    if not raw:
        return None
    from allocations.objections import selectors as objection_selectors

    if not raw.isdigit():
        raise Http404
    case = objection_selectors.visible_case(int(raw), viewer=request.user)
    if case.decision.run_id != run.pk:
        raise Http404
    return case


def _lines(run: AllocationRun) -> list[AllocationLine]:
    """The lines the run divided: the applications a reconsideration can be about."""
    return list(
        AllocationLine.objects.filter(run=run, included=True)
        .select_related("application__municipality")
        .order_by("application__reference")
    )


def _scoring(case):
    """The case's latest recomputed reopened scoring, whose points the reconsideration may take; or None."""
    if case is None:
        return None
    return case.reopened_scorings.filter(closed_at__isnull=False).order_by("-closed_at", "-pk").first()


def _reconsider(request, form: ReconsiderationForm, run: AllocationRun, case, application) -> Reconsideration:
    with transaction.atomic():  # for a case: the reconsideration and its link, or neither
        record = service.reconsider(
            run=run,
            application=application,
            corrections=form.corrections(),
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        if case is not None:
            from allocations.objections.outcome import attach_reconsideration

            attach_reconsideration(case=case, reconsideration=record, by=request.user)
    return record


def _reconsider_with_scoring(request, form: ReconsiderationForm, case, application) -> Reconsideration:
    """The points of the case's reopened scoring as the correction, with the scoring as its recorded source."""
    from allocations.objections.rescoring import reconsider_with_scoring

    if application.pk != case.decision.application_id:
        raise ValidationError({"application": [_("De heropende beoordeling hoort bij de aanvraag van het bezwaar.")]})
    return reconsider_with_scoring(
        case=case,
        scoring=form.scoring,
        by=request.user,
        reason=form.cleaned_data["reason"],
        corrections=form.corrections(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_reconsider(request, pk: int):
    run = _run(request, pk)
    require(can_manage_allocation(request.user))
    lines = _lines(run)
    case = _case(request, run)
    form = ReconsiderationForm(request.POST or None, lines=lines, scoring=_scoring(case), prefix="heroverweging")
    if request.method == "GET" and request.GET.get("aanvraag", "").isdigit():
        form.initial["application"] = int(request.GET["aanvraag"])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            application = Application.objects.filter(pk=form.cleaned_data["application"]).first()
            try:
                if application is None:
                    raise ValidationError({"application": [_("Onbekende aanvraag.")]})
                if form.cleaned_data.get("use_scoring") and case is not None:
                    record = _reconsider_with_scoring(request, form, case, application)
                else:
                    record = _reconsider(request, form, run, case, application)
            except ValidationError as error:
                add_service_errors(form, error)
            except TransitionNotAllowed as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request,
                    _("De heroverweging van %(reference)s is berekend op de vastgelegde invoer.")
                    % {"reference": application.reference},
                )
                if case is not None:
                    return redirect("objection_detail", pk=case.pk)
                return redirect("reconsideration_detail", pk=record.pk)
        status = 400
    return render(
        request,
        "allocations/runs/reconsider.html",
        {
            "run": run,
            "call": run.call,
            "form": form,
            "error_forms": [form],
            "final": run.is_final,
            "case": case,
            "reconsiderations": list(
                Reconsideration.objects.filter(run=run).select_related("application", "computed_by", "replaced_by")
            ),
        },
        status=status,
    )


def _position(position: dict) -> dict:
    return {**position, "sentence": describe(position["ground"])}


def _correction_rows(corrections: dict) -> list[tuple[str, str]]:
    rows = []
    if "requested" in corrections:
        rows.append((_("Aangevraagd bedrag"), cents_to_euro(corrections["requested"])))
    if "eligible" in corrections:
        rows.append((_("Komt in aanmerking"), _("ja") if corrections["eligible"] else _("nee")))
    labels = {
        "reviewer_score": _("Beoordelingsscore"),
        "need_score": _("Behoeftescore"),
        "bonus_score": _("Voorrangspunten"),
    }
    for name, value in sorted(corrections.get("points", {}).items()):
        rows.append((labels.get(name, name), points(value)))
    return rows


def _source_rows(sources: dict) -> list[tuple[str, str]]:
    """Where a correction came from: the points from a reopened scoring of the objection, by its id and hash."""
    scoring = sources.get("points", {})
    if not scoring.get("reopened_scoring"):
        return []
    return [
        (
            _("Herkomst van de punten"),
            _("heropende beoordeling %(id)s (hash %(sha256)s)")
            % {"id": scoring["reopened_scoring"], "sha256": scoring.get("sha256", "")},
        )
    ]


def _render(request, record: Reconsideration, **extra):
    result = record.result
    municipalities = dict(
        Application.objects.filter(pk__in=[line["application"] for line in result["lines"]]).values_list(
            "pk", "municipality__name"
        )
    )
    others = [
        {
            "reference": line["reference"],
            "municipality": municipalities.get(line["application"], ""),
            "old": _position(line["old"]),
            "rerun": _position(line["rerun"]),
            "differs": (line["old"]["rank"], line["old"]["awarded"], line["old"]["ground"])
            != (line["rerun"]["rank"], line["rerun"]["awarded"], line["rerun"]["ground"]),
        }
        for line in sorted(result["lines"], key=lambda line: (line["old"]["rank"] is None, line["old"]["rank"] or 0))
    ]
    context = {
        "record": record,
        "run": record.run,
        "call": record.run.call,
        "result": result,
        "old": _position(result["old"]),
        "new": _position(result["new"]),
        "others": others,
        "corrections": _correction_rows(record.corrections) + _source_rows(record.sources),
        "reserve_left": max(result["reserve"] - result["reserve_used_before"] - result["from_reserve"], 0),
        "standing": not hasattr(record, "replaced_by"),
        **extra,
    }
    return render(request, "allocations/runs/reconsideration.html", context)


def _record(request, pk: int) -> Reconsideration:
    require(can_view_allocation(request.user))
    return get_object_or_404(
        Reconsideration.objects.select_related("run__call", "application__municipality", "computed_by", "replaces"),
        pk=pk,
    )


@login_required
@require_GET
def reconsideration_detail(request, pk: int):
    return _render(request, _record(request, pk))


@login_required
@require_POST
def reconsideration_verify(request, pk: int):
    record = _record(request, pk)
    check = service.verify(reconsideration_record=record, by=request.user)
    return _render(request, record, check=check)
