"""Pages for objections: the officer's "Bezwaar maken" from the decision, the case page for the municipality and
the ministry with a form per step the case allows now, registering a posted or e-mailed objection, and the
staff's deadline board.

Thin: each view checks visibility (404) and role (403), calls a selector or a service, and renders. A refused
step (409) shows its reason; invalid input (400) shows the error summary and the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.downloads import private_file
from accounts.forms import add_service_errors
from accounts.permissions import is_ministry, require
from accounts.workflow import TransitionNotAllowed
from allocations.exports.models import ExportFormat
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines, letter_services, outcome, register, selectors, services
from allocations.objections import forms as case_forms
from allocations.objections.models import ObjectionCase
from allocations.objections.permissions import can_handle_objections, can_lodge_objection
from allocations.objections.transitions import AMENDMENTS, CASE_WORKFLOW, may
from allocations.runs.models import Decision
from applications.models import Application


@dataclass(frozen=True)
class Step:
    action: str  # in CASE_WORKFLOW or AMENDMENTS
    title: str
    form: type[forms.Form] | None
    call: Callable[..., ObjectionCase]
    done: str


STEPS: dict[str, Step] = {
    "herstel": Step(
        "request_repair",
        gettext_lazy("Hersteltermijn geven (Awb 6:6)"),
        case_forms.RepairForm,
        lambda case, by, data: services.request_repair(case=case, by=by, **data),
        gettext_lazy("De hersteltermijn is vastgelegd."),
    ),
    "herstel-afsluiten": Step(
        "end_repair",
        gettext_lazy("Hersteltermijn afsluiten"),
        case_forms.EndRepairForm,
        lambda case, by, data: services.end_repair(case=case, by=by, **data),
        gettext_lazy("De hersteltermijn is afgesloten."),
    ),
    "hoorzitting": Step(
        "plan_hearing",
        gettext_lazy("Hoorzitting plannen (Awb 7:2)"),
        case_forms.HearingForm,
        lambda case, by, data: services.plan_hearing(case=case, by=by, on=data["on"], invited=list(data["invited"])),
        gettext_lazy("De hoorzitting is gepland."),
    ),
    "gehoord": Step(
        "record_hearing",
        gettext_lazy("Hoorzitting vastleggen"),
        case_forms.HeldForm,
        lambda case, by, data: services.record_hearing(case=case, by=by, **data),
        gettext_lazy("De hoorzitting is vastgelegd."),
    ),
    "niet-horen": Step(
        "waive_hearing",
        gettext_lazy("Afzien van horen (Awb 7:3)"),
        case_forms.WaiverForm,
        lambda case, by, data: services.waive_hearing(case=case, by=by, **data),
        gettext_lazy("Vastgelegd dat niet wordt gehoord."),
    ),
    "verdagen": Step(
        "postpone",
        gettext_lazy("Beslistermijn verdagen (Awb 7:10 lid 3)"),
        case_forms.PostponeForm,
        lambda case, by, data: services.postpone(case=case, by=by, **data),
        gettext_lazy("De beslistermijn is verdaagd."),
    ),
    "adviescommissie": Step(
        "set_committee",
        gettext_lazy("Adviescommissie (Awb 7:13)"),
        case_forms.CommitteeForm,
        lambda case, by, data: services.set_committee(case=case, by=by, **data),
        gettext_lazy("De adviescommissie is vastgelegd."),
    ),
    "tijdigheid": Step(
        "override_timeliness",
        gettext_lazy("Tijdigheid vaststellen (Awb 6:11)"),
        case_forms.TimelinessForm,
        lambda case, by, data: services.override_timeliness(case=case, by=by, **data),
        gettext_lazy("De tijdigheid is vastgesteld."),
    ),
    "uitkomst": Step(
        "decide",
        gettext_lazy("Uitkomst vastleggen"),
        case_forms.OutcomeForm,
        lambda case, by, data: outcome.decide(case=case, by=by, **data),
        gettext_lazy("De uitkomst is vastgelegd."),
    ),
    "goedkeuren": Step(
        "approve_decision",
        gettext_lazy("Beslissing op bezwaar goedkeuren (vier ogen)"),
        None,
        lambda case, by, data: outcome.approve_decision(case=case, by=by),
        gettext_lazy("De beslissing op bezwaar is goedgekeurd; de extra betaling is ingepland."),
    ),
    "intrekken": Step(
        "withdraw",
        gettext_lazy("Bezwaar intrekken"),
        None,
        lambda case, by, data: services.withdraw(case=case, by=by),
        gettext_lazy("Het bezwaar is ingetrokken."),
    ),
}


def _form_for(slug: str, case: ObjectionCase, data=None) -> forms.Form | None:
    step = STEPS[slug]
    if step.form is None:
        return None
    kwargs = {"prefix": slug, "data": data}
    if step.form is case_forms.HearingForm:
        kwargs["candidates"] = selectors.interested_parties(case)
    if step.form is case_forms.CommitteeForm and data is None:
        kwargs["initial"] = {"committee": case.advisory_committee}
    return step.form(**kwargs)


def _offered(user, case: ObjectionCase, *, slugs: bool = True) -> list[str]:
    """The steps this person may take on the case now, in page order: the one table decides. ``slugs=False``:
    the actions themselves, also those that are a link rather than a form here ("Herberekenen")."""
    actions = {t.action for t in CASE_WORKFLOW.available(user, case)} | {
        t.action for t in AMENDMENTS.available(user, case)
    }
    if case.postponed_weeks:
        actions.discard("postpone")
    if case.awaits_approval:
        actions -= {"decide", "attach_reconsideration"}
    else:
        actions.discard("approve_decision")
    if not slugs:
        return sorted(actions)
    return [slug for slug, step in STEPS.items() if step.action in actions]


def _case_page(request, case: ObjectionCase, *, bound: tuple[str, forms.Form] | None = None, status: int = 200):
    steps = []
    for slug in _offered(request.user, case):
        form = bound[1] if bound and bound[0] == slug else _form_for(slug, case)
        steps.append({"slug": slug, "title": STEPS[slug].title, "form": form})
    today = local_today()
    next_deadline = case.next_deadline()
    days_left = deadlines.days_left(next_deadline[1], today) if next_deadline else None
    return render(
        request,
        "allocations/objections/case.html",
        {
            "case": case,
            "steps": steps,
            "timeliness": case.timeliness,
            "next_deadline": next_deadline,
            "days_left": days_left,
            "days_over": -days_left if days_left is not None and days_left < 0 else 0,
            "invited": list(case.invited.all()),
            "may_reconsider": "attach_reconsideration" in _offered(request.user, case, slugs=False),
            "error_forms": [bound[1]] if bound else [],
            "letters": selectors.letters_of_case(case, viewer=request.user),
        },
        status=status,
    )


@login_required
@require_GET
def objection_list(request):
    """Ministry staff: the deadline board of every open case, overdue first. A municipality: its own cases."""
    if is_ministry(request.user):
        return render(
            request,
            "allocations/objections/board.html",
            {
                "rows": selectors.deadline_board(request.user),
                "can_register": can_handle_objections.test(request.user, None),
                "register": _register_choices(request.user),
            },
        )
    require(getattr(request.user, "is_officer", False))
    return render(request, "allocations/objections/list.html", {"cases": list(selectors.cases_for(request.user))})


@login_required
@require_GET
def objection_detail(request, pk: int):
    return _case_page(request, selectors.visible_case(pk, viewer=request.user))


@login_required
@require_GET
def objection_letter_download(request, pk: int, letter_pk: int):
    """A letter of the case as PDF: staff every stored letter, the objector's officers the letters sent to them,
    anyone else a 404. Every download is audited."""
    case = selectors.visible_case(pk, viewer=request.user)
    letter = selectors.visible_letter(letter_pk, viewer=request.user, case=case)
    try:
        handle = letter_services.open_letter(letter=letter, by=request.user)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return private_file(handle, filename=letter.filename, content_type="application/pdf")


@login_required
@require_POST
def objection_step(request, pk: int, step: str):
    if step not in STEPS:
        raise Http404
    case = selectors.visible_case(pk, viewer=request.user)
    require(may(STEPS[step].action, request.user, case))
    form = _form_for(step, case, data=request.POST)
    if form is not None and not form.is_valid():
        return _case_page(request, case, bound=(step, form), status=400)
    try:
        STEPS[step].call(case, request.user, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is None:
            raise
        add_service_errors(form, exc)
        return _case_page(request, case, bound=(step, form), status=400)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _case_page(request, selectors.visible_case(pk, viewer=request.user), status=exc.status_code)
    messages.success(request, str(STEPS[step].done))
    return redirect("objection_detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def objection_lodge(request, pk: int):
    """ "Bezwaar maken": the officer's objection against their municipality's sent decision on ``application``."""
    application = get_object_or_404(Application.objects.select_related("municipality", "call"), pk=pk)
    decision = Decision.objects.filter(application=application).select_related("application__municipality").first()
    require(decision is not None and can_lodge_objection.test(request.user, decision), not_found=True)
    context = {"application": application, "decision": decision}
    if decision.sent_at is None:
        messages.error(
            request, _("Tegen deze beschikking kan nog geen bezwaar worden gemaakt: ze is nog niet verzonden.")
        )
        return render(request, "allocations/objections/lodge.html", context, status=409)
    today = local_today()
    last_day = deadlines.objection_term_end(local_today(decision.sent_at))
    context |= {"last_day": last_day, "late": today > last_day}
    form = case_forms.LodgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.lodge_objection(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return render(request, "allocations/objections/lodge.html", context | {"form": form}, status=409)
        else:
            messages.success(request, _("Uw bezwaar is ontvangen onder nummer %(number)s.") % {"number": case.number})
            return redirect("objection_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "allocations/objections/lodge.html", context | {"form": form, "error_forms": [form]}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def objection_register(request):
    """An objection that came by post or e-mail, registered by an administrator."""
    require(can_handle_objections.test(request.user, None))
    form = case_forms.RegisterForm(request.POST or None, initial={"decision": request.GET.get("beschikking", "")})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        decision = selectors.decision_by_number(data.pop("decision"), viewer=request.user)
        if decision is None:
            form.add_error("decision", _("Er is geen beschikking met dit nummer."))
        else:
            data["objector"] = data["objector"] or decision.application.municipality
            try:
                case = services.register_objection(decision=decision, by=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error("decision", str(exc))
            else:
                messages.success(
                    request, _("Het bezwaar is geregistreerd onder nummer %(number)s.") % {"number": case.number}
                )
                return redirect("objection_detail", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "allocations/objections/register.html", {"form": form, "error_forms": [form]}, status=status)


def _register_choices(user) -> dict | None:
    """The years and formats the objections register can be downloaded in, for an administrator only."""
    if not register.can_export_register(user):
        return None
    formats = [(fmt, label) for fmt, label in ExportFormat.choices if fmt in register.REGISTER_FORMATS]
    return {"years": selectors.years_received(user), "formats": formats}


def _register_year(value: str) -> int | None:
    """The ``jaar`` filter: a year, or empty for every year; anything else is not a page (404)."""
    if not value:
        return None
    if not value.isdigit() or not 2000 <= int(value) <= 2100:
        raise Http404
    return int(value)


@login_required
@require_GET
def objection_register_export(request):
    """The objections register for the annual report (``register.export_register``), per year or all."""
    require(register.can_export_register(request.user))
    year = _register_year(request.GET.get("jaar", ""))
    fmt = request.GET.get("formaat", ExportFormat.XLSX)
    return register.export_register(by=request.user, fmt=fmt, year=year).response()
