"""API representations of the assessment (assignments, reviews and points), the input the assessment API
accepts, and how its errors look.

Reviews and assignments are only parsed here: their rules live in services.py, so the API and the pages
refuse the same things with the same words. The points are rendered from points.current(), the object the
points page shows too. The configuration of a call is in config_serializers.py.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api_errors import Nested
from accounts.models import User
from applications.assessment.config_serializers import POINTS, CriterionSerializer
from applications.models import (
    Application,
    PointsComponent,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from applications.serializers import MoneyField

ERRORS = (
    'Fouten: 400 met `{"veld": ["melding"]}` (in de taal van `Accept-Language`, standaard Nederlands; '
    '`non_field_errors` voor het geheel; fouten in scores per criterium-id: `{"scores": {"12": '
    '{"score": ["…"]}}}`), 404 voor iets buiten uw bereik (zoals de toewijzing van een andere '
    "beoordelaar), 403 voor een rol die deze handeling niet mag doen, 409 als de huidige status de "
    "handeling niet toelaat."
)
CONFIG_TAGS = ["beoordelingsinstellingen"]
REVIEW_TAGS = ["beoordelingen"]
POINTS_TAGS = ["punten"]
# Service keys scores.<criterion id>.<field> nest by criterion id (not a position: a submit has no list).
SCORES = Nested("scores", "scores", lone_field="criterion")

# --- Configuration of a call -----------------------------------------------------------------------


# --- Assignments -----------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "email"]
        read_only_fields = fields


class ApplicationSummarySerializer(serializers.ModelSerializer):
    """What a reviewer needs beside the scoring form; the whole application (budget, attachments) is at
    ``url``."""

    # A plain string: the status enum belongs to the Application component, and sharing it would give
    # the enum a generated name in the schema.
    status = serializers.CharField(read_only=True, help_text="Status van de aanvraag, zoals bij Application.")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    requested_amount = MoneyField(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "title",
            "status",
            "status_display",
            "call",
            "call_title",
            "municipality",
            "municipality_name",
            "area_name",
            "requested_amount",
            "submitted_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, application: Application) -> str:
        path = reverse("application-detail", kwargs={"pk": application.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


NOT_STARTED = "not_started"
CONFLICT_DECLARED = "conflict_declared"
REVIEW_PROGRESS = [
    (NOT_STARTED, gettext_lazy("Nog niet begonnen")),
    *Review.Status.choices,
    (CONFLICT_DECLARED, gettext_lazy("Belangenconflict gemeld")),
]


class AssignmentSerializer(serializers.ModelSerializer):
    application = ApplicationSummarySerializer(read_only=True)
    reviewer = PersonSerializer(read_only=True)
    deadline = serializers.SerializerMethodField()
    review_progress = serializers.SerializerMethodField()
    review_submitted_at = serializers.SerializerMethodField()

    class Meta:
        model = ReviewAssignment
        fields = [
            "id",
            "application",
            "reviewer",
            "active",
            "assigned_at",
            "deadline",
            "review_progress",
            "review_submitted_at",
            "conflict_reason",
            "conflict_declared_at",
            "unassigned_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _review(assignment: ReviewAssignment) -> Review | None:
        try:
            return assignment.review
        except ObjectDoesNotExist:
            return None

    @extend_schema_field(serializers.DateTimeField(allow_null=True, help_text="Deadline van de ronde."))
    def get_deadline(self, assignment: ReviewAssignment) -> datetime.datetime | None:
        try:
            deadline = assignment.application.call.assessment.review_deadline
        except ObjectDoesNotExist:
            return None
        return serializers.DateTimeField().to_representation(deadline) if deadline else None

    @extend_schema_field(serializers.ChoiceField(choices=REVIEW_PROGRESS))
    def get_review_progress(self, assignment: ReviewAssignment) -> str:
        if assignment.conflict_declared_at is not None:
            return CONFLICT_DECLARED
        review = self._review(assignment)
        return review.status if review else NOT_STARTED

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_review_submitted_at(self, assignment: ReviewAssignment) -> datetime.datetime | None:
        review = self._review(assignment)
        if review is None or review.submitted_at is None:
            return None
        return serializers.DateTimeField().to_representation(review.submitted_at)


class ScoreSerializer(serializers.ModelSerializer):
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)

    class Meta:
        model = ReviewScore
        fields = ["criterion", "criterion_name", "score", "motivation"]
        read_only_fields = fields


def empty_review(assignment: ReviewAssignment) -> Review:
    """What a reviewer sees before saving anything: an unsaved draft without id or times."""
    return Review(assignment=assignment, created_at=None, updated_at=None)


class ReviewSerializer(serializers.ModelSerializer):
    """A review with its scores. ``id`` is empty while the reviewer has not saved anything yet."""

    id = serializers.IntegerField(read_only=True, allow_null=True)
    assignment = serializers.IntegerField(source="assignment_id", read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewer = PersonSerializer(source="assignment.reviewer", read_only=True)
    own = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "assignment",
            "reviewer",
            "own",
            "status",
            "status_display",
            "overall_comment",
            "scores",
            "updated_at",
            "submitted_at",
            "reopened_at",
            "reopen_reason",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(help_text="Of dit uw eigen beoordeling is."))
    def get_own(self, review: Review) -> bool:
        request = self.context.get("request")
        return bool(request and review.assignment.reviewer_id == request.user.pk)

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, review: Review) -> list[dict]:
        if review.pk is None:
            return []
        return ScoreSerializer(review.scores.all(), many=True).data


class AssignmentDetailSerializer(AssignmentSerializer):
    """An assignment as its reviewer opens it: the application, the criteria to score and their own
    review (empty until first saved)."""

    criteria = CriterionSerializer(source="application.call.criteria", many=True, read_only=True)
    review = serializers.SerializerMethodField()

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "criteria", "review"]
        read_only_fields = fields

    @extend_schema_field(ReviewSerializer)
    def get_review(self, assignment: ReviewAssignment) -> dict:
        review = self._review(assignment) or empty_review(assignment)
        return ReviewSerializer(review, context=self.context).data


class AssignInputSerializer(serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), help_text="Id van een actieve beoordelaar die niet aan de gemeente is gelieerd."
    )


class AutoAssignInputSerializer(serializers.Serializer):
    per_application = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        help_text="Beoordelaars per aanvraag; leeg: het aantal uit de beoordelingsinstellingen van de ronde.",
    )


class AutoAssignResultSerializer(serializers.Serializer):
    assignments = AssignmentSerializer(many=True, help_text="De toewijzingen die nu zijn gemaakt.")
    shortfalls = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Per aanvraagkenmerk hoeveel beoordelaars nog ontbreken (er waren geen geschikte meer).",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


def _required_reason(message, **kwargs):
    """A reason the API refuses blank (also only spaces), and the schema says so: required, at least one
    character that is not a space."""
    return serializers.CharField(
        max_length=2000,
        validators=[RegexValidator(r"\S", message=message)],
        error_messages={"required": message, "blank": message, "null": message},
        **kwargs,
    )


class ConflictInputSerializer(ReasonSerializer):
    reason = _required_reason(
        gettext_lazy("Beschrijf het belangenconflict."),
        help_text="Waarom u deze aanvraag niet kunt beoordelen (verplicht).",
    )


class ReopenInputSerializer(ReasonSerializer):
    reason = _required_reason(
        gettext_lazy("Geef een reden om de beoordeling te heropenen."),
        help_text="Waarom de beoordeling weer open moet (verplicht; komt in het auditlog).",
    )


class UnassignInputSerializer(ReasonSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        default="",
        help_text="Waarom de beoordelaar van deze aanvraag wordt gehaald.",
    )


# --- Review input ----------------------------------------------------------------------------------


class ScoreInputSerializer(serializers.Serializer):
    """One criterion's score and written motivation."""

    criterion = serializers.IntegerField(help_text="Id van een criterium van de ronde.")
    score = serializers.IntegerField(
        required=False, allow_null=True, help_text="Een heel getal binnen de schaal; null maakt de score leeg."
    )
    motivation = serializers.CharField(required=False, allow_blank=True, max_length=5000)


