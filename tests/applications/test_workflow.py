"""The one road: every status change goes through ``applications.workflow.move`` and its table, including
the decision moves the allocation takes (award, partially award, reject, send the letter)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.workflow import TransitionNotAllowed
from applications.models import Application, ReviewAssignment, Status
from applications.transitions import WORKFLOW
from applications.workflow import move, move_each
from tests.factories import ApplicationFactory

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = {
    "award": Status.AWARDED,
    "partially_award": Status.PARTIALLY_AWARDED,
    "reject": Status.REJECTED,
}
DECIDED = (Status.AWARDED, Status.PARTIALLY_AWARDED, Status.REJECTED)


def application_in(state: str, municipality) -> Application:
    return ApplicationFactory(status=state, municipality=municipality, submitted_at=timezone.now())


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "target"), DECISIONS.items())
def test_an_administrator_decides_a_reviewed_application(administrator, municipality, action, target):
    application = application_in(Status.REVIEWED, municipality)

    moved = move(application, action, by=administrator, data={"run": 7})

    assert moved.status == target
    application.refresh_from_db()
    assert application.status == target
    event = AuditEvent.objects.get(verb=f"application.{target}")
    assert event.actor == administrator
    assert event.target_id == str(application.pk)
    assert event.data["before"] == {"status": Status.REVIEWED}
    assert event.data["after"] == {"status": target}
    assert event.data["run"] == 7


@pytest.mark.django_db
def test_many_decisions_take_the_same_road_in_a_fixed_number_of_queries(administrator, municipality):
    """``move_each`` checks every step against the table, writes the statuses and records one audit event per
    application, as ``move`` does, and costs the same number of queries for 3 or 9 applications."""
    costs = []
    for count in (3, 9):
        applications = [application_in(Status.REVIEWED, municipality) for _ in range(count)]
        actions = [list(DECISIONS)[i % 3] for i in range(count)]
        with CaptureQueriesContext(connection) as queries:
            moved = move_each(
                [(a, action, {"run": i}) for i, (a, action) in enumerate(zip(applications, actions, strict=True))],
                by=administrator,
            )
        costs.append(len(queries.captured_queries))
        for i, (application, action) in enumerate(zip(applications, actions, strict=True)):
            application.refresh_from_db()
            assert application.status == DECISIONS[action] == moved[i].status
            event = AuditEvent.objects.get(target_id=str(application.pk), verb=f"application.{DECISIONS[action]}")
            assert (event.actor, event.data["run"]) == (administrator, i)
            assert event.data["before"] == {"status": Status.REVIEWED}
    assert costs[0] == costs[1]


@pytest.mark.django_db
def test_one_step_that_is_not_allowed_stops_them_all(administrator, municipality):
    ready = application_in(Status.REVIEWED, municipality)
    early = application_in(Status.SUBMITTED, municipality)
    with pytest.raises(TransitionNotAllowed):
        move_each([(ready, "award", None), (early, "award", None)], by=administrator)
    ready.refresh_from_db()
    early.refresh_from_db()
    assert (ready.status, early.status) == (Status.REVIEWED, Status.SUBMITTED)
    assert not AuditEvent.objects.filter(verb="application.awarded").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("decided", DECIDED)
def test_the_letter_is_sent_after_any_decision(administrator, municipality, decided):
    application = application_in(decided, municipality)
    edited = (application.updated_by_id, application.updated_at)
    now = timezone.now()

    move(application, "send_letter", by=administrator, now=now)

    application.refresh_from_db()
    # A ministry action is no edit of the content: "Laatst bewerkt door" keeps the officer's edit.
    assert (application.status, application.updated_by_id, application.updated_at) == (Status.LETTER_SENT, *edited)
    event = AuditEvent.objects.get(verb="application.letter_sent")
    assert (event.data["before"], event.data["after"]) == ({"status": decided}, {"status": Status.LETTER_SENT})


FORBIDDEN = [
    (action, state)
    for action in [*DECISIONS, "send_letter"]
    for state in Status.values
    if state != Status.DRAFT and state not in (DECIDED if action == "send_letter" else (Status.REVIEWED,))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state"), FORBIDDEN)
def test_a_decision_from_another_state_is_a_conflict(administrator, municipality, action, state):
    application = application_in(state, municipality)

    with pytest.raises(TransitionNotAllowed):
        move(application, action, by=administrator)

    application.refresh_from_db()
    assert application.status == state
    assert not AuditEvent.objects.filter(verb__startswith="application.").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("action", [*DECISIONS, "send_letter"])
def test_officers_and_reviewers_may_not_decide(officer, reviewer, administrator, action):
    source = Status.AWARDED if action == "send_letter" else Status.REVIEWED
    application = application_in(source, officer.municipality)
    ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, assigned_by=administrator, assigned_at=timezone.now()
    )

    for user in (officer, reviewer):  # both may see it; neither may decide
        with pytest.raises(PermissionDenied):
            move(application, action, by=user)

    application.refresh_from_db()
    assert application.status == source


@pytest.mark.django_db
def test_an_officer_of_another_municipality_does_not_find_the_application(other_officer, municipality):
    application = application_in(Status.REVIEWED, municipality)

    with pytest.raises(Http404):
        move(application, "award", by=other_officer)


def test_decisions_are_not_offered_as_buttons_or_api_actions():
    offered = set(WORKFLOW.offered)
    assert offered == {"submit", "withdraw", "request_information", "start_review"}
    assert {"complete_review", "reopen_review", *DECISIONS, "send_letter"} <= set(WORKFLOW.transitions)


def test_every_move_of_the_lifecycle_is_in_the_table():
    moves = {(source, t.target) for t in WORKFLOW.transitions.values() for source in t.sources}
    assert moves == {
        (Status.DRAFT, Status.SUBMITTED),
        (Status.INFO_REQUESTED, Status.SUBMITTED),
        (Status.SUBMITTED, Status.INFO_REQUESTED),
        (Status.IN_REVIEW, Status.INFO_REQUESTED),
        (Status.INFO_REQUESTED, Status.IN_REVIEW),
        (Status.DRAFT, Status.WITHDRAWN),
        (Status.SUBMITTED, Status.WITHDRAWN),
        (Status.INFO_REQUESTED, Status.WITHDRAWN),
        (Status.SUBMITTED, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.REVIEWED),
        (Status.REVIEWED, Status.IN_REVIEW),
        (Status.REVIEWED, Status.AWARDED),
        (Status.REVIEWED, Status.PARTIALLY_AWARDED),
        (Status.REVIEWED, Status.REJECTED),
        (Status.AWARDED, Status.LETTER_SENT),
        (Status.PARTIALLY_AWARDED, Status.LETTER_SENT),
        (Status.REJECTED, Status.LETTER_SENT),
    }
    assert all(t.verb.startswith("application.") for t in WORKFLOW.transitions.values())


def _status_assignments(path: Path) -> list[int]:
    """Lines that assign an application's status: ``x.status = ...`` on an application or with an
    application state, and ``.update(status=...)`` with an application state."""
    tree = ast.parse(path.read_text(), filename=str(path))

    def application_state(node: ast.AST) -> bool:
        text = ast.unparse(node)
        return text.startswith(("Status.", "Application.Status.")) or text.endswith("transition.target")

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    owner = ast.unparse(target.value).lower()
                    if "application" in owner or (node.value is not None and application_state(node.value)):
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
            if any(k.arg == "status" and application_state(k.value) for k in node.keywords):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and ast.unparse(node.func) == "setattr"
            and len(node.args) > 1
            and ast.unparse(node.args[1]) in ("'status'", '"status"')
        ):
            lines.append(node.lineno)
    return lines


def test_nothing_but_the_workflow_assigns_an_application_status():
    found = {}
    for package in ("accounts", "applications", "allocations", "nplvportal", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            lines = _status_assignments(path)
            if lines:
                found[str(path.relative_to(ROOT))] = lines
    # The money half's one road (allocations/lifecycle.py) assigns the status of the object it moves: a run, a
    # letter job or an export job, never an application.
    assert set(found) == {"applications/workflow.py", "allocations/lifecycle.py"}, found
    from allocations.exports import transitions as export_transitions
    from allocations.letters import transitions as letter_transitions
    from allocations.lifecycle import Lifecycle
    from allocations.runs import transitions as run_transitions

    lifecycles = [
        value
        for module in (run_transitions, letter_transitions, export_transitions)
        for value in vars(module).values()
        if isinstance(value, Lifecycle)
    ]
    assert len(lifecycles) >= 3
    assert all(lifecycle.model is not Application for lifecycle in lifecycles)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["complete_review", "reopen_review", *DECISIONS, "send_letter"])
def test_moves_taken_by_other_services_have_no_page_action(administrator_client, municipality, action):
    from django.urls import reverse

    application = application_in(Status.REVIEWED, municipality)

    response = administrator_client.post(reverse("application_transition", args=[application.pk, action]))

    assert response.status_code == 404
    application.refresh_from_db()
    assert application.status == Status.REVIEWED
