"""Pages of the assessment: the reviewer's queue and review form, the administrator's overview of a call
(criteria, assignment) and the points of an application. Thin: parse with a form, call a service or
selector, render."""

from applications.assessment.views.application_assessment import (
    application_assessment,
    assign_reviewer,
    review_reopen,
    review_unassign,
)
from applications.assessment.views.call_assessment import call_assessment, call_auto_assign
from applications.assessment.views.points import application_points, points_recompute
from applications.assessment.views.reviewing import review_conflict, review_detail, review_queue

__all__ = [
    "application_assessment",
    "application_points",
    "assign_reviewer",
    "call_assessment",
    "call_auto_assign",
    "points_recompute",
    "review_conflict",
    "review_detail",
    "review_queue",
    "review_reopen",
    "review_unassign",
]
