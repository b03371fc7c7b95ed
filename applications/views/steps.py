"""The officer's step-by-step form, saved as a draft at every step, and the check page."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.amounts import amount_for_input, number_for_input
from accounts.permissions import require
from accounts.templatetags.portal import format_euro
from accounts.workflow import TransitionNotAllowed
from applications import selectors, services, validation
from applications.attachments import FORMAT_LABELS, add_attachment
from applications.forms import (
    AreaStepForm,
    BudgetStepForm,
    CofinancingStepForm,
    PlanStepForm,
    chosen_area,
    grid_field_name,
    posted_budget_lines,
)
from applications.models import Application, Status
from applications.permissions import is_officer_of
from applications.transitions import WORKFLOW
from applications.views._common import (
    LINE_ERROR,
    STEP_BY_SLUG,
    STEPS,
    Step,
    _application_context,
    _attempt,
    _budget_table,
    _cofinancing_facts,
    _error_dict,
    _problems,
    _step_navigation,
    _visible_application,
)


def _render_step(request, application: Application, step: Step, context: dict, *, status: int | None = None):
    problems = _problems(application)
    context = {
        **_application_context(request, application),
        **context,
        "step": step,
        "navigation": _step_navigation(application, step.slug, problems),
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "error_forms": [context.get("form")],  # the page's one error summary
    }
    return render(request, f"applications/step_{step.slug}.html", context, status=status or 200)


# What a step checks after saving (the submission rules of the fields it edits): saved as a draft, but
# said plainly on the step when it still does not hold together.
STEP_RULES = {
    "begroting": ("requested_amount", "budget_lines"),
    "cofinanciering": ("cofinancing_amount",),
}


def _still_wrong(application: Application, step: Step) -> list[str]:
    fields = STEP_RULES.get(step.slug)
    if not fields:
        return []
    current = Application.objects.select_related("call").get(pk=application.pk)
    errors = validation.submission_errors(current, now=timezone.now())
    return [message for field in fields for message in errors.get(field, [])]


def _after_save(request, application: Application, step: Step):
    problems = _still_wrong(application, step)
    if problems:
        messages.warning(
            request,
            _("Uw wijzigingen zijn als concept opgeslagen, maar dit klopt nog niet: %(problems)s")
            % {"problems": " ".join(problems)},
        )
        return redirect("application_step", pk=application.pk, step=step.slug)
    messages.success(request, _("Uw wijzigingen zijn opgeslagen."))
    if "verder" not in request.POST:
        return redirect("application_step", pk=application.pk, step=step.slug)
    index = STEPS.index(step) + 1
    if index < len(STEPS):
        return redirect("application_step", pk=application.pk, step=STEPS[index].slug)
    return redirect("application_check", pk=application.pk)


def _save_fields(request, application: Application, step: Step, form, fields, extra=None):
    """The plain steps: their fields go to update_application with the revision they were loaded at."""
    refused = None
    if form.is_valid():
        data = fields(form.cleaned_data) if callable(fields) else {f: form.cleaned_data[f] for f in fields}
        revision = form.cleaned_data["revision"]
        _result, refused = _attempt(
            form,
            lambda: services.update_application(
                application=application, by=request.user, data=data, expected_revision=revision
            ),
        )
        if not refused:
            return _after_save(request, application, step)
    return _render_step(request, application, step, {"form": form, **(extra or {})}, status=refused)


def _area_step(request, application: Application, step: Step):
    call = application.call
    per_area = call.multiple_per_municipality and application.status == Status.DRAFT
    form = AreaStepForm(
        request.POST or None,
        per_area=per_area,
        current_area=application.area_name,
        areas=selectors.area_choices(call, application.municipality) if per_area else [],
        initial={"revision": application.revision, "title": application.title},
    )
    if request.method == "GET":
        return _render_step(request, application, step, {"form": form})

    def data(cleaned):
        return {"title": cleaned["title"], **({"area_name": chosen_area(cleaned)} if per_area else {})}

    return _save_fields(request, application, step, form, data)


def _plan_step(request, application: Application, step: Step):
    fields = ("goals", "approach", "partners", "residents_involvement")
    form = PlanStepForm(
        request.POST or None, initial={"revision": application.revision, **{f: getattr(application, f) for f in fields}}
    )
    if request.method == "GET":
        return _render_step(request, application, step, {"form": form})
    return _save_fields(request, application, step, form, fields)


def _show_minimum(form, application: Application, facts: dict) -> None:
    """The co-financing box names the minimum it is checked against on submitting."""
    field = form.fields["cofinancing_amount"]
    limit = _("Het minimum in deze ronde is %(pct)s%% van het aangevraagde bedrag.") % {
        "pct": number_for_input(facts["minimum_pct"])
    }
    if facts["minimum_amount"] is not None:
        limit = _("Het minimum in deze ronde is %(pct)s%% van het aangevraagde bedrag, hier %(amount)s.") % {
            "pct": number_for_input(facts["minimum_pct"]),
            "amount": format_euro(facts["minimum_amount"]),
        }
    field.help_text = f"{field.help_text} {limit}"


def _show_maximum(form, call) -> None:
    """The requested amount names the call's maximum per application it is checked against."""
    if call.max_per_application is not None:
        field = form.fields["requested_amount"]
        field.help_text = "{} {}".format(
            field.help_text,
            _("Het maximum per aanvraag in deze ronde is %(max)s.") % {"max": format_euro(call.max_per_application)},
        )


