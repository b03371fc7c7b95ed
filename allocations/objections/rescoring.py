"""Reopening the scoring of the objector's application (Awb 7:11: the decision is reconsidered in full).

An administrator reopens it on an open case and assigns reviewers who did not score the application before;
they fill in the usual review. Once the call's number of new reviews is in (the assessment's own rule), the
points breakdown is recomputed by the call's own points rules (``applications.assessment.points.compute``,
the same function the reviews' points come from) and becomes a correction a reconsideration may take, with
this scoring as its recorded source. The original reviews, the application's stored points and the final
run's snapshot are never touched. Keyword-only functions: check, validate, write and audit in one transaction.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, textlimits
from accounts.models import Role, User
from accounts.permissions import require
from accounts.workflow import SamePerson, TransitionNotAllowed
from allocations.objections import outcome
from allocations.objections.models import ObjectionCase
from allocations.objections.rescoring_models import ReopenedScoring, Rescore, RescoreScore
from allocations.objections.services import lock_case, required, staff_only
from allocations.objections.transitions import AMENDMENTS, AWAITS_APPROVAL, CLOSED
from allocations.runs import reconsideration_services, snapshot
from allocations.runs.reconsideration_models import Reconsideration
from applications.assessment import points
from applications.assessment import services as assessment
from applications.assessment.selectors import scored_by
from applications.models import ReviewAssignment


class ScoredBefore(SamePerson):
    """A reviewer who scored the application before may not score it again for the objection: other eyes
    reconsider it. A person refused, not a state: a 403 with the reason, like the four-eyes rule."""

    def __init__(self, reviewer: User) -> None:
        super().__init__(
            _(
                "%(name)s heeft deze aanvraag al eerder beoordeeld. Bij een bezwaar beoordelen alleen beoordelaars "
                "die haar nog niet beoordeelden opnieuw."
            )
            % {"name": reviewer.display_name}
        )


def _scoring_closed() -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("Deze heropende beoordeling is al herberekend; er komen geen beoordelingen meer bij.")
    )


def _check_case(case: ObjectionCase, action: str, by: User) -> None:
    """The case allows the step now: open, and no decision waiting for its approval (a 409 otherwise)."""
    AMENDMENTS.check(action, by, case, state_message=str(CLOSED))
    if case.awaits_approval:
        raise TransitionNotAllowed(AWAITS_APPROVAL)


# --- reopening and assigning -------------------------------------------------------------------------------


def reopen_scoring(
    *, case: ObjectionCase, by: User, reason: str, now: datetime.datetime | None = None
) -> ReopenedScoring:
    """Reopen the scoring of the decision's application on an open case. One open at a time per case."""
    staff_only(by)
    now = now or timezone.now()
    required("reason", _("Schrijf waarom de beoordeling opnieuw wordt gedaan."), reason)
    reason = reason.strip()
    if len(reason) > textlimits.MESSAGE:
        raise ValidationError(
            {
                "reason": str(
                    textlimits.MESSAGE_TOO_LONG % {"limit_value": textlimits.MESSAGE, "show_value": len(reason)}
                )
            }
        )
    with transaction.atomic():
        case = lock_case(case, by)
        _check_case(case, "reopen_scoring", by)
        if case.reopened_scorings.filter(closed_at__isnull=True).exists():
            raise TransitionNotAllowed(
                _("De beoordeling van deze aanvraag is al heropend; wijs daar beoordelaars toe.")
            )
        application = case.decision.application
        try:
            with transaction.atomic():
                scoring = ReopenedScoring.objects.create(
                    case=case, application=application, reason=reason, opened_by=by, opened_at=now
                )
        except IntegrityError as exc:  # a double click that passed the check above at the same moment
            raise TransitionNotAllowed(_("De beoordeling van deze aanvraag is al heropend.")) from exc
        audit.record(
            actor=by,
            verb="objection.scoring_reopened",
            target=case,
            data={"reopened_scoring": scoring.pk, "application": application.reference, "reason": reason},
        )
    return scoring


def _reviewer_problem(scoring: ReopenedScoring, reviewer: User) -> str | None:
    """Why this person may not be given the reopened scoring for another reason than having scored it."""
    application = scoring.application
    if not (reviewer.is_active and reviewer.role == Role.REVIEWER):
        return _("%(name)s is geen actieve beoordelaar.") % {"name": reviewer.display_name}
    if reviewer.linked_municipalities.filter(pk=application.municipality_id).exists():
        return _("%(name)s is gelieerd aan de gemeente %(municipality)s en mag deze aanvraag nooit beoordelen.") % {
            "name": reviewer.display_name,
            "municipality": application.municipality.name,
        }
    conflicts = ReviewAssignment.objects.filter(
        application=application, reviewer=reviewer, conflict_declared_at__isnull=False
    )
    if conflicts.exists():
        return _("%(name)s heeft voor deze aanvraag een belangenconflict gemeld.") % {"name": reviewer.display_name}
    if scoring.rescores.filter(reviewer=reviewer).exists():
        return _("%(name)s is al aan deze heropende beoordeling toegewezen.") % {"name": reviewer.display_name}
    return None


