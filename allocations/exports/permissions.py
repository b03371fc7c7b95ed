"""Who may see the context figures, the overviews and the exports; each rule defined once.

The NPLV monitor is public data, so everyone signed in may read the context page, officers included.
Exports, the call overview and the portfolio show every municipality's decisions: administrators only.
"""

from __future__ import annotations

from accounts.permissions import is_administrator, is_ministry, is_officer

can_view_context = is_officer | is_ministry
can_export_decisions = is_administrator
can_view_overview = is_administrator
can_view_portfolio = is_administrator
