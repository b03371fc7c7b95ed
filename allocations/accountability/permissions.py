"""Who may see and enter accountability figures; each rule defined once, for the page, the API and the service."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry


@rules.predicate
def is_officer_of_decision(user, decision) -> bool:
    """An officer of the municipality the decision is addressed to."""
    return bool(
        user.is_authenticated and user.is_officer and user.municipality_id == decision.application.municipality_id
    )


# The municipality reports its own figures; an administrator may enter them from a letter or e-mail.
can_report_on = is_officer_of_decision | is_administrator
can_view_accountability_of = is_officer_of_decision | is_ministry
can_import_statements = is_administrator
can_view_accountability_board = is_ministry
