"""Who may see the money after the award; each rule defined once, for the pages, the files and the API.

Ministry staff see every municipality's money, an officer their own municipality's (the rows are scoped in
``selectors.sent_awards_for``; another municipality's page or decision is a 404).
"""

from __future__ import annotations

from accounts.permissions import is_ministry, is_officer

can_view_money = is_ministry | is_officer
can_view_all_money = is_ministry
