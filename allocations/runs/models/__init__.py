"""Allocation policies (policies.py), runs with their lines (runs.py) and the decisions a final run writes
(decisions.py) (DESIGN.md §6). Money is ``Decimal`` here and integer cents in the engine."""

from allocations.runs.models.decisions import (
    DECISION_FROZEN_FIELDS,
    Decision,
    DecisionChanged,
    DecisionQuerySet,
    Outcome,
    SentDecisionChanged,
    outcome_for,
)
from allocations.runs.models.policies import (
    AllocationPolicy,
    AreaReservation,
    FormulaWeight,
    Method,
    PolicyPot,
    RoundingUnit,
    TieBreak,
)
from allocations.runs.models.runs import (
    COMPUTED_STATES,
    AllocationLine,
    AllocationRun,
    FinalRunChanged,
    FrozenLinesQuerySet,
    FrozenRunsQuerySet,
    FrozenSplitsQuerySet,
    LineSplit,
    RunSnapshot,
    RunStatus,
)

__all__ = [
    "COMPUTED_STATES",
    "DECISION_FROZEN_FIELDS",
    "AllocationLine",
    "AllocationPolicy",
    "AllocationRun",
    "AreaReservation",
    "Decision",
    "DecisionChanged",
    "DecisionQuerySet",
    "FinalRunChanged",
    "FormulaWeight",
    "FrozenLinesQuerySet",
    "FrozenRunsQuerySet",
    "FrozenSplitsQuerySet",
    "LineSplit",
    "Method",
    "Outcome",
    "PolicyPot",
    "RoundingUnit",
    "RunSnapshot",
    "RunStatus",
    "SentDecisionChanged",
    "TieBreak",
    "outcome_for",
]
