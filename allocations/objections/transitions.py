"""The lifecycle of an objection case as data: which step, from which states, to which state, by whom.

``received → (repair → received) → (hearing_planned →) ready → closed``; a hearing may be waived on a ground of
Awb 7:3, and the objector may withdraw while the case is open. ``CASES.move`` is the only place that assigns
``ObjectionCase.status``.

Some steps change what the case records but not its status: the one postponement of the decision term, the
advisory committee, and the timeliness override. They have a table of their own (``AMENDMENTS``), checked the
same way (a 403 for a rule that says no, a 409 for a state that forbids it) and audited by ``amend``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.models import User
from accounts.workflow import Transition, Workflow
from allocations.lifecycle import Lifecycle
from allocations.objections.models import OPEN_STATUSES, CaseStatus, ObjectionCase
from allocations.objections.permissions import can_handle_objections, can_withdraw_objection

CLOSED = _("Op dit bezwaar is al beslist; een afgehandeld bezwaar verandert niet meer.")
REPAIR_RUNNING = _("De hersteltermijn loopt nog. Sluit die eerst af: hersteld, of ongebruikt verstreken.")
NOT_PREPARED = _("Er ligt geen voorbereide beslissing op dit bezwaar ter goedkeuring.")
AWAITS_APPROVAL = _(
    "Er ligt al een voorbereide beslissing op dit bezwaar ter goedkeuring. Een andere beheerder keurt die eerst goed."
)
OPEN = tuple(OPEN_STATUSES)

CASE_WORKFLOW = Workflow(
    [
        # Awb 6:6: the objector gets a term to repair what 6:5 demands (or to give the grounds of a pro forma).
        Transition(
            action="request_repair",
            label=_("Hersteltermijn geven"),
            sources=(CaseStatus.RECEIVED,),
            target=CaseStatus.REPAIR,
            allowed=can_handle_objections,
            verb="objection.repair_requested",
            refused=_("Een hersteltermijn kan alleen worden gegeven aan een bezwaar in behandeling."),
        ),
        Transition(
            action="end_repair",
            label=_("Hersteltermijn afsluiten"),
            sources=(CaseStatus.REPAIR,),
            target=CaseStatus.RECEIVED,
            allowed=can_handle_objections,
            verb="objection.repair_ended",
            refused=_("Er loopt geen hersteltermijn."),
        ),
        # Awb 7:2: the objector and the other interested parties are offered a hearing.
        Transition(
            action="plan_hearing",
            label=_("Hoorzitting plannen"),
            sources=(CaseStatus.RECEIVED, CaseStatus.HEARING_PLANNED),
            target=CaseStatus.HEARING_PLANNED,
            allowed=can_handle_objections,
            verb="objection.hearing_planned",
            refused=_("Een hoorzitting kan alleen worden gepland voor een bezwaar in behandeling."),
            style="primary",
        ),
        Transition(
            action="record_hearing",
            label=_("Hoorzitting vastleggen"),
            sources=(CaseStatus.HEARING_PLANNED,),
            target=CaseStatus.READY,
            allowed=can_handle_objections,
            verb="objection.heard",
            refused=_("Er is geen hoorzitting gepland."),
        ),
        # Awb 7:3: only on one of its grounds, recorded.
        Transition(
            action="waive_hearing",
            label=_("Afzien van horen"),
            sources=(CaseStatus.RECEIVED, CaseStatus.HEARING_PLANNED),
            target=CaseStatus.READY,
            allowed=can_handle_objections,
            verb="objection.hearing_waived",
            refused=_("Van horen afzien kan alleen voor een bezwaar in behandeling."),
        ),
        # Four eyes: a prepared founded outcome that changes money is approved by another administrator.
        Transition(
            action="approve_decision",
            label=_("Beslissing goedkeuren"),
            sources=(CaseStatus.READY,),
            target=CaseStatus.CLOSED,
            allowed=can_handle_objections,
            verb="objection.decision_approved",
            refused=NOT_PREPARED,
            style="primary",
        ),
        Transition(
            action="decide",
            label=_("Uitkomst vastleggen"),
            sources=(CaseStatus.RECEIVED, CaseStatus.HEARING_PLANNED, CaseStatus.READY),
            target=CaseStatus.CLOSED,
            allowed=can_handle_objections,
            verb="objection.decided",
            refused=CLOSED,
            style="primary",
        ),
        Transition(
            action="withdraw",
            label=_("Bezwaar intrekken"),
            sources=OPEN,
            target=CaseStatus.CLOSED,
            allowed=can_withdraw_objection,
            verb="objection.withdrawn",
            refused=CLOSED,
            style="subtle",
        ),
    ]
)

AMENDMENTS = Workflow(
    [
        # Awb 7:10 lid 3: once, by at most six weeks, with notice.
        Transition(
            action="postpone",
            label=_("Beslistermijn verdagen"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.postponed",
            refused=CLOSED,
        ),
        Transition(
            action="set_committee",
            label=_("Adviescommissie"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.committee_set",
            refused=CLOSED,
        ),
        # Awb 7:11: the re-run as of the original decision that the case decides on.
        Transition(
            action="attach_reconsideration",
            label=_("Herberekenen"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.reconsideration_attached",
            refused=CLOSED,
        ),
        # Awb 7:11: the objector's application scored again by other reviewers (``rescoring.py``).
        Transition(
            action="reopen_scoring",
            label=_("Beoordeling heropenen"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.scoring_reopened",
            refused=CLOSED,
            offered=False,
        ),
        Transition(
            action="assign_rescorer",
            label=_("Beoordelaar toewijzen"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.rescorer_assigned",
            refused=CLOSED,
            offered=False,
        ),
        # Four eyes: a founded outcome that changes money, prepared by one administrator (``decide``).
        Transition(
            action="prepare_decision",
            label=_("Beslissing voorbereiden"),
            sources=(CaseStatus.READY,),
            target="",
            allowed=can_handle_objections,
            verb="objection.decision_prepared",
            refused=CLOSED,
            offered=False,
        ),
        # Awb 6:11: lateness excused (or timeliness corrected), with the reason.
        Transition(
            action="override_timeliness",
            label=_("Tijdigheid vaststellen"),
            sources=OPEN,
            target="",
            allowed=can_handle_objections,
            verb="objection.timeliness_set",
            refused=CLOSED,
        ),
    ]
)

CASES: Lifecycle[ObjectionCase] = Lifecycle(ObjectionCase, CASE_WORKFLOW)
move = CASES.move


def may(action: str, user, case: ObjectionCase) -> bool:
    """Whether the rule of ``action`` (in either table) lets ``user`` take it on ``case`` at all, whatever its
    state: the page and the API ask this before they read the step's input, so a role that may not take it
    gets its 403 first."""
    table = CASE_WORKFLOW if action in CASE_WORKFLOW.transitions else AMENDMENTS
    rule = table.get(action).allowed
    return bool(rule.test(user, case) if hasattr(rule, "test") else rule(user, case))


def amend(
    case: ObjectionCase, action: str, *, by: User, fields: Mapping[str, Any], data: dict[str, Any] | None = None
) -> ObjectionCase:
    """Take a step of ``AMENDMENTS`` on ``case`` in the caller's transaction (or one of its own): lock the row,
    check the table, save ``fields`` and audit what they were and became."""
    with transaction.atomic():
        case.refresh_from_db(from_queryset=ObjectionCase.objects.select_for_update())
        transition = AMENDMENTS.check(action, by, case)
        before = {name: getattr(case, name) for name in fields}
        for name, value in fields.items():
            setattr(case, name, value)
        case.save(update_fields=list(fields))
        audit.record(actor=by, verb=transition.verb, target=case, before=before, after=dict(fields), data=data)
    return case