@extend_schema_field(ScoreInputSerializer(many=True))
class ScoresField(serializers.Field):
    """A list of ``{criterion, score, motivation}``, parsed into what the service takes:
    ``{criterion_id: {"score": ..., "motivation": ...}}``. Only the shape is checked here; whole numbers
    and the scale are checked by the service, with the words the scoring page uses. Problems with one
    criterion come back under its id, the same as the service's."""

    default_error_messages = {
        "not_a_list": gettext_lazy("Stuur de scores als een lijst met per criterium criterion, score en motivation."),
        "no_criterion": gettext_lazy("Elke score noemt het id van een criterium in 'criterion'."),
    }

    def to_internal_value(self, data) -> dict[int, dict]:
        if not isinstance(data, list):
            self.fail("not_a_list")
        parsed: dict[int, dict] = {}
        errors: dict[str, dict] = {}
        for item in data:
            key = item.get("criterion") if isinstance(item, dict) else None
            if isinstance(key, bool) or not (isinstance(key, int) or str(key).isdigit()):
                self.fail("no_criterion")
            key = int(key)
            problems: dict[str, list[str]] = {}
            if key in parsed:
                problems["criterion"] = [_("Dit criterium staat meer dan één keer in de lijst.")]
            score = item.get("score")
            if isinstance(score, bool) or not (score is None or isinstance(score, int | str | float)):
                problems["score"] = [_("Vul een heel getal in.")]
            motivation = item.get("motivation", "")
            if motivation is None:
                motivation = ""
            if not isinstance(motivation, str):
                problems["motivation"] = [_("Geef de motivering als tekst.")]
            elif len(motivation) > 5000:
                problems["motivation"] = [_("De motivering is te lang (maximaal 5000 tekens).")]
            if problems:
                errors[str(key)] = problems
                continue
            score = str(score) if isinstance(score, float) else score  # 7.5 gets the service's message
            parsed[key] = {"score": score, "motivation": motivation}
        if errors:
            raise serializers.ValidationError(errors)
        return parsed

    def to_representation(self, value):
        return value


