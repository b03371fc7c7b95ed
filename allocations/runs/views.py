"""Pages for dividing a call's budget: the allocation page, the policy form, a run (with approval and
verification) and the comparison of two runs. Administrators only; thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Municipality
from accounts.permissions import require
from accounts.templatetags.portal import format_euro
from accounts.workflow import TransitionNotAllowed
from allocations.confirmation import NOT_CONFIRMED, Summary, confirmed, render_confirmation
from allocations.runs import compare, policies, selectors, services
from allocations.runs.changes import describe as describe_change
from allocations.runs.forms import (
    PolicyForm,
    PotFormSet,
    ReservationFormSet,
    initial_policy,
    kept,
    reservation_sum,
)
from allocations.runs.models import AllocationLine, AllocationRun, RunStatus
from allocations.runs.permissions import can_approve_run, can_view_allocation
from allocations.runs.reasons import REASONS
from applications.models import Call
from applications.published_rules.freeze import is_frozen
from applications.published_rules.selectors import version_with_hash

LINES_PER_PAGE = 50  # as the application list, and the run's lines in the API
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


SUPERSEDED = gettext_lazy("Concept, vervallen: de ronde heeft een definitieve verdeling")
INPUTS_CHANGED = gettext_lazy("Concept, vervallen: de invoer is gewijzigd")


def status_label(run: AllocationRun, *, has_final: bool, inputs_changed: bool = False) -> str:
    """What a run's status says to a reader: a draft that can never be approved any more says so, instead of
    'waiting for approval' for ever."""
    if run.status == RunStatus.DRAFT and has_final:
        return str(SUPERSEDED)
    if run.status == RunStatus.DRAFT and inputs_changed:
        return str(INPUTS_CHANGED)
    return str(run.get_status_display())


def _show_ceiling(form: PolicyForm, call: Call) -> None:
    """The money fields name the ceiling they are checked against."""
    ceiling = format_euro(call.budget)
    form.fields["reserve"].help_text = _("Wordt van het subsidieplafond (%(ceiling)s) afgehouden en niet verdeeld.") % {
        "ceiling": ceiling
    }
    form.fields["cap_amount"].help_text = _("Hoogstens het subsidieplafond (%(ceiling)s) min de reserve.") % {
        "ceiling": ceiling
    }


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
    has_final = any(run.is_final for run in runs)
    for run in runs:
        run.progress_text = services.progress_text(run)
        run.status_label = status_label(run, has_final=has_final)
    return render(
        request,
        "allocations/runs/overview.html",
        {
            "call": call,
            "policy": policy,
            "minimums": selectors.minimums_of(call, policy),
            "reservation_sum": reservation_sum(
                budget=call.budget,
                reserve=policy.reserve,
                amounts=[r.amount for r in policy.reservations.all()] if policy.pk else [],
            ),
            "runs": runs,
            "refresh": any(run.status in ACTIVE for run in runs),
            "has_final": has_final,
            "frozen": is_frozen(call),
            # The button shows only when a run can start; otherwise the reason, in the service's words.
            "start_refusal": services.start_refusal(call),
            "comparable": [run for run in runs if run.status in (RunStatus.DRAFT, RunStatus.FINAL)],
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
    _show_ceiling(form, call)
    if request.method == "POST":  # what was typed, as far as it reads
        amounts = [
            f.cleaned_data["amount"]
            for f in reservations.forms
            if f.has_changed()
            and not f.errors
            and f.cleaned_data.get("amount") is not None
            and not f.cleaned_data.get("DELETE")
        ]
        reserve = form.cleaned_data.get("reserve") if form.is_valid() else policy.reserve
    else:
        amounts = [r.amount for r in policy.reservations.all()] if policy.pk else []
        reserve = policy.reserve
    return render(
        request,
        "allocations/runs/policy.html",
        {
            "call": call,
            "form": form,
            "pots": pots,
            "reservations": reservations,
            "reservation_sum": reservation_sum(budget=call.budget, reserve=reserve, amounts=amounts),
            "budget_cents": str(int(call.budget * 100)),  # a plain number for the script, never localized
            "municipalities": Municipality.objects.order_by("name").values_list("name", "cbs_code"),
            "frozen": is_frozen(call),
            "error_forms": [form, pots, reservations],
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
        messages.error(request, str(exc))  # a forced POST: the window is open, or the call is final
        return redirect("allocation_overview", pk=call.pk)
    run.refresh_from_db(fields=["status"])
    if run.status in (RunStatus.DRAFT, RunStatus.FINAL):  # computed before the redirect (the embedded default)
        messages.success(request, _("Verdeling %(number)s is berekend.") % {"number": run.number})
    else:
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
    check = extra.pop("check", check)
    has_final = run.status == RunStatus.DRAFT and _final_exists(run)
    run.status_label = status_label(run, has_final=has_final, inputs_changed=bool(check and check.changes))
    context = {
        "run": run,
        "call": run.call,
        "page": page,
        "summary": summary,
        "networks": networks,
        "check": check,
        "changes": [describe_change(change) for change in check.changes] if check else [],
        "rules_version": version_with_hash(run.call_id, run.rules_hash),
        "may_approve": can_approve_run(request.user, run),
        "refresh": run.status in ACTIVE,
        "reasons": REASONS,
        "other_runs": [r for r in selectors.runs_of(run.call) if r.pk != run.pk and r.is_computed],
        **extra,
    }
    return render(request, "allocations/runs/run_detail.html", context, status=status)


def _final_exists(run: AllocationRun) -> bool:
    return AllocationRun.objects.filter(call_id=run.call_id, status=RunStatus.FINAL).exclude(pk=run.pk).exists()


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


def _approval_summary(run: AllocationRun) -> Summary:
    """What approving makes final: the decisions by outcome, the money, the drafts that lapse, who is told."""
    counts = AllocationLine.objects.filter(run=run).aggregate(
        total=Count("pk"),
        refused=Count("pk", filter=Q(awarded__lte=0)),
        full=Count("pk", filter=Q(awarded__gt=0, awarded__gte=F("requested"))),
    )
    partial = counts["total"] - counts["refused"] - counts["full"]
    drafts = AllocationRun.objects.filter(call_id=run.call_id, status=RunStatus.DRAFT).exclude(pk=run.pk).count()
    consequences = [
        ngettext(
            "%(count)d aanvraag krijgt haar besluit; het besluit ligt daarna vast.",
            "Alle %(count)d aanvragen krijgen hun besluit; de besluiten liggen daarna vast.",
            counts["total"],
        )
        % {"count": counts["total"]},
        _("De verdeling, haar invoer en haar regels worden definitief en kunnen niet meer veranderen."),
        _(
            "Niemand buiten het ministerie wordt nu geïnformeerd: de gemeenten horen het besluit als de "
            "beschikkingen zijn verzonden. Daarna bereidt u de beschikkingen voor met hun verzenddatum."
        ),
    ]
    if drafts:
        consequences.insert(
            2,
            ngettext(
                "%(count)d ander concept van deze ronde vervalt: het kan nooit meer worden goedgekeurd.",
                "%(count)d andere concepten van deze ronde vervallen: ze kunnen nooit meer worden goedgekeurd.",
                drafts,
            )
            % {"count": drafts},
        )
    return Summary(
        title=_("Verdeling %(number)s goedkeuren") % {"number": run.number},
        lead=_("%(call)s – %(method)s, gestart door %(starter)s.")
        % {"call": run.call.title, "method": run.get_method_display(), "starter": run.started_by.display_name},
        button=_("Ja, verdeling goedkeuren"),
        action_url=reverse("run_approve", args=[run.pk]),
        back_url=reverse("run_detail", args=[run.pk]),
        facts=[
            (_("Aanvragen"), str(counts["total"])),
            (_("Volledig toegekend"), str(counts["full"])),
            (_("Gedeeltelijk toegekend"), str(partial)),
            (_("Afgewezen"), str(counts["refused"])),
            (_("Te verdelen"), format_euro(run.total_budget)),
            (_("Totaal toegekend"), format_euro(run.total_awarded)),
            (_("Niet besteed"), format_euro(run.total_unspent)),
        ],
        consequences=consequences,
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_approve(request, pk: int):
    """GET: the summary of what approval makes final, to confirm; POST (from that page): approve."""
    run = _run(request, pk)
    if request.method == "GET":
        check = services.approval_check(run, request.user, reuse=True) if run.status == RunStatus.DRAFT else None
        if check is None or not check.ok or not can_approve_run(request.user, run):
            return redirect("run_detail", pk=run.pk)  # the run page says why not
        return render_confirmation(request, _approval_summary(run))
    if not can_approve_run(request.user, run):
        return _render_run(request, run, status=403, refusal=str(services.OwnRunApproval().args[0]))
    if not confirmed(request):
        return _render_run(request, run, status=400, refusal=str(NOT_CONFIRMED))
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
    sorting = compare.Sorting.parse(request.GET.get("sorteer"))
    same_run = run_a is not None and run_a == run_b
    if run_a and run_b and not same_run:
        run_a, run_b = compare.in_order(run_a, run_b)  # earlier first, whatever the link: B − A is later − earlier
        comparison = compare.compare(run_a, run_b)
        comparison.lines = sorting.apply(comparison.lines)
        chart = compare.chart_svg(comparison, table_id="vergelijking-gemeenten")
    has_final = any(run.is_final for run in runs)
    for run in runs:
        run.status_label = status_label(run, has_final=has_final)
        run.name = compare.run_name(run)
    return render(
        request,
        "allocations/runs/compare.html",
        {
            "call": call,
            "runs": runs,
            "comparison": comparison,
            "chart": chart,
            "run_a": run_a,
            "run_b": run_b,
            "same_run": same_run,
            "sorting": sorting,
        },
    )