def scored_before(scoring: ReopenedScoring, reviewer: User) -> bool:
    """Whether ``reviewer`` scored the application before: in the assessment, or in an earlier reopened
    scoring of it (whose new review was submitted)."""
    if reviewer.pk in scored_by(scoring.application):
        return True
    earlier = Rescore.objects.filter(
        scoring__application=scoring.application, reviewer=reviewer, status=Rescore.Status.SUBMITTED
    ).exclude(scoring=scoring)
    return earlier.exists()


def assign_rescorer(
    *, scoring: ReopenedScoring, reviewer: User, by: User, now: datetime.datetime | None = None
) -> Rescore:
    """Give the reopened scoring to ``reviewer``: never one who scored the application before (a 403)."""
    staff_only(by)
    now = now or timezone.now()
    with transaction.atomic():
        case = lock_case(scoring.case, by)
        _check_case(case, "assign_rescorer", by)
        scoring = ReopenedScoring.objects.select_related("application__municipality").get(pk=scoring.pk)
        if not scoring.is_open:
            raise _scoring_closed()
        if scored_before(scoring, reviewer):
            raise ScoredBefore(reviewer)
        problem = _reviewer_problem(scoring, reviewer)
        if problem:
            raise ValidationError({"reviewer": [problem]})
        rescore = Rescore.objects.create(scoring=scoring, reviewer=reviewer, assigned_by=by, assigned_at=now)
        audit.record(
            actor=by,
            verb="objection.rescorer_assigned",
            target=case,
            data={"reopened_scoring": scoring.pk, "rescore": rescore.pk, "reviewer": reviewer.email},
        )
    return rescore


# --- the new reviews ---------------------------------------------------------------------------------------


def _own_open_rescore(rescore: Rescore, by: User, locked_message: str) -> Rescore:
    """The reviewer's own new review, locked, its scoring still open and the reviewer still allowed."""
    rescore = (
        Rescore.objects.select_for_update()
        .select_related("scoring__application__call", "scoring__case", "reviewer")
        .get(pk=rescore.pk)
    )
    require(rescore.reviewer_id == by.pk, not_found=True)
    if not rescore.scoring.is_open:
        raise _scoring_closed()
    if not rescore.scoring.case.is_open:
        raise TransitionNotAllowed(CLOSED)
    if rescore.submitted:
        raise TransitionNotAllowed(locked_message)
    if scored_before(rescore.scoring, by):
        raise ScoredBefore(by)
    return rescore


def save_rescore(
    *,
    rescore: Rescore,
    by: User,
    scores: dict,
    overall_comment: str | None = None,
    now: datetime.datetime | None = None,
) -> Rescore:
    """Save the new review as a draft, checked as the usual review is (``assessment.clean_scores``)."""
    now = now or timezone.now()
    with transaction.atomic():
        rescore = _own_open_rescore(rescore, by, _("Deze beoordeling is ingediend en daarmee vastgezet."))
        cleaned = assessment.clean_scores(rescore.scoring.application.call, scores)
        for criterion_id, (score, motivation) in cleaned.items():
            RescoreScore.objects.update_or_create(
                rescore=rescore, criterion_id=criterion_id, defaults={"score": score, "motivation": motivation}
            )
        if overall_comment is not None:
            rescore.overall_comment = overall_comment.strip()
        rescore.updated_at = now
        rescore.save(update_fields=["overall_comment", "updated_at"])
        audit.record(
            actor=by,
            verb="objection.rescore_saved",
            target=rescore.scoring.case,
            data={"rescore": rescore.pk, "criteria": sorted(cleaned)},
        )
    return rescore


def submit_rescore(*, rescore: Rescore, by: User, now: datetime.datetime | None = None) -> Rescore:
    """Lock the new review (every required score motivated, as the usual review); the last one in recomputes
    the breakdown."""
    now = now or timezone.now()
    with transaction.atomic():
        case = ObjectionCase.objects.select_for_update().get(pk=rescore.scoring.case_id)
        rescore = _own_open_rescore(rescore, by, _("Deze beoordeling is al ingediend."))
        given = {s.criterion_id: s for s in rescore.scores.all()}
        assessment.check_complete(rescore.scoring.application.call, given)
        rescore.status = Rescore.Status.SUBMITTED
        rescore.submitted_at = now
        rescore.updated_at = now
        rescore.save(update_fields=["status", "submitted_at", "updated_at"])
        audit.record(
            actor=by,
            verb="objection.rescore_submitted",
            target=case,
            data={"rescore": rescore.pk, "scores": {str(k): v.score for k, v in given.items()}},
        )
        _recompute_if_done(rescore.scoring, by=by, now=now)
    return rescore


# --- the recomputed breakdown ------------------------------------------------------------------------------


def new_scores(scoring: ReopenedScoring) -> dict[int, list[Decimal]]:
    """The scores of the submitted new reviews, per criterion id."""
    scores: dict[int, list[Decimal]] = defaultdict(list)
    for criterion_id, score in RescoreScore.objects.filter(
        rescore__scoring=scoring, rescore__status=Rescore.Status.SUBMITTED, score__isnull=False
    ).values_list("criterion_id", "score"):
        scores[criterion_id].append(Decimal(cast(int, score)))  # never null: filtered above
    return scores