def _cofinancing_step(request, application: Application, step: Step):
    fields = ("cofinancing_amount", "cofinancing_sources")
    form = CofinancingStepForm(
        request.POST or None,
        initial={
            "revision": application.revision,
            "cofinancing_sources": application.cofinancing_sources,
            "cofinancing_amount": amount_for_input(application.cofinancing_amount),
        },
    )
    extra = {"facts": _cofinancing_facts(application)}
    _show_minimum(form, application, extra["facts"])
    if request.method == "POST":
        return _save_fields(request, application, step, form, fields, extra)
    return _render_step(request, application, step, {"form": form, **extra})


def _apply_budget_errors(form, errors: dict[str, list[str]], sources: list[str]) -> None:
    """``lines.3.amount`` goes back to the box line 3 came from; a line from outside the grid to the top."""
    for key, messages_ in errors.items():
        match = LINE_ERROR.match(key)
        name = key
        if match:
            index = int(match.group(1))
            name = sources[index] if index < len(sources) else None
        form.add_error(name if name in form.fields and name != "revision" else None, messages_)


def _budget_step(request, application: Application, step: Step):
    call = application.call
    themes, years = list(call.scheme.themes.all()), call.years
    saved = {(line.theme_id, line.year): line.amount for line in application.budget_lines.all()}
    initial = {grid_field_name(*key): amount_for_input(amount) for key, amount in saved.items()}
    initial.update(revision=application.revision, requested_amount=amount_for_input(application.requested_amount))
    form = BudgetStepForm(request.POST or None, themes=themes, years=years, initial=initial)
    _show_maximum(form, call)
    refused = None
    if request.method == "POST" and form.is_valid():
        lines, sources = posted_budget_lines(
            request.POST, [grid_field_name(theme.pk, year) for theme in themes for year in years]
        )
        # Check both parts first, so a mistake in either shows every error at once and saves nothing.
        errors: validation.Errors = defaultdict(list)
        requested = form.cleaned_data["requested_amount"]
        amount = validation.parse_amount(requested, field="requested_amount", errors=errors)
        validation.check_requested_amount(amount, call, errors)
        line_errors, cleaned = validation.check_budget_lines(lines, call)
        errors.update(line_errors)
        if any(errors.values()):
            _apply_budget_errors(form, {k: v for k, v in errors.items() if v}, sources)
        else:
            wanted = {(line["theme"].pk, line["year"]): line["amount"] for line in cleaned}

            def save():
                return services.save_content(
                    application=application,
                    by=request.user,
                    data={"requested_amount": requested},
                    lines=lines if saved != wanted else None,
                    expected_revision=form.cleaned_data["revision"],
                )

            _result, refused = _attempt(
                form, save, apply=lambda f, exc: _apply_budget_errors(f, _error_dict(exc), sources)
            )
            if not refused:
                return _after_save(request, application, step)
    budget = _budget_table(application)
    row_totals = {row["theme"].pk: row["total"] for row in budget["rows"]}
    column_totals = dict(zip(budget["years"], budget["columns"], strict=True))
    return _render_step(
        request,
        application,
        step,
        {
            "form": form,
            "budget": budget,
            "grid_years": years,
            "grid_rows": [
                {"theme": theme, "fields": fields, "total": row_totals.get(theme.pk, 0)}
                for theme, fields in form.grid()
            ],
            "grid_columns": [column_totals.get(year, 0) for year in years],
        },
        status=refused,
    )


