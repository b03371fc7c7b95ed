"""The queries objection pages and the API read, each a fixed number of queries however many cases there are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from accounts.models import Municipality
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines
from allocations.objections.models import ObjectionCase, ObjectionQuerySet
from allocations.runs.models import AllocationLine, Decision


def cases_for(user) -> ObjectionQuerySet:
    """The cases ``user`` may see (``ObjectionCase.objects.visible_to``), with what a list row reads."""
    return (
        ObjectionCase.objects.visible_to(user)
        .select_related("decision__application__municipality", "decision__application__call", "objector")
        .order_by("-lodged_at", "-pk")
    )


def visible_case(pk: int, *, viewer) -> ObjectionCase:
    """One case ``viewer`` may see, for its page and its API; a 404 for any other."""
    cases = cases_for(viewer).select_related("lodged_by", "decided_by").prefetch_related("invited")
    return get_object_or_404(cases, pk=pk)


def objectable_decision(application, *, viewer) -> Decision | None:
    """The decision on ``application`` that ``viewer``'s municipality may object to in the portal: sent, and its
    own. ``None`` for anyone else, so the page shows no button."""
    if not (getattr(viewer, "is_officer", False) and viewer.municipality_id == application.municipality_id):
        return None
    return (
        Decision.objects.filter(application=application, sent_at__isnull=False)
        .select_related("application__municipality")
        .first()
    )


def decision_by_number(number: str, *, viewer) -> Decision | None:
    """A decision by its number among those ``viewer`` may object to or register an objection against: ministry
    staff any, an officer their own municipality's. A number outside that is simply unknown."""
    decisions = Decision.objects.filter(number=(number or "").strip()).select_related("application__municipality")
    if not getattr(viewer, "is_ministry", False):
        decisions = decisions.filter(application__municipality_id=getattr(viewer, "municipality_id", None) or 0)
    return decisions.first()


def interested_parties(case: ObjectionCase) -> list[Municipality]:
    """The competing municipalities of the decision's run whose award could change if the objection succeeds
    (Awb 7:2; Rb. Midden-Nederland, ECLI:NL:RBMNE:2014:4679): every other municipality with a line taken into
    the run, in rank order. The objector is invited anyway."""
    lines = (
        AllocationLine.objects.filter(run_id=case.decision.run_id, included=True)
        .exclude(application__municipality_id=case.objector_id)
        .select_related("application__municipality")
        .order_by("rank", "application__municipality__name")
    )
    seen: dict[int, Municipality] = {}
    for line in lines:
        seen.setdefault(line.application.municipality_id, line.application.municipality)
    return list(seen.values())


@dataclass(frozen=True)
class BoardRow:
    case: ObjectionCase
    kind: str  # "repair" or "decision"
    deadline: datetime.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def deadline_board(user, *, now: datetime.datetime | None = None) -> list[BoardRow]:
    """Every open case ``user`` may see with its next deadline and the days left, overdue first, then the
    nearest deadline first. The deadlines are computed (``deadlines``), never stored, so they sort here."""
    today = local_today(now)
    rows = []
    for case in cases_for(user).open():
        kind, deadline = case.next_deadline()
        rows.append(BoardRow(case=case, kind=kind, deadline=deadline, days_left=deadlines.days_left(deadline, today)))
    rows.sort(key=lambda row: (not row.overdue, row.deadline, row.case.number))
    return rows


def register_cases(user, *, year: int | None = None) -> ObjectionQuerySet:
    """The cases of the objections register, in order of receipt: those received in ``year``, or all. One query,
    with what a row reads (the decision, the objector, the re-run it was decided on)."""
    cases = (
        ObjectionCase.objects.visible_to(user)
        .select_related("decision", "objector", "reconsideration")
        .order_by("received_on", "number")
    )
    return cases.filter(received_on__year=year) if year else cases


def years_received(user) -> list[int]:
    """The years in which the cases ``user`` may see were received, newest first: the register's filter."""
    dates = ObjectionCase.objects.visible_to(user).dates("received_on", "year", order="DESC")
    return [day.year for day in dates]


def letters_of_case(case: ObjectionCase, *, viewer) -> list:
    """The letters of ``case`` that ``viewer`` may see (``ObjectionLetter.objects.visible_to``), in the order they
    were made: one query."""
    from allocations.objections.letter_models import ObjectionLetter

    return list(
        ObjectionLetter.objects.visible_to(viewer).filter(case=case).select_related("case").order_by("created_at", "pk")
    )


def visible_letter(pk: int, *, viewer, case: ObjectionCase | None = None):
    """One letter ``viewer`` may see (of ``case`` when given), for its download and its API; a 404 for any other."""
    from allocations.objections.letter_models import ObjectionLetter

    letters = ObjectionLetter.objects.visible_to(viewer).select_related("case__objector")
    if case is not None:
        letters = letters.filter(case=case)
    return get_object_or_404(letters, pk=pk)


def revoking_case(decision: Decision) -> ObjectionCase | None:
    """The closed, (partly) founded case whose decision on the objection revoked ``decision`` (Awb 7:11), if any:
    what the application page prints as "herroepen door"."""
    from allocations.objections.models import FOUNDED, CaseStatus

    return (
        ObjectionCase.objects.filter(decision=decision, status=CaseStatus.CLOSED, outcome__in=FOUNDED)
        .order_by("decided_at", "pk")
        .first()
    )
