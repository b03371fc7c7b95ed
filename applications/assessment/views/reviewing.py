"""The reviewer's pages: the work queue, the review beside the application, and declaring a conflict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import add_service_errors
from accounts.permissions import is_reviewer, require
from accounts.workflow import TransitionNotAllowed
from applications import selectors
from applications.assessment import points, queue
from applications.assessment import services as assessment
from applications.assessment.forms import (
    ConflictForm,
    ScoringForm,
)
from applications.assessment.selectors import (
    assignment_for,
    criteria_of,
    reviewer_queue_rows,
    reviews_visible_to,
)
from applications.assessment.views._common import (
    review_state,
)
from applications.models import (
    Review,
    ReviewAssignment,
)

# The budget table and co-financing facts are the ones the application pages show.
from applications.views._common import _budget_table, _cofinancing_facts

QUEUE_PAGE_SIZE = 50


@login_required
@require_GET
def review_queue(request):
    require(is_reviewer(request.user))
    # A reviewer may have hundreds of assignments: a page at a time, open reviews first.
    page = Paginator(reviewer_queue_rows(request.user), QUEUE_PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {"assignments": page, "page": page, "now": timezone.now(), "extra_rows": queue.extra_rows(request.user)}
    return render(request, "applications/review/queue.html", context)


def _own_assignment(request, pk: int) -> ReviewAssignment:
    """Only its own reviewer opens an assignment; for everybody else it does not exist."""
    assignment = assignment_for(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


def _error_summary(form) -> list[dict]:
    """Every error of the scoring form with a link to its field, in the order of the form."""
    items = [{"message": message, "anchor": "beoordeling-formulier"} for message in form.non_field_errors()]
    for name, field in form.fields.items():
        for message in form.errors.get(name, []):
            # A group of radio buttons has no single input to point at: its criterion's fieldset instead.
            radios = getattr(field.widget, "input_type", "") == "radio"
            anchor = f"criterium-{name.removeprefix('score_')}" if radios else form[name].id_for_label
            items.append({"message": message, "anchor": anchor})
    return items


def _render_review(
    request,
    assignment: ReviewAssignment,
    *,
    form: ScoringForm | None = None,
    conflict_form: ConflictForm | None = None,
    status: int = 200,
):
    user = request.user
    call = assignment.application.call
    criteria = list(criteria_of(call))
    reviews = list(reviews_visible_to(user, assignment.application))
    review = next((r for r in reviews if r.assignment_id == assignment.pk), None)
    # Other reviewers' reviews: reviews_visible_to only returns them once this reviewer has submitted.
    others = [r for r in reviews if r.assignment.reviewer_id != user.pk]
    submitted = review is not None and review.status == Review.Status.SUBMITTED
    editable = assignment.active and not submitted
    if form is None:
        form = ScoringForm(initial=ScoringForm.initial_from(review), criteria=criteria)
    application = None
    context = {}
    if assignment.active:
        # The full application only while assigned: an ended assignment no longer gives access to it.
        application = get_object_or_404(
            selectors.application_with_parts(selectors.applications_for(user)), pk=assignment.application_id
        )
        context.update(budget=_budget_table(application), cofinancing=_cofinancing_facts(application), may_edit=False)
    own_scores = {s.criterion_id: s for s in review.scores.all()} if review else {}
    other_scores = []
    for other in others:
        by_criterion = {s.criterion_id: s for s in other.scores.all()}
        other_scores.append(
            {
                "review": other,
                "scores": by_criterion,
                "rows": [{"criterion": c, "score": by_criterion.get(c.pk)} for c in criteria],
            }
        )
    comparison = [
        {
            "criterion": criterion,
            "own": own_scores.get(criterion.pk),
            "others": [item["scores"].get(criterion.pk) for item in other_scores],
        }
        for criterion in criteria
    ]
    context.update(
        {
            "assignment": assignment,
            "application": application,
            "settings": points.assessment_settings(call),
            "review": review,
            "state": review_state(review, assignment),
            "editable": editable,
            "submitted": submitted,
            "form": form,
            "blocks": form.blocks(),
            "error_items": _error_summary(form) if form.is_bound else [],  # the page's one error summary
            "criteria": criteria,
            "read_only_blocks": [{"criterion": c, "score": own_scores.get(c.pk)} for c in criteria],
            "others": other_scores,
            "comparison": comparison,
            "conflict_form": conflict_form or ConflictForm(prefix="conflict"),
            "may_declare_conflict": editable,
            "error_forms": [conflict_form],
        }
    )
    return render(request, "applications/review/review_detail.html", context, status=status)


class _TrialOnly(Exception):
    """Rolls back a trial submission that would have succeeded."""


def _report_missing_scores(request, assignment, form) -> None:
    """The tick is missing: still say in the same round which scores and motivations are missing, by
    trying the submission in a transaction that is always rolled back (nothing is saved or audited)."""
    try:
        with transaction.atomic():
            assessment.save_review(
                assignment=assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data.get("overall_comment"),
            )
            assessment.submit_review(assignment=assignment, by=request.user)
            raise _TrialOnly
    except ValidationError as exc:
        form.apply_service_errors(exc)
    except (_TrialOnly, TransitionNotAllowed):
        pass


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    assignment = _own_assignment(request, pk)
    if request.method == "GET":
        return _render_review(request, assignment)
    submitting = request.POST.get("actie") == "indienen"
    form = ScoringForm(request.POST, criteria=list(criteria_of(assignment.application.call)), submitting=submitting)
    if not form.is_valid():
        if submitting and set(form.errors) == {"confirm"}:
            _report_missing_scores(request, assignment, form)
        return _render_review(request, assignment, form=form)
    try:
        with transaction.atomic():  # a refused submission also leaves the saved draft as it was
            assessment.save_review(
                assignment=assignment,
                by=request.user,
                scores=form.scores(),
                overall_comment=form.cleaned_data["overall_comment"],
            )
            if submitting:
                assessment.submit_review(assignment=assignment, by=request.user)
    except ValidationError as exc:
        form.apply_service_errors(exc)
        return _render_review(request, assignment, form=form)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("review_detail", pk=assignment.pk)
    if submitting:
        messages.success(
            request,
            _(
                "Uw beoordeling van %(reference)s is ingediend en vastgezet. U ziet nu "
                "ook de scores van andere beoordelaars die al hebben ingediend."
            )
            % {"reference": assignment.application.reference},
        )
    else:
        messages.success(request, _("Uw concept is opgeslagen. U kunt later verder gaan."))
    return redirect("review_detail", pk=assignment.pk)


@login_required
@require_POST
def review_conflict(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = ConflictForm(request.POST, prefix="conflict")
    if form.is_valid():
        try:
            assessment.declare_conflict(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("review_detail", pk=assignment.pk)
        else:
            messages.success(
                request,
                _(
                    "U heeft een belangenconflict gemeld voor %(reference)s en bent niet "
                    "meer aan deze aanvraag toegewezen. De beheerders zien uw reden."
                )
                % {"reference": assignment.application.reference},
            )
            return redirect("review_queue")
    return _render_review(request, assignment, conflict_form=form)