def _attachments_step(request, application: Application, step: Step):
    call = application.call
    requirements = list(call.required_attachments.all())
    attachments = list(application.attachments.all())
    errors: dict[str, list[str]] = {}
    top_error, status = "", None
    if request.method == "POST":
        key = request.POST.get("soort") or "overig"
        requirement = next((r for r in requirements if str(r.pk) == key), None)
        if key != "overig" and requirement is None:
            errors["overig"] = [_("Deze soort bijlage hoort niet bij deze aanvraagronde.")]
        else:
            try:
                attachment = add_attachment(
                    application=application,
                    by=request.user,
                    upload=request.FILES.get("bestand"),
                    requirement=requirement,
                )
            except ValidationError as exc:
                errors[key] = exc.messages
            except TransitionNotAllowed as exc:
                top_error, status = str(exc), 409
            else:
                messages.success(
                    request, _("De bijlage '%(name)s' is toegevoegd.") % {"name": attachment.original_name}
                )
                # On to the first requirement still missing (its upload form is the first one open).
                present = {a.requirement_id for a in attachments} | {attachment.requirement_id}
                missing = next((r for r in requirements if r.pk not in present), None)
                anchor = f"#bijlage-{missing.pk}" if missing else "#andere-bijlagen"
                url = reverse("application_step", kwargs={"pk": application.pk, "step": step.slug})
                return redirect(url + anchor)
    blocks = [
        {
            "key": str(r.pk),
            "requirement": r,
            "errors": errors.get(str(r.pk), []),
            "attachments": [a for a in attachments if a.requirement_id == r.pk],
        }
        for r in requirements
    ]
    other = {
        "key": "overig",
        "requirement": None,
        "errors": errors.get("overig", []),
        "attachments": [a for a in attachments if a.requirement_id is None],
    }
    # The page's one error summary: each refusal linked to the upload box it belongs to.
    error_items = [{"label": "", "message": top_error, "anchor": "bijlagen-fout"}] if top_error else []
    for block in [*blocks, other]:
        label = block["requirement"].name if block["requirement"] else _("Andere bijlage")
        error_items += [
            {"label": label, "message": message, "anchor": f"bestand-{block['key']}"} for message in block["errors"]
        ]
    return _render_step(
        request,
        application,
        step,
        {
            "error_items": error_items,
            "blocks": blocks,
            "other": other,
            "top_error": top_error,
            "max_mb": call.max_attachment_mb,
            "accept": ",".join(f".{f}" for f in call.allowed_formats),
            "formats": [FORMAT_LABELS[f] for f in call.allowed_formats],
        },
        status=status,
    )


STEP_VIEWS = {
    "gebied": _area_step,
    "plan": _plan_step,
    "begroting": _budget_step,
    "cofinanciering": _cofinancing_step,
    "bijlagen": _attachments_step,
}


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request, pk: int, step: str):
    if step not in STEP_BY_SLUG:
        raise Http404
    application = _visible_application(request, pk)
    require(is_officer_of(request.user, application))  # the ministry reads, it never edits
    if request.method == "GET" and not application.is_editable:
        messages.info(
            request,
            _("Deze aanvraag is %(status)s en kan niet meer worden gewijzigd.")
            % {"status": application.get_status_display().lower()},
        )
        return redirect("application_detail", pk=application.pk)
    return STEP_VIEWS[step](request, application, STEP_BY_SLUG[step])


@login_required
@require_GET
def application_check(request, pk: int):
    application = _visible_application(request, pk)
    context = _application_context(request, application)
    problems = _problems(application) if context["may_edit"] else []
    offered = any(t.action == "submit" for t in WORKFLOW.available(request.user, application))
    context.update(
        problems=problems,
        submit_offered=offered,
        can_submit=offered and not problems,
        navigation=_step_navigation(application, "check", problems) if context["may_edit"] else [],
        budget=_budget_table(application),
        cofinancing=_cofinancing_facts(application),
    )
    return render(request, "applications/check.html", context)