def breakdown_document(scoring: ReopenedScoring) -> dict:
    """The breakdown from the new reviews, by the call's points rules (the one ``points.compute``), as the
    canonical document stored and hashed with the scoring."""
    application = scoring.application
    settings = points.assessment_settings(application.call)
    breakdown = points.compute(application, criteria=points.criteria_from(application.call, new_scores(scoring)))
    meets, reason = points.minimum_check(breakdown, settings)
    return {
        "reviewer_score": f"{breakdown.reviewer_score:.2f}",
        "need_score": f"{breakdown.need_score:.2f}",
        "bonus_score": f"{breakdown.bonus_score:.2f}",
        "total": f"{breakdown.total:.2f}",
        "meets_minimum": meets,
        "minimum_reason": reason,
        "flagged": list(breakdown.flagged_criteria),
        "review_count": scoring.rescores.filter(status=Rescore.Status.SUBMITTED).count(),
        "components": [
            {"kind": c.kind, "key": c.key, "label": c.label, "points": f"{c.points:.2f}", "detail": c.detail}
            for c in breakdown.components
        ],
    }


def _recompute_if_done(scoring: ReopenedScoring, *, by: User, now: datetime.datetime) -> None:
    """When the call's number of new reviews is in (the assessment's rule), store the recomputed breakdown and
    close the scoring."""
    scoring = ReopenedScoring.objects.select_for_update().select_related("application__call").get(pk=scoring.pk)
    wanted = points.assessment_settings(scoring.application.call).reviewers_per_application
    active = scoring.rescores.count()
    submitted = scoring.rescores.filter(status=Rescore.Status.SUBMITTED).count()
    if not scoring.is_open or not points.reviewing_complete(submitted=submitted, active=active, wanted=wanted):
        return
    document = breakdown_document(scoring)
    scoring.breakdown = document
    scoring.sha256 = snapshot.sha256(document)
    for name in ("reviewer_score", "need_score", "bonus_score", "total"):
        setattr(scoring, name, Decimal(document[name]))
    scoring.closed_at = now
    scoring.save()
    old = getattr(scoring.application, "points", None)
    audit.record(
        actor=by,
        verb="objection.scoring_recomputed",
        target=scoring.case,
        before={"total": old.total if old is not None else None},
        after={"total": scoring.total},
        data={
            "reopened_scoring": scoring.pk,
            "sha256": scoring.sha256,
            "review_count": submitted,
            "total": document["total"],
        },
    )


def check_scoring(scoring: ReopenedScoring) -> bool:
    """Whether the stored breakdown still has its hash, and its scores are those it states."""
    if scoring.is_open or not scoring.sha256:
        return False
    document = scoring.breakdown
    return snapshot.sha256(document) == scoring.sha256 and all(
        Decimal(document[name]) == getattr(scoring, name) for name in ("reviewer_score", "need_score", "bonus_score")
    )


def correction_of(scoring: ReopenedScoring) -> tuple[dict, dict]:
    """The ``points`` correction a recomputed scoring gives, and its source for the reconsideration."""
    if scoring.is_open:
        raise TransitionNotAllowed(
            _("De heropende beoordeling is nog niet herberekend: nog niet alle nieuwe beoordelingen zijn binnen.")
        )
    document = scoring.breakdown
    scores = {name: document[name] for name in ("reviewer_score", "need_score", "bonus_score")}
    return scores, {"points": {"reopened_scoring": scoring.pk, "sha256": scoring.sha256}}


def reconsider_with_scoring(
    *,
    case: ObjectionCase,
    scoring: ReopenedScoring,
    by: User,
    reason: str,
    corrections: dict | None = None,
    now: datetime.datetime | None = None,
) -> Reconsideration:
    """The reconsideration of the case's decision with the points of its recomputed scoring (and any other
    correction: the request, the eligibility), recorded with the scoring as the source of ``points``, and
    attached to the case: both or neither."""
    staff_only(by)
    if scoring.case_id != case.pk:
        raise ValidationError({"reopened_scoring": [_("Deze heropende beoordeling hoort bij een ander bezwaar.")]})
    corrections = dict(corrections or {})
    if corrections.get("points"):
        raise ValidationError(
            {"points": [_("De punten komen uit de heropende beoordeling; corrigeer ze niet ook met de hand.")]}
        )
    if not check_scoring(scoring):
        correction_of(scoring)  # an open scoring: its own 409
        raise TransitionNotAllowed(_("De puntenopbouw van de heropende beoordeling klopt niet meer met haar hash."))
    corrections["points"], sources = correction_of(scoring)
    with transaction.atomic():
        record = reconsideration_services.reconsider(
            run=case.decision.run,
            application=case.decision.application,
            corrections=corrections,
            reason=reason,
            by=by,
            now=now,
            sources=sources,
        )
        outcome.attach_reconsideration(case=case, reconsideration=record, by=by)
    return record