class ReviewInputSerializer(serializers.Serializer):
    """A draft review. Only what is sent changes: scores of criteria left out stay as they were."""

    overall_comment = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="Algemene toelichting; weglaten laat haar ongewijzigd.",
    )
    scores = ScoresField(required=False, help_text="Scores per criterium; alleen de meegestuurde veranderen.")


# --- Points ----------------------------------------------------------------------------------------


DETAIL_HELP = (
    "Getallen als tekst. Criterium: `mean`, `weight`, `scores` (lijst), `spread` (null zonder scores). "
    "Indicator: `value` (null zonder gegevens), `status` (`ok` of `no_data`) en `year` (het peiljaar, als dat "
    "er is). Voorrangsregel: `qualifies`, "
    "`threshold_met` (waar/onwaar) en `min_reviewer_score`."
)


class PointsComponentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PointsComponent.Kind.choices)
    kind_display = serializers.CharField()
    key = serializers.CharField(help_text="criterion-<id>, de code van de indicator of bonus-<id>.")
    label = serializers.CharField()
    points = serializers.DecimalField(**POINTS)
    flagged = serializers.BooleanField(help_text="Grote spreiding tussen beoordelaars op dit criterium.")
    explanation = serializers.CharField(help_text="Uitleg in één regel, bijvoorbeeld 'Geen gegevens'.")
    detail = serializers.DictField(help_text=DETAIL_HELP)


class PointsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[("stored", gettext_lazy("Vastgelegd")), ("provisional", gettext_lazy("Voorlopig"))],
        help_text="stored: vastgelegd toen de beoordeling compleet was (of herberekend). provisional: de "
        "aanvraag is nog niet beoordeeld; berekend uit de tot nu toe ingediende scores, "
        "niet opgeslagen.",
    )
    application = serializers.IntegerField(source="application_id")
    reference = serializers.CharField()
    reviewer_score = serializers.DecimalField(**POINTS, help_text="Som van de criteria.")
    need_score = serializers.DecimalField(**POINTS, help_text="Som van de indicatoren.")
    bonus_score = serializers.DecimalField(**POINTS, help_text="Som van de voorrangsregels.")
    total = serializers.DecimalField(**POINTS, help_text="Beoordelingsscore + behoeftescore + voorrang.")
    review_count = serializers.IntegerField(help_text="Aantal ingediende beoordelingen dat meetelt.")
    spread_flagged = serializers.BooleanField()
    meets_minimum = serializers.BooleanField(
        source="verdict", allow_null=True, help_text="Leeg bij een voorlopige berekening."
    )
    minimum_reason = serializers.CharField(source="verdict_reason", allow_blank=True)
    computed_at = serializers.DateTimeField(allow_null=True, help_text="Leeg bij een voorlopige berekening.")
    components = PointsComponentSerializer(many=True)
