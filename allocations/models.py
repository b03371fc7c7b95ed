"""The models of the money half, defined per room (runs, letters, exports, accountability, objections,
payments) and gathered here for Django."""

from allocations.accountability.models import ImportBatch, Reminder, Statement
from allocations.exports.models import ExportJob
from allocations.letters.models import BatchStatus, JobStatus, Letter, LetterBatch, LetterJob, LetterText
from allocations.objections.letter_models import ObjectionLetter
from allocations.objections.models import ObjectionCase, TermReminder
from allocations.objections.rescoring_models import ReopenedScoring, Rescore, RescoreScore
from allocations.payments.models import Instalment, InstalmentStatus, PaidSource
from allocations.runs.models import (
    AllocationLine,
    AllocationPolicy,
    AllocationRun,
    AreaReservation,
    Decision,
    FormulaWeight,
    LineSplit,
    Method,
    Outcome,
    PolicyPot,
    RoundingUnit,
    RunSnapshot,
    RunStatus,
    TieBreak,
)
from allocations.runs.reconsideration_models import Reconsideration
from allocations.settlements.models import (
    SetOff,
    Settlement,
    SettlementBatch,
    SettlementDocument,
    SettlementGround,
    SettlementJob,
    SettlementStatus,
)

__all__ = [
    "AllocationLine",
    "AllocationPolicy",
    "AllocationRun",
    "AreaReservation",
    "BatchStatus",
    "Decision",
    "ExportJob",
    "FormulaWeight",
    "ImportBatch",
    "Instalment",
    "InstalmentStatus",
    "JobStatus",
    "Letter",
    "LetterBatch",
    "LetterJob",
    "LetterText",
    "LineSplit",
    "Method",
    "ObjectionCase",
    "ObjectionLetter",
    "Outcome",
    "PaidSource",
    "PolicyPot",
    "Reconsideration",
    "Reminder",
    "ReopenedScoring",
    "Rescore",
    "RescoreScore",
    "RoundingUnit",
    "RunSnapshot",
    "RunStatus",
    "SetOff",
    "Settlement",
    "SettlementBatch",
    "SettlementDocument",
    "SettlementGround",
    "SettlementJob",
    "SettlementStatus",
    "Statement",
    "TermReminder",
    "TieBreak",
]
