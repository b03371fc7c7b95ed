"""The award as the decision states it, read for accountability: its amount, its amounts per year, its
spending period and the scheme's carry-over rule, and the figures already accepted for it."""

from __future__ import annotations

from collections import defaultdict

from accounts.money import cents
from allocations.accountability import rules
from allocations.accountability.models import Statement
from allocations.objections import awards as objection_awards
from allocations.runs.models import Decision
from applications.models import Scheme


def award_of(decision: Decision) -> rules.Award:
    """The award as the decision states it: its amount, its amounts per year and its spending period; after a
    founded objection that awarded more, as the decision on the objection states it (``objections.awards``)."""
    call = decision.run.call
    per_year = objection_awards.per_year_cents(decision)
    if per_year is None:
        per_year = defaultdict(int)
        for split in decision.line.splits.all():
            per_year[split.year] += cents(split.awarded)
    return rules.Award(
        number=decision.number,
        awarded_cents=objection_awards.awarded_cents(decision),
        per_year_cents=dict(per_year),
        year_from=call.year_from,
        year_to=call.year_to,
        carry_over=call.scheme.kind == Scheme.Kind.SPECIFIC_GRANT,
    )


def needs_report(decision: Decision) -> bool:
    """An Awb subsidy's final account comes with a substantive and financial report (the letter says so); a
    SPUK is accounted for in SiSa, without one."""
    return decision.run.call.scheme.kind != Scheme.Kind.SPECIFIC_GRANT


def earlier_figures(decision: Decision) -> dict[int, rules.Figures]:
    return {s.year: figures_of(s) for s in Statement.objects.filter(decision=decision)}


def figures_of(statement: Statement) -> rules.Figures:
    return rules.Figures(
        year=statement.year,
        spent_cents=cents(statement.spent),
        to_date_cents=cents(statement.spent_to_date),
        final=statement.final,
        finished=statement.finished,
    )
