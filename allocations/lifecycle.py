"""One road for every status change of the money half's objects (a run, a letter job, an export job): lock
the row, check the object's lifecycle table, write the new status with the step's fields, and record the
step's audit event. It is ``applications.workflow.move`` for the application, written once for every kind.

Each kind declares its table (``runs/transitions.py``, ``letters/transitions.py``, ``exports/transitions.py``)
and a ``Lifecycle`` over it; its ``move`` is the only place that assigns that kind's ``status``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from django.db import models, transaction

from accounts import audit
from accounts.models import User
from accounts.workflow import Workflow

M = TypeVar("M", bound=models.Model)


def by_the_system(user: User | None, obj: Any) -> bool:
    """A step that only the system takes (a worker, a sweeper): no person starts it."""
    return user is None


class Lifecycle(Generic[M]):
    """A model's lifecycle table and its one ``move``."""

    def __init__(self, model: type[M], workflow: Workflow):
        self.model = model
        self.workflow = workflow

    def target(self, action: str) -> str:
        return self.workflow.get(action).target

    def sources(self, action: str) -> tuple[str, ...]:
        return self.workflow.get(action).sources

    def move(
        self,
        obj: M,
        action: str,
        *,
        by: User | None = None,
        fields: Mapping[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        locked: bool = False,
    ) -> M:
        """Take ``action`` on ``obj``: the table decides (a 403 for a rule that says no, ``TransitionNotAllowed``,
        a 409, for a state that forbids it), then the status and ``fields`` are saved and the step's verb, if
        it has one, is audited. ``locked``: the caller already holds the row's lock in its transaction and
        ``obj`` is that row; otherwise the row is locked and ``obj`` refreshed from it first."""
        if transaction.get_connection().in_atomic_block:
            return self._move(obj, action, by, fields or {}, data, locked)
        with transaction.atomic():
            return self._move(obj, action, by, fields or {}, data, locked)

    def _move(self, obj: M, action: str, by, fields: Mapping[str, Any], data, locked: bool) -> M:
        if not locked:
            obj.refresh_from_db(from_queryset=self.model._default_manager.select_for_update())
        transition = self.workflow.check(action, by, obj)
        previous = obj.status  # type: ignore[attr-defined]
        obj.status = transition.target  # type: ignore[attr-defined]
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.save(update_fields=["status", *fields])
        if transition.verb:
            audit.record(
                actor=by,
                verb=transition.verb,
                target=obj,
                before={"status": previous},
                after={"status": obj.status},  # type: ignore[attr-defined]
                data=data,
            )
        return obj

    def move_each(
        self, objs: Iterable[M], action: str, *, by: User | None = None, fields: Mapping[str, Any] | None = None
    ) -> list[M]:
        """The same step for many rows the caller has locked (or owns, inside its transaction), in one
        statement: every row is checked against the table before any is written. Audits nothing: for steps
        whose event the caller records once for all (reopening a batch's failed letter jobs)."""
        objs = list(objs)
        for obj in objs:
            transition = self.workflow.check(action, by, obj)
            obj.status = transition.target  # type: ignore[attr-defined]
            for name, value in (fields or {}).items():
                setattr(obj, name, value)
        if objs:
            self.model._default_manager.bulk_update(objs, ["status", *(fields or {})])
        return objs
