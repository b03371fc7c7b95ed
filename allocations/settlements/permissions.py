"""Who may see and take the steps of a settlement; each rule defined once, for the pages, the API and the
services. Settlements are the ministry's work: a municipality reads the outcome in its letter, not here."""

from __future__ import annotations

from accounts.permissions import is_administrator, is_ministry

can_view_settlements = is_ministry
# The assessor (beoordelaar) proposes: a reviewer or an administrator.
can_propose_settlement = is_ministry
# The internal auditor checks and records the reclaim number; the coordinator approves.
can_check_settlement = is_administrator
can_approve_settlement = is_administrator
can_withdraw_settlement = is_ministry
