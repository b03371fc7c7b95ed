"""Who may see and take the steps of a settlement; each rule defined once, for the pages, the API and the
services. Settlements are the ministry's work: a municipality reads the outcome in its letter, not here."""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry

can_view_settlements = is_ministry
# The assessor (beoordelaar) proposes: a reviewer or an administrator.
can_propose_settlement = is_ministry
# The internal auditor checks and records the reclaim number; the coordinator approves.
can_check_settlement = is_administrator
can_approve_settlement = is_administrator
can_withdraw_settlement = is_ministry


@rules.predicate
def is_officer_of_document(user, document) -> bool:
    """An officer of the municipality the settlement letter is addressed to."""
    return bool(
        user.is_authenticated
        and user.is_officer
        and user.municipality_id == document.settlement.decision.application.municipality_id
    )


@rules.predicate
def document_is_sent(user, document) -> bool:
    return document.is_sent


# The letter: any of the ministry may make it (a draft for a look), an administrator sends it. Staff read every
# version; the municipality only the version sent to it (``SettlementDocument.objects.visible_to``).
can_make_settlement_letter = is_ministry
can_send_settlement_letter = is_administrator
can_view_settlement_document = is_ministry | (is_officer_of_document & document_is_sent)
