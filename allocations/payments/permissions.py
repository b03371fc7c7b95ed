"""Who may see and handle instalments; each rule defined once, for the pages, the API and the services.

Ministry staff see every instalment and the payments overview; only administrators order payments, record
paid dates, import the financial system's file and download payment orders. A municipality sees the
instalments of its own decisions once the letter is sent (``InstalmentQuerySet.visible_to`` for lists).
"""

from __future__ import annotations

import rules

from accounts.permissions import is_administrator, is_ministry


@rules.predicate
def is_officer_of_instalment(user, instalment) -> bool:
    return bool(
        user.is_authenticated
        and user.is_officer
        and instalment is not None
        and user.municipality_id == instalment.decision.application.municipality_id
        and instalment.decision.sent_at is not None
    )


can_view_instalment = is_ministry | is_officer_of_instalment
can_view_payments = is_ministry
can_manage_payments = is_administrator
can_export_payment_orders = is_administrator
