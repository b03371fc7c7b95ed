"""Pages for dividing a call's budget: the allocation page, the policy form, a run (with approval and
verification) and the comparison of two runs. Administrators only; thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.runs import compare, policies, selectors, services
from allocations.runs.forms import PolicyForm, PotFormSet, ReservationFormSet, initial_policy, kept
from allocations.runs.models import AllocationRun, RunStatus
from allocations.runs.permissions import can_approve_run, can_view_allocation
from allocations.runs.reasons import REASONS
from applications.models import Call
from applications.published_rules.freeze import is_frozen
from applications.published_rules.selectors import version_with_hash

LINES_PER_PAGE = 50  # as the application list, and the run's lines in the API
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def _call(request, pk: int) -> Call:
    require(can_view_allocation(request.user))
    return get_object_or_404(Call.objects.select_related("scheme"), pk=pk)


def _run(request, pk: int) -> AllocationRun:
    require(can_view_allocation(request.user))
    run = selectors.run_for(pk)
    if run is None:
        raise Http404
    return run


@login_required
@require_GET
def allocation_overview(request, pk: int):
    call = _call(request, pk)
    policy = selectors.policy_with_parts(selectors.policy_of(call))
    runs = list(selectors.runs_of(call))
    for run in runs:
        run.progress_text = services.progress_text(run)
    return render(
        request,
        "allocations/runs/overview.html",
        {
            "call": call,
            "policy": policy,
            "minimums": selectors.minimums_of(call, policy),
            "runs": runs,
            "refresh": any(run.status in ACTIVE for run in runs),
            "has_final": any(run.is_final for run in runs),
            "frozen": is_frozen(call),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_policy(request, pk: int):
    call = _call(request, pk)
    policy = selectors.policy_with_parts(selectors.policy_of(call))
    default_min = selectors.assessment_minimum(call)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST, min_points_default=default_min)
        pots = PotFormSet(request.POST, prefix="pot")
        reservations = ReservationFormSet(request.POST, prefix="reservering")
        if form.is_valid() and pots.is_valid() and reservations.is_valid():
            try:
                policies.save_policy(
                    call=call,
                    by=request.user,
                    values=form.cleaned_data,
                    pots=kept(pots),
                    reservations=kept(reservations),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    if field == "pots":
                        pots._non_form_errors = pots.error_class(errors)
                    elif field == "reservations":
                        reservations._non_form_errors = reservations.error_class(errors)
                    else:
                        form.add_error(field if field in form.fields else None, errors)
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
                status = 409
            else:
                messages.success(request, _("Het verdeelbeleid is opgeslagen."))
                return redirect("allocation_overview", pk=call.pk)
    else:
        values, pot_rows, reservation_rows = initial_policy(policy, default_min)
        form = PolicyForm(initial=values, min_points_default=default_min)
        pots = PotFormSet(initial=pot_rows, prefix="pot")
        reservations = ReservationFormSet(initial=reservation_rows, prefix="reservering")
    return render(
        request,
        "allocations/runs/policy.html",
        {
            "call": call,
            "form": form,
            "pots": pots,
            "reservations": reservations,
            "frozen": is_frozen(call),
        },
        status=status,
    )


@login_required
@require_POST
def allocation_start(request, pk: int):
    call = _call(request, pk)
    try:
        run = services.start_run(call=call, by=request.user)
    except TransitionNotAllowed as exc:
        if "run" in exc.details:  # a double click: show the run that is already being computed
            messages.info(request, str(exc))
            return redirect("run_detail", pk=exc.details["run"])
        messages.error(request, str(exc))
        return redirect("allocation_overview", pk=call.pk)
    messages.success(request, _("Verdeling %(number)s wordt berekend.") % {"number": run.number})
    return redirect("run_detail", pk=run.pk)


def _render_run(request, run: AllocationRun, *, status: int = 200, **extra):
    lines = selectors.line_totals(run)
    networks = selectors.networks_in_call(run.call, {line.municipality_id for line in lines})
    summary = selectors.summarise(run, lines, networks)
    page = Paginator(selectors.lines_for_page(run), LINES_PER_PAGE).get_page(request.GET.get("pagina"))
    run.progress_text = services.progress_text(run)
    check = None
    if run.status == RunStatus.DRAFT and "check" not in extra:
        check = services.approval_check(run, request.user, reuse=True)
    context = {
        "run": run,
        "call": run.call,
        "page": page,
        "summary": summary,
        "networks": networks,
        "check": extra.pop("check", check),
        "rules_version": version_with_hash(run.call_id, run.rules_hash),
        "may_approve": can_approve_run(request.user, run),
        "refresh": run.status in ACTIVE,
        "reasons": REASONS,
        "other_runs": [r for r in selectors.runs_of(run.call) if r.pk != run.pk and r.is_computed],
        **extra,
    }
    return render(request, "allocations/runs/run_detail.html", context, status=status)


@login_required
@require_GET
def run_detail(request, pk: int):
    return _render_run(request, _run(request, pk))


@never_cache
@login_required
@require_GET
def run_progress(request, pk: int):
    run = _run(request, pk)
    return JsonResponse(
        {
            "id": run.pk,
            "status": run.status,
            "status_display": run.get_status_display(),
            "phase": str(services.PHASES.get(run.phase, run.phase)),
            "progress": run.progress,
            "text": services.progress_text(run),
            "error": run.error,
        }
    )


@login_required
@require_POST
def run_approve(request, pk: int):
    run = _run(request, pk)
    try:
        services.approve_run(run=run, by=request.user)
    except services.OwnRunApproval as exc:
        return _render_run(request, run, status=403, refusal=str(exc.args[0]))
    except TransitionNotAllowed as exc:
        check = services.ApprovalCheck(
            changes=exc.details.get("changes", []), missing=exc.details.get("missing", []), state_message=str(exc)
        )
        return _render_run(request, run, status=409, refusal=str(exc), check=check)
    messages.success(
        request,
        _(
            "Verdeling %(number)s is goedgekeurd en definitief; de besluiten zijn vastgelegd. Bereid de "
            "beschikkingen voor met de dag waarop u ze verzendt."
        )
        % {"number": run.number},
    )
    return redirect("run_detail", pk=run.pk)


@login_required
@require_POST
def run_verify(request, pk: int):
    run = _run(request, pk)
    try:
        result = services.verify_run(run=run, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("run_detail", pk=run.pk)
    return _render_run(request, run, verification=result)


@login_required
@require_POST
def run_retry(request, pk: int):
    run = _run(request, pk)
    try:
        services.retry_run(run=run, by=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    return redirect("run_detail", pk=run.pk)


@login_required
@require_GET
def run_compare(request, pk: int):
    call = _call(request, pk)
    runs = list(selectors.runs_of(call).computed())
    by_pk = {run.pk: run for run in runs}
    try:
        run_a = by_pk.get(int(request.GET.get("a", "")))
        run_b = by_pk.get(int(request.GET.get("b", "")))
    except ValueError:
        run_a = run_b = None
    comparison = chart = None
    if run_a and run_b:
        comparison = compare.compare(run_a, run_b)
        chart = compare.chart_svg(comparison, table_id="vergelijking-gemeenten")
    return render(
        request,
        "allocations/runs/compare.html",
        {"call": call, "runs": runs, "comparison": comparison, "chart": chart, "run_a": run_a, "run_b": run_b},
    )
