"""Every state change of the assessment: assigning reviewers (by hand or balanced), conflicts of interest,
saving and submitting reviews, reopening them, and storing the points when reviewing is complete.
Keyword-only, each checks its rule, validates, writes and records the audit event in one transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import TransitionNotAllowed
from applications import emails
from applications.assessment import points
from applications.models import (
    ASSIGNABLE_STATES,
    Application,
    Call,
    Review,
    ReviewAssignment,
    ReviewScore,
    Status,
)
from applications.permissions import can_assign_reviewers, can_reopen_review, can_review
from applications.services import lock
from applications.workflow import move


def _reviewer_problem(application: Application, reviewer: User) -> str | None:
    """Why this person may not review this application, or None."""
    if not (reviewer.is_active and reviewer.role == Role.REVIEWER):
        return _("%(name)s is geen actieve beoordelaar.") % {"name": reviewer.display_name}
    if reviewer.linked_municipalities.filter(pk=application.municipality_id).exists():
        return _("%(name)s is gelieerd aan de gemeente %(municipality)s en mag deze aanvraag nooit beoordelen.") % {
            "name": reviewer.display_name,
            "municipality": application.municipality.name,
        }
    past = ReviewAssignment.objects.filter(application=application, reviewer=reviewer)
    if past.filter(conflict_declared_at__isnull=False).exists():
        return _("%(name)s heeft voor deze aanvraag een belangenconflict gemeld.") % {"name": reviewer.display_name}
    if past.filter(active=True).exists():
        return _("%(name)s is al aan deze aanvraag toegewezen.") % {"name": reviewer.display_name}
    return None


def _start_review(application: Application, by: User, now: datetime.datetime) -> None:
    """The first reviewer assigned takes a submitted application into review."""
    if application.status == Status.SUBMITTED:
        move(application, "start_review", by=by, now=now)


def _assign(application: Application, reviewer: User, by: User, now: datetime.datetime) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=by, assigned_at=now
    )
    _start_review(application, by, now)
    audit.record(
        actor=by,
        verb="review.assigned",
        target=application,
        data={"reviewer": reviewer.email, "assignment": assignment.pk},
    )
    emails.review_assigned(assignment)
    return assignment


def assign_reviewer(
    *, application: Application, reviewer: User, by: User, now: datetime.datetime | None = None
) -> ReviewAssignment:
    now = now or timezone.now()
    require(can_assign_reviewers(by))
    with transaction.atomic():
        application = lock(application, by)
        if application.status not in ASSIGNABLE_STATES:
            raise TransitionNotAllowed(
                _("Beoordelaars toewijzen kan alleen bij een ingediende aanvraag of een aanvraag in beoordeling.")
            )
        problem = _reviewer_problem(application, reviewer)
        if problem:
            raise ValidationError({"reviewer": [problem]})
        return _assign(application, reviewer, by, now)


@dataclass
class AutoAssignResult:
    assignments: list[ReviewAssignment] = field(default_factory=list)
    shortfalls: dict[str, int] = field(default_factory=dict)  # reference -> reviewers still missing


def auto_assign(
    *, call: Call, by: User, per_application: int | None = None, now: datetime.datetime | None = None
) -> AutoAssignResult:
    """Give every open application of the call enough reviewers, always choosing the eligible reviewer
    with the fewest active assignments (then by e-mail, so the outcome is reproducible)."""
    now = now or timezone.now()
    require(can_assign_reviewers(by))
    wanted = per_application or points.assessment_settings(call).reviewers_per_application
    if wanted < 1:
        raise ValidationError({"per_application": [_("Kies minstens één beoordelaar per aanvraag.")]})
    result = AutoAssignResult()
    with transaction.atomic():
        applications = list(
            Application.objects.select_for_update()
            .filter(call=call, status__in=ASSIGNABLE_STATES)
            .select_related("municipality")
            .order_by("submitted_at", "pk")
        )
        reviewers = list(
            User.objects.filter(role=Role.REVIEWER, is_active=True)
            .annotate(load=Count("assignments", filter=Q(assignments__active=True)))
            .prefetch_related("linked_municipalities")
            .order_by("email")
        )
        if not reviewers:
            raise ValidationError({"reviewer": [_("Er zijn geen actieve beoordelaars om toe te wijzen.")]})
        load = {r.pk: r.load for r in reviewers}
        linked = {r.pk: {m.pk for m in r.linked_municipalities.all()} for r in reviewers}
        history: dict[int, set[int]] = defaultdict(set)
        for application_id, reviewer_id in (
            ReviewAssignment.objects.filter(application__in=applications)
            .filter(Q(active=True) | Q(conflict_declared_at__isnull=False))
            .values_list("application_id", "reviewer_id")
        ):
            history[application_id].add(reviewer_id)
        active_count: defaultdict[int, int] = defaultdict(int)
        for application_id in ReviewAssignment.objects.filter(application__in=applications, active=True).values_list(
            "application_id", flat=True
        ):
            active_count[application_id] += 1
        for application in applications:
            missing = wanted - active_count[application.pk]
            while missing > 0:
                candidates = [
                    r
                    for r in reviewers
                    if r.pk not in history[application.pk] and application.municipality_id not in linked[r.pk]
                ]
                if not candidates:
                    result.shortfalls[application.reference] = missing
                    break
                reviewer = min(candidates, key=lambda r: (load[r.pk], r.email))
                result.assignments.append(_assign(application, reviewer, by, now))
                history[application.pk].add(reviewer.pk)
                load[reviewer.pk] += 1
                missing -= 1
        audit.record(
            actor=by,
            verb="review.auto_assigned",
            target=call,
            data={
                "per_application": wanted,
                "assigned": len(result.assignments),
                "shortfalls": result.shortfalls,
            },
        )
    return result


def unassign(
    *, assignment: ReviewAssignment, by: User, reason: str = "", now: datetime.datetime | None = None
) -> ReviewAssignment:
    now = now or timezone.now()
    require(can_assign_reviewers(by))
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.select_for_update().select_related("application", "reviewer").get(pk=assignment.pk)
        )
        if not assignment.active:
            raise TransitionNotAllowed(_("Deze toewijzing is al beëindigd."))
        if hasattr(assignment, "review") and assignment.review.status == Review.Status.SUBMITTED:
            raise TransitionNotAllowed(_("Deze beoordeling is al ingediend; heropen haar eerst als dat nodig is."))
        assignment.active = False
        assignment.unassigned_at = now
        assignment.save(update_fields=["active", "unassigned_at"])
        audit.record(
            actor=by,
            verb="review.unassigned",
            target=assignment.application,
            data={"reviewer": assignment.reviewer.email, "reason": reason},
        )
        _complete_if_done(assignment.application, by, now)
    return assignment


def declare_conflict(
    *, assignment: ReviewAssignment, by: User, reason: str, now: datetime.datetime | None = None
) -> ReviewAssignment:
    """The reviewer reports a conflict of interest and is unassigned; administrators see why."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        assignment = (
            ReviewAssignment.objects.select_for_update().select_related("application", "reviewer").get(pk=assignment.pk)
        )
        require(assignment.reviewer_id == by.pk, not_found=True)
        if not assignment.active:
            raise TransitionNotAllowed(_("U bent niet meer aan deze aanvraag toegewezen."))
        if hasattr(assignment, "review") and assignment.review.status == Review.Status.SUBMITTED:
            raise TransitionNotAllowed(_("U heeft uw beoordeling al ingediend. Neem contact op met een beheerder."))
        if not reason:
            raise ValidationError({"reason": [_("Beschrijf het belangenconflict.")]})
        assignment.active = False
        assignment.conflict_reason = reason
        assignment.conflict_declared_at = now
        assignment.unassigned_at = now
        assignment.save(update_fields=["active", "conflict_reason", "conflict_declared_at", "unassigned_at"])
        audit.record(
            actor=by,
            verb="review.conflict_declared",
            target=assignment.application,
            data={"reviewer": by.email, "reason": reason},
        )
        emails.conflict_declared(assignment)
    return assignment


