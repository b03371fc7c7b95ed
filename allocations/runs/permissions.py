"""Who may divide the money: each rule defined once, for the pages, the API and the services."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry
from applications.permissions import can_view_application, is_officer_of
from applications.visibility import outcome_is_visible


@rules.predicate
def is_not_starter(user, run) -> bool:
    """The four-eyes rule: whoever started a run can never approve it."""
    return run is not None and run.started_by_id != user.pk


@rules.predicate
def outcome_is_known(user, application) -> bool:
    """The one rule of ``applications.visibility``: the municipality knows the outcome once the letter is sent."""
    return application is not None and outcome_is_visible(user, application)


can_manage_allocation = is_administrator
can_view_allocation = is_administrator
can_approve_run = is_administrator & is_not_starter
# Ministry staff see a decision as soon as it is taken; the municipality once its letter is sent.
can_view_decision = (is_ministry & can_view_application) | (is_officer_of & outcome_is_known)
