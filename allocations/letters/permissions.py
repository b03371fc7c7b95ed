"""Who may do what with award letters; each rule defined once, for the page, the API and the service."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry


@rules.predicate
def is_officer_of_letter(user, letter) -> bool:
    """An officer of the municipality the letter is addressed to."""
    return bool(
        user.is_authenticated
        and user.is_officer
        and user.municipality_id == letter.decision.application.municipality_id
    )


@rules.predicate
def letter_is_sent(user, letter) -> bool:
    """This version went out (``Letter.is_sent``; ``Letter.objects.sent()`` is the same rule for lists)."""
    return letter.is_sent


@rules.predicate
def is_officer_of_application(user, application) -> bool:
    return bool(user.is_authenticated and user.is_officer and user.municipality_id == application.municipality_id)


# Ministry staff may read every letter; the municipality only the versions that were sent to it.
can_view_letter = is_ministry | (is_officer_of_letter & letter_is_sent)
can_view_application_letters = is_ministry | is_officer_of_application
# Generating, sending and editing the texts are an administrator's work.
can_manage_letters = is_administrator
can_edit_letter_texts = is_administrator
