"""Who may do what with objections; each rule defined once, for the pages, the API and the services."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry, is_officer


@rules.predicate
def is_officer_of_case(user, case) -> bool:
    """An officer of the objector, or of the municipality the decision objected to was addressed to."""
    return bool(
        is_officer(user)
        and case is not None
        and user.municipality_id in (case.objector_id, case.decision.application.municipality_id)
    )


@rules.predicate
def is_officer_of_objector(user, case) -> bool:
    return bool(is_officer(user) and case is not None and user.municipality_id == case.objector_id)


@rules.predicate
def is_addressee_officer(user, decision) -> bool:
    """An officer of the municipality the decision was addressed to: the one who may object in the portal."""
    return bool(
        is_officer(user) and decision is not None and user.municipality_id == decision.application.municipality_id
    )


@rules.predicate
def decision_is_sent(user, decision) -> bool:
    """Only a sent decision exists for the municipality, and only its sending starts the objection term."""
    return decision is not None and decision.sent_at is not None


# Ministry staff see every case; a municipality the cases about its own decisions and those it lodged.
can_view_case = is_ministry | is_officer_of_case
# The officer objects in the portal against their municipality's own decision; whether it was sent is the
# service's 409 (``decision_is_sent``), so the page can say why.
can_lodge_objection = is_addressee_officer
# Registering an objection that came by post or e-mail and every step of the handling are an administrator's.
can_handle_objections = is_administrator
# The objector may withdraw its objection; the administrator may record that it was withdrawn.
can_withdraw_objection = is_officer_of_objector | is_administrator


@rules.predicate
def is_sent_letter_of_objector(user, letter) -> bool:
    """An officer of the objector, for a letter that was sent to it."""
    return bool(letter is not None and letter.is_sent and is_officer_of_objector(user, letter.case))


# The letters of a case: ministry staff every letter, the objector's officers the letters sent to them. The
# object form of ``ObjectionLetterQuerySet.visible_to``.
can_view_objection_letter = is_ministry | is_sent_letter_of_objector
