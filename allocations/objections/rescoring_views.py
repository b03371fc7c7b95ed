"""Pages of a reopened scoring: the staff's page of a case (reopen, assign reviewers who did not score the
application before, the old breakdown beside the new), and the reviewer's new review in the usual form.

Thin: a case outside the viewer's organisation is a 404, a role that may not take the step a 403 (before its
input is read), a state that forbids it a 409 with its reason, invalid input a 400 beside the fields.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts import textlimits
from accounts.forms import add_service_errors
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from allocations.objections import rescoring, selectors
from allocations.objections import rescoring_selectors as scoring_selectors
from allocations.objections.models import ObjectionCase
from allocations.objections.permissions import can_handle_objections
from allocations.objections.rescoring_models import ReopenedScoring, Rescore
from applications import selectors as application_selectors
from applications.assessment import points
from applications.assessment.forms import ScoringForm
from applications.assessment.selectors import criteria_of
from applications.models import Application
from applications.views._common import _budget_table, _cofinancing_facts


class ReopenForm(forms.Form):
    use_required_attribute = False
    reason = forms.CharField(
        label=gettext_lazy("Reden om opnieuw te beoordelen"),
        max_length=textlimits.MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Bijvoorbeeld: de gronden van het bezwaar of wat de hoorzitting opleverde."),
        error_messages={"required": gettext_lazy("Schrijf waarom de beoordeling opnieuw wordt gedaan.")},
    )


class RescorerForm(forms.Form):
    """The select offers the reviewers who may be given it; any active reviewer is accepted, so the service can
    say why a particular one may not (scored it before: a 403; linked, a conflict: beside the field)."""

    use_required_attribute = False
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Beoordelaar"),
        queryset=User.objects.filter(role=Role.REVIEWER, is_active=True),
        error_messages={
            "required": gettext_lazy("Kies een beoordelaar."),
            "invalid_choice": gettext_lazy("Kies een actieve beoordelaar uit de lijst."),
        },
    )

    def __init__(self, *args, available=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].widget.choices = [("", _("— kies een beoordelaar —"))] + [
            (reviewer.pk, reviewer.display_name) for reviewer in available
        ]


def _staff_case(request, pk: int) -> ObjectionCase:
    case = selectors.visible_case(pk, viewer=request.user)
    require(can_handle_objections.test(request.user, case))
    return case


def _page(
    request,
    case: ObjectionCase,
    *,
    reopen_form: ReopenForm | None = None,
    assign_form: RescorerForm | None = None,
    status: int = 200,
):
    scorings = list(scoring_selectors.scorings_of(case))
    current = next((s for s in scorings if s.is_open), None)
    available = scoring_selectors.candidates(current) if current is not None else []
    bound = [form for form in (reopen_form, assign_form) if form is not None]
    return render(
        request,
        "allocations/objections/rescoring.html",
        {
            "case": case,
            "scorings": [
                {"scoring": s, "rows": scoring_selectors.compared(s), "intact": rescoring.check_scoring(s)}
                for s in scorings
            ],
            "current": current,
            "may_reopen": case.is_open and not case.awaits_approval and current is None,
            "may_assign": current is not None and case.is_open and not case.awaits_approval,
            "reopen_form": reopen_form or ReopenForm(prefix="heropenen"),
            "assign_form": assign_form or RescorerForm(prefix="toewijzen", available=available),
            "wanted": points.assessment_settings(case.decision.application.call).reviewers_per_application,
            "error_forms": bound,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rescoring_page(request, pk: int):
    """The reopened scoring of a case: GET shows it, POST reopens it."""
    case = _staff_case(request, pk)
    if request.method == "GET":
        return _page(request, case)
    form = ReopenForm(request.POST, prefix="heropenen")
    if not form.is_valid():
        return _page(request, case, reopen_form=form, status=400)
    try:
        rescoring.reopen_scoring(case=case, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, case, reopen_form=form, status=400)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _page(request, case, status=exc.status_code)
    messages.success(request, _("De beoordeling is heropend. Wijs beoordelaars toe die haar nog niet beoordeelden."))
    return redirect("objection_rescoring", pk=case.pk)


@login_required
@require_POST
def rescoring_assign(request, pk: int):
    scoring: ReopenedScoring = scoring_selectors.scoring_for(pk, cases=selectors.cases_for(request.user))
    case = _staff_case(request, scoring.case_id)
    form = RescorerForm(request.POST, prefix="toewijzen", available=scoring_selectors.candidates(scoring))
    if not form.is_valid():
        return _page(request, case, assign_form=form, status=400)
    try:
        rescoring.assign_rescorer(scoring=scoring, reviewer=form.cleaned_data["reviewer"], by=request.user)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _page(request, case, assign_form=form, status=400)
    except TransitionNotAllowed as exc:  # also a reviewer who scored it before: a 403 with the reason
        messages.error(request, str(exc))
        return _page(request, case, status=exc.status_code)
    messages.success(
        request,
        _("%(name)s is toegewezen aan de heropende beoordeling.")
        % {"name": form.cleaned_data["reviewer"].display_name},
    )
    return redirect("objection_rescoring", pk=case.pk)


# --- the reviewer's new review -------------------------------------------------------------------------------


def _render_rescore(request, rescore: Rescore, *, form: ScoringForm | None = None, status: int = 200):
    application_id = rescore.scoring.application_id
    call = rescore.scoring.application.call
    criteria = list(criteria_of(call))
    editable = rescore.scoring.is_open and not rescore.submitted
    if form is None:
        form = ScoringForm(initial=ScoringForm.initial_from(rescore), criteria=criteria)
    context: dict = {}
    if editable:
        # The application itself while the new review is open, as the reviewer of an assignment reads it.
        application = application_selectors.application_with_parts(Application.objects.all()).get(pk=application_id)
        context.update(
            application=application,
            budget=_budget_table(application),
            cofinancing=_cofinancing_facts(application),
            may_edit=False,
        )
    own = {s.criterion_id: s for s in rescore.scores.all()}
    context.update(
        {
            "rescore": rescore,
            "subject": rescore.scoring.application,
            "review": rescore if (rescore.submitted or own) else None,
            "editable": editable,
            "submitted": False,  # other reviewers' scores are not shown in a reopened scoring
            "form": form,
            "form_action": reverse("rescore_detail", args=[rescore.pk]),
            "blocks": form.blocks(),
            "criteria": criteria,
            "read_only_blocks": [{"criterion": c, "score": own.get(c.pk)} for c in criteria],
            "may_declare_conflict": False,
            "error_forms": [form] if form.is_bound else [],
        }
    )
    return render(request, "allocations/objections/rescore.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rescore_detail(request, pk: int):
    rescore = scoring_selectors.rescore_for(request.user, pk)
    if request.method == "GET":
        return _render_rescore(request, rescore)
    submitting = request.POST.get("actie") == "indienen"
    criteria = list(criteria_of(rescore.scoring.application.call))
    form = ScoringForm(request.POST, criteria=criteria, submitting=submitting)
    if not form.is_valid():
        return _render_rescore(request, rescore, form=form, status=400)
    try:
        with transaction.atomic():  # a refused submission leaves the saved draft as it was
            rescoring.save_rescore(
                rescore=rescore,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
            )
            if submitting:
                rescoring.submit_rescore(rescore=rescore, by=request.user)
    except ValidationError as exc:
        form.apply_service_errors(exc)
        return _render_rescore(request, rescore, form=form, status=400)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return _render_rescore(request, scoring_selectors.rescore_for(request.user, pk), status=exc.status_code)
    if submitting:
        messages.success(request, _("Uw nieuwe beoordeling is ingediend en vastgezet."))
    else:
        messages.success(request, _("Uw concept is opgeslagen. U kunt later verder gaan."))
    return redirect("rescore_detail", pk=rescore.pk)