def _review_for(assignment: ReviewAssignment) -> Review:
    review, _created = Review.objects.get_or_create(assignment=assignment)
    return review


def _check_reviewer(assignment: ReviewAssignment, by: User) -> None:
    require(assignment.reviewer_id == by.pk, not_found=True)
    if not can_review(by, assignment):
        raise TransitionNotAllowed(_("U bent niet meer aan deze aanvraag toegewezen."))


def _open_review(assignment: ReviewAssignment, by: User, locked_message: str) -> tuple[ReviewAssignment, Review]:
    """The caller's own active assignment, locked, with its review still open for changes."""
    assignment = ReviewAssignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    _check_reviewer(assignment, by)
    review = _review_for(assignment)
    if review.status == Review.Status.SUBMITTED:
        raise TransitionNotAllowed(locked_message)
    return assignment, review


def clean_scores(call: Call, scores: dict | None) -> dict[int, tuple[int | None, str]]:
    """A review's scores as typed ({criterion id: {"score", "motivation"}}), checked against the call's criteria
    and their scales: {criterion id: (score or None, motivation)}, or a ValidationError per score. The one check
    of a score, for the reviews and for a reopened scoring's new reviews."""
    criteria = {c.pk: c for c in call.criteria.all()}
    errors: dict[str, list[str]] = defaultdict(list)
    cleaned: dict[int, tuple[int | None, str]] = {}
    for raw_key, value in (scores or {}).items():
        try:
            criterion = criteria[int(raw_key)]
        except (KeyError, TypeError, ValueError):
            errors[f"scores.{raw_key}"].append(_("Dit criterium hoort niet bij deze aanvraagronde."))
            continue
        value = value or {}
        score = value.get("score")
        if score in ("", None):
            score = None
        else:
            try:
                score = int(str(score).strip())
            except ValueError:
                errors[f"scores.{criterion.pk}.score"].append(_("Vul een heel getal in."))
                continue
            if not criterion.scale_min <= score <= criterion.scale_max:
                errors[f"scores.{criterion.pk}.score"].append(
                    _("Kies een score van %(min)s tot en met %(max)s.")
                    % {"min": criterion.scale_min, "max": criterion.scale_max}
                )
                continue
        cleaned[criterion.pk] = (score, (value.get("motivation") or "").strip())
    if errors:
        raise ValidationError(dict(errors))
    return cleaned


