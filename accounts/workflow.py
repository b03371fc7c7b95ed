"""Workflows as data: one table of (from, to, who) transitions drives both the buttons and the checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


class TransitionNotAllowed(Exception):
    """The current state forbids this step: the portal's one conflict. The API answers it with a 409 and
    ``{"detail": message, **details}`` (``accounts.api_errors``); a page shows the message as an error.

    ``details`` says what stands in the way, as JSON values (the run being computed, the changed inputs, the
    letters still to be made). The message is translated when it is shown: a lazy text in the language of
    the request that shows it."""

    status_code = 409

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None):
        self.message = message or _("Deze actie is in de huidige status niet mogelijk.")
        self.details: dict[str, Any] = details or {}
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class SamePerson(TransitionNotAllowed):
    """The four-eyes rule: the person who took one step of a decision may not take the next (approve a run
    they started, a decision on an objection they prepared, a settlement they proposed or checked). Not a
    state but a person that is refused, so the API and the pages answer it with a 403 and the message."""

    status_code = 403


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[Any, Any], bool]
    verb: str = ""  # the audit event the move records
    refused: str | None = None  # why the current state forbids it (the 409 message)
    offered: bool = True  # a step of its own (a button, an API action); False: another service takes it
    style: str = "secondary"  # how its button looks: primary, secondary or subtle
    confirm: str = ""


class Workflow:
    def __init__(self, transitions: Iterable[Transition]):
        self.transitions = {t.action: t for t in transitions}

    def get(self, action: str) -> Transition:
        try:
            return self.transitions[action]
        except KeyError as exc:
            raise TransitionNotAllowed(str(_("Onbekende actie."))) from exc

    @property
    def offered(self) -> dict[str, Transition]:
        """The transitions a person starts as a step of their own (buttons and API actions)."""
        return {action: t for action, t in self.transitions.items() if t.offered}

    def available(self, user, obj) -> list[Transition]:
        """The offered transitions this user may start now: what the page shows as buttons."""
        return [t for t in self.offered.values() if obj.status in t.sources and _allows(t, user, obj)]

    def check(self, action: str, user, obj, *, state_message: str | None = None) -> Transition:
        """Raise unless ``user`` may do ``action`` on ``obj`` in its current state.

        The caller checks visibility first (a 404 for outsiders); here a rule that says no is a 403
        and a state that forbids the step is a 409.
        """
        from django.core.exceptions import PermissionDenied

        transition = self.get(action)
        if not _allows(transition, user, obj):
            raise PermissionDenied
        if obj.status not in transition.sources:
            raise TransitionNotAllowed(state_message or transition.refused)
        return transition


def _allows(transition: Transition, user, obj) -> bool:
    rule = transition.allowed
    # django-rules predicates adapt to their number of arguments only through ``test``.
    return bool(rule.test(user, obj) if hasattr(rule, "test") else rule(user, obj))
