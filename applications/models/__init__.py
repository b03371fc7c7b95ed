"""Intake data: schemes and calls (calls.py), applications with their parts (applications.py),
their assessment (reviews.py), and the published versions of each call's rules (rules.py)."""

from applications.models.applications import (
    CONTENT_FIELDS,
    EDITABLE_STATES,
    MONEY_FIELDS,
    Application,
    ApplicationDocument,
    Attachment,
    BudgetLine,
    InformationRequest,
    ReferenceCounter,
    Status,
)
from applications.models.calls import MONEY, Call, CallQuerySet, RequiredAttachment, Scheme, Theme
from applications.models.reviews import (
    AssessmentSettings,
    BonusRule,
    Criterion,
    NeedBand,
    PointsBreakdown,
    PointsComponent,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from applications.models.rules import RulesVersion

__all__ = [
    "CONTENT_FIELDS",
    "EDITABLE_STATES",
    "MONEY",
    "MONEY_FIELDS",
    "Application",
    "ApplicationDocument",
    "AssessmentSettings",
    "Attachment",
    "BonusRule",
    "BudgetLine",
    "Call",
    "CallQuerySet",
    "Criterion",
    "InformationRequest",
    "NeedBand",
    "PointsBreakdown",
    "PointsComponent",
    "ReferenceCounter",
    "RequiredAttachment",
    "Review",
    "ReviewAssignment",
    "ReviewScore",
    "RulesVersion",
    "Scheme",
    "Status",
    "Theme",
]