def check_complete(call: Call, given: dict) -> None:
    """Before a review is submitted: every required criterion has a score, and every score a written motivation
    (``given``: criterion id -> a stored score). A ValidationError per missing part otherwise."""
    errors: dict[str, list[str]] = defaultdict(list)
    for criterion in call.criteria.all():
        score = given.get(criterion.pk)
        if criterion.required and (score is None or score.score is None):
            errors[f"scores.{criterion.pk}.score"].append(
                _("Geef een score voor '%(name)s'.") % {"name": criterion.name}
            )
        if score is not None and score.score is not None and not score.motivation:
            errors[f"scores.{criterion.pk}.motivation"].append(
                _("Motiveer de score voor '%(name)s'.") % {"name": criterion.name}
            )
    if not call.criteria.exists():
        errors["__all__"].append(_("Deze aanvraagronde heeft nog geen criteria; een beheerder stelt ze in."))
    if errors:
        raise ValidationError(dict(errors))


def save_review(
    *,
    assignment: ReviewAssignment,
    by: User,
    scores: dict,
    overall_comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Review:
    """Save a draft review. ``scores`` maps criterion id to {"score": int or None, "motivation": str}."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment, review = _open_review(assignment, by, _("Deze beoordeling is ingediend en daarmee vastgezet."))
        cleaned = clean_scores(assignment.application.call, scores)
        for criterion_id, (score, motivation) in cleaned.items():
            ReviewScore.objects.update_or_create(
                review=review, criterion_id=criterion_id, defaults={"score": score, "motivation": motivation}
            )
        if overall_comment is not None:
            review.overall_comment = overall_comment.strip()
        review.updated_at = now
        review.save()
        audit.record(
            actor=by,
            verb="review.saved",
            target=assignment.application,
            data={"review": review.pk, "criteria": sorted(cleaned)},
        )
    return review


def submit_review(*, assignment: ReviewAssignment, by: User, now: datetime.datetime | None = None) -> Review:
    """Lock the review; every required criterion needs a score and a written motivation."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment, review = _open_review(assignment, by, _("Deze beoordeling is al ingediend."))
        if assignment.application.status == Status.INFO_REQUESTED:
            raise TransitionNotAllowed(
                _(
                    "De gemeente is om aanvulling gevraagd; u kunt uw beoordeling opslaan en indienen zodra de "
                    "aanvulling binnen is."
                )
            )
        given = {s.criterion_id: s for s in review.scores.all()}
        check_complete(assignment.application.call, given)
        review.status = Review.Status.SUBMITTED
        review.submitted_at = now
        review.updated_at = now
        review.save()
        audit.record(
            actor=by,
            verb="review.submitted",
            target=assignment.application,
            data={"review": review.pk, "scores": {str(k): v.score for k, v in given.items()}},
        )
        application = Application.objects.select_for_update().get(pk=assignment.application_id)
        _complete_if_done(application, by, now)
    return review


def reopen_review(*, review: Review, by: User, reason: str, now: datetime.datetime | None = None) -> Review:
    now = now or timezone.now()
    require(can_reopen_review(by))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Geef een reden om de beoordeling te heropenen.")]})
    with transaction.atomic():
        review = Review.objects.select_for_update().select_related("assignment__application").get(pk=review.pk)
        if review.status != Review.Status.SUBMITTED:
            raise TransitionNotAllowed(_("Alleen een ingediende beoordeling kan worden heropend."))
        application = Application.objects.select_for_update().get(pk=review.assignment.application_id)
        if application.status not in (Status.IN_REVIEW, Status.REVIEWED):
            raise TransitionNotAllowed(_("Over deze aanvraag is al besloten; de beoordeling kan niet meer open."))
        review.status = Review.Status.DRAFT
        review.reopened_at = now
        review.reopen_reason = reason
        review.save(update_fields=["status", "reopened_at", "reopen_reason"])
        audit.record(
            actor=by,
            verb="review.reopened",
            target=application,
            data={"review": review.pk, "reviewer": review.assignment.reviewer.email, "reason": reason},
        )
        if application.status == Status.REVIEWED:
            previous = getattr(application, "points", None)
            move(
                application,
                "reopen_review",
                by=by,
                now=now,
                before={"total": previous.total if previous else None},
            )
            if previous is not None:
                previous.delete()
    return review


def _complete_if_done(application: Application, by: User, now: datetime.datetime) -> None:
    """When every active reviewer has submitted (and there are enough of them), store the points and
    mark the application reviewed."""
    if application.status != Status.IN_REVIEW:
        return
    wanted = points.assessment_settings(application.call).reviewers_per_application
    active = ReviewAssignment.objects.filter(application=application, active=True).count()
    submitted = points.submitted_review_count(application)
    if not points.reviewing_complete(submitted=submitted, active=active, wanted=wanted):
        return
    stored = points.store(application, review_count=submitted)
    move(
        application,
        "complete_review",
        by=by,
        now=now,
        after={
            "reviewer_score": stored.reviewer_score,
            "need_score": stored.need_score,
            "bonus_score": stored.bonus_score,
            "total": stored.total,
            "spread_flagged": stored.spread_flagged,
            "meets_minimum": stored.meets_minimum,
        },
    )


def recompute_points(*, application: Application, by: User, now: datetime.datetime | None = None):
    """Recompute after a rule or indicator changed; only before a decision."""
    now = now or timezone.now()
    require(can_assign_reviewers(by))
    with transaction.atomic():
        application = lock(application, by)
        if application.status != Status.REVIEWED:
            raise TransitionNotAllowed(_("Punten herberekenen kan alleen bij een beoordeelde aanvraag."))
        previous = getattr(application, "points", None)
        stored = points.store(application, review_count=points.submitted_review_count(application))
        audit.record(
            actor=by,
            verb="application.points_recomputed",
            target=application,
            before={"total": previous.total if previous else None},
            after={"total": stored.total},
        )
    return stored
