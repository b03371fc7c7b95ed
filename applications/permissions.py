"""Permission rules for calls and applications, each defined once for pages, API and tasks."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_officer
from applications.models import EDITABLE_STATES, ReviewAssignment, Status


@rules.predicate
def is_officer_of(user, application) -> bool:
    return is_officer(user) and application is not None and application.municipality_id == user.municipality_id


@rules.predicate
def is_not_draft(user, application) -> bool:
    """Submitted at some point: drafts (also those withdrawn before submission) stay with the municipality."""
    if application is None or application.status == Status.DRAFT:
        return False
    return not (application.status == Status.WITHDRAWN and application.submitted_at is None)


@rules.predicate
def is_editable(user, application) -> bool:
    return application is not None and application.status in EDITABLE_STATES


@rules.predicate
def is_assigned_reviewer(user, application) -> bool:
    """A reviewer sees the applications actively assigned to them."""
    if not (user and user.is_authenticated and user.is_active and user.is_reviewer) or application is None:
        return False
    return ReviewAssignment.objects.filter(application_id=application.pk, reviewer=user, active=True).exists()


@rules.predicate
def is_reviewer_of_assignment(user, assignment) -> bool:
    return bool(
        user
        and user.is_authenticated
        and assignment is not None
        and assignment.reviewer_id == user.pk
        and assignment.active
    )


can_view_application = is_officer_of | (is_administrator & is_not_draft) | is_assigned_reviewer
can_edit_application = is_officer_of & is_editable
can_submit_application = is_officer_of
can_withdraw_application = is_officer_of
can_request_information = is_administrator
can_start_review = is_administrator
can_start_application = is_officer
can_manage_calls = is_administrator


# Assessment
can_assign_reviewers = is_administrator
can_review = is_reviewer_of_assignment
can_reopen_review = is_administrator
can_complete_review = is_administrator | is_assigned_reviewer  # the last review in, or an unassignment
can_view_points = is_administrator
can_configure_assessment = is_administrator


# Decision (taken by the allocation: award, partially award, reject, send the letter)
can_decide = is_administrator
