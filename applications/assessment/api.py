"""API for the assessment (DESIGN.md §5, §10). Administrators assign reviewers, reopen reviews and read the
points (the configuration of a call is in config_api.py). Reviewers work their queue: they save and submit
reviews and declare conflicts of interest. The views are thin. They parse the request, call services.py or a
selector, and render the result. The services check the same rules as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api_errors import CONFLICT, ServiceErrorsMixin
from accounts.api_permissions import READ_METHODS, AdministratorsOnly, MinistryOnly, ReviewersOnly
from accounts.permissions import is_administrator, is_reviewer
from applications import selectors
from applications.assessment import points
from applications.assessment import selectors as assessment_selectors
from applications.assessment import services as assessment
from applications.assessment.config_api import (
    BonusRuleViewSet,
    CallAssessmentViewSet,
    CriterionViewSet,
    NeedBandViewSet,
)
from applications.assessment.serializers import (
    ERRORS,
    POINTS_TAGS,
    REVIEW_TAGS,
    SCORES,
    AssignInputSerializer,
    AssignmentDetailSerializer,
    AssignmentSerializer,
    ConflictInputSerializer,
    PointsSerializer,
    ReopenInputSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    UnassignInputSerializer,
    empty_review,
)
from applications.models import (
    Review,
    ReviewAssignment,
    ReviewScore,
)


def _review_of(assignment: ReviewAssignment) -> Review:
    """The assignment's review with its scores, or an unsaved empty draft when nothing was saved yet."""
    review = (
        Review.objects.filter(assignment=assignment)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .first()
    )
    return review or empty_review(assignment)


# --- Per application -------------------------------------------------------------------------------


class ApplicationAssessmentViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):
    nested_errors = (SCORES,)
    """The assessment of one application: its reviewers, the reviews the caller may see, and its points."""

    def get_permissions(self):
        if self.action == "reviews":
            return [MinistryOnly()]
        return [AdministratorsOnly()]

    def get_queryset(self):
        return selectors.applications_for(self.request.user).order_by("pk")

    @extend_schema(
        methods=["GET"],
        summary="Beoordelaars van een aanvraag (beheerders)",
        tags=REVIEW_TAGS,
        responses=AssignmentSerializer(many=True),
        description="Ook beëindigde toewijzingen, met de reden van een gemeld belangenconflict. " + ERRORS,
    )
    @extend_schema(
        methods=["POST"],
        summary="Beoordelaar toewijzen (beheerders)",
        tags=REVIEW_TAGS,
        request=AssignInputSerializer,
        responses={201: AssignmentSerializer, 409: CONFLICT},
        description="Alleen bij een ingediende aanvraag of een aanvraag in beoordeling (anders 409). Een "
        "beoordelaar die aan de gemeente is gelieerd of een belangenconflict meldde, kan "
        "niet (400 in `reviewer`). " + ERRORS,
    )
    @action(detail=True, methods=["get", "post"])
    def assignments(self, request, pk=None):
        application = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            serializer = AssignInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            assignment = assessment.assign_reviewer(
                application=application, by=request.user, reviewer=serializer.validated_data["reviewer"]
            )
            return Response(
                AssignmentSerializer(
                    assessment_selectors.assignments_with_context().get(pk=assignment.pk), context=context
                ).data,
                status=status.HTTP_201_CREATED,
            )
        assignments = (
            assessment_selectors.assignments_with_context()
            .filter(application=application)
            .order_by("assigned_at", "pk")
        )
        page = self.paginate_queryset(assignments)
        return self.get_paginated_response(AssignmentSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="Beoordelingen van een aanvraag",
        tags=REVIEW_TAGS,
        responses=ReviewSerializer(many=True),
        description="Beheerders zien alle beoordelingen, ook concepten. Een beoordelaar ziet zijn eigen "
        "beoordeling. De ingediende beoordelingen van de anderen ziet hij pas als hij zijn eigen "
        "beoordeling heeft ingediend. " + ERRORS,
    )
    @action(detail=True, methods=["get"])
    def reviews(self, request, pk=None):
        application = self.get_object()
        reviews = assessment_selectors.reviews_visible_to(request.user, application).order_by(
            "assignment__assigned_at", "pk"
        )
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(
            ReviewSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Puntenopbouw van een aanvraag (beheerders)",
        tags=POINTS_TAGS,
        responses=PointsSerializer,
        description="Beoordelingsscore (per criterium het gemiddelde maal de weging), behoeftescore (per "
        "indicator) en voorrangspunten (per regel). Elk onderdeel staat in `components`. De "
        "componenten tellen op tot de drie delen, en die tellen op tot `total`. Bedragen en "
        "punten zijn tekst met twee decimalen. Een beoordeelde aanvraag heeft `status: "
        "stored`: de opgeslagen opbouw. Is de aanvraag nog niet beoordeeld, dan volgt `status: "
        "provisional`. Die opbouw is berekend uit de tot nu toe ingediende scores en wordt niet "
        "opgeslagen; `meets_minimum` is dan `null`. " + ERRORS,
    )
    @action(detail=True, methods=["get"])
    def points(self, request, pk=None):
        return Response(PointsSerializer(points.current(self.get_object())).data)

    @extend_schema(
        summary="Punten herberekenen (beheerders)",
        tags=POINTS_TAGS,
        request=None,
        responses={200: PointsSerializer, 409: CONFLICT},
        description="Na een gewijzigde voorrangsregel, behoefteband of indicatorwaarde. Alleen bij een "
        "beoordeelde aanvraag (anders 409). " + ERRORS,
    )
    @action(detail=True, methods=["post"], url_path="recompute-points")
    def recompute_points(self, request, pk=None):
        application = self.get_object()
        assessment.recompute_points(application=application, by=request.user)
        return Response(PointsSerializer(points.current(application)).data)


# --- Assignments (the reviewer's queue) -----------------------------------------------------------

ASSIGNMENT_FILTERS = [
    OpenApiParameter("call", int, description="Alleen toewijzingen in deze aanvraagronde (id)."),
    OpenApiParameter("reviewer", int, description="Alleen toewijzingen van deze beoordelaar (id; beheerders)."),
    OpenApiParameter(
        "active", bool, description="Alleen lopende (true) of beëindigde (false) toewijzingen (beheerders)."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="Toewijzingen",
        tags=REVIEW_TAGS,
        parameters=ASSIGNMENT_FILTERS,
        description="Een beoordelaar krijgt zijn werkvoorraad: lopende toewijzingen, open beoordelingen "
        "eerst, met de deadline van de ronde. Een beheerder krijgt alle toewijzingen. " + ERRORS,
    ),
    retrieve=extend_schema(
        summary="Eén toewijzing",
        tags=REVIEW_TAGS,
        description="Met de aanvraag (de hele aanvraag staat op `application.url`), de criteria om te scoren "
        "en de eigen beoordeling. Een beoordelaar opent alleen zijn eigen toewijzingen. " + ERRORS,
    ),
)
class AssignmentViewSet(ServiceErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reviewers open only their own assignments (another reviewer's is a 404). Administrators read them
    all and end them. Scoring, submitting and declaring a conflict are the reviewer's own steps."""

    nested_errors = (SCORES,)
    reviewer_actions = ("submit", "conflict")

    def get_permissions(self):
        if self.action == "unassign":
            return [AdministratorsOnly()]
        if self.action in self.reviewer_actions or (
            self.action == "review" and self.request.method not in READ_METHODS
        ):
            return [ReviewersOnly()]
        return [MinistryOnly()]

    def get_serializer_class(self):
        return AssignmentDetailSerializer if self.action == "retrieve" else AssignmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ReviewAssignment.objects.none()
        user = self.request.user
        if self.action == "list":
            if is_reviewer(user):
                queryset = assessment_selectors.reviewer_queue(user).select_related("reviewer")
            else:
                queryset = assessment_selectors.assignments_with_context().order_by(
                    "application__reference", "assigned_at", "pk"
                )
            return self._filtered(queryset)
        queryset = assessment_selectors.assignments_with_context()
        return queryset if is_administrator(user) else queryset.filter(reviewer=user)

    def _filtered(self, queryset):
        params = self.request.query_params
        errors = {}
        for name in ("call", "reviewer"):
            value = params.get(name)
            if not value:
                continue
            if not (value.isdigit() and int(value) < 2**63):
                errors[name] = [_("Geef een id (een geheel getal).")]
            else:
                queryset = queryset.filter(**{"application__call_id" if name == "call" else "reviewer_id": int(value)})
        if params.get("active"):
            if params["active"] not in ("true", "false"):
                errors["active"] = [_("Kies true of false.")]
            else:
                queryset = queryset.filter(active=params["active"] == "true")
        if errors:
            raise serializers.ValidationError(errors)
        return queryset

    def _assignment_data(self, assignment: ReviewAssignment) -> dict:
        fresh = assessment_selectors.assignments_with_context().get(pk=assignment.pk)
        return AssignmentSerializer(fresh, context=self.get_serializer_context()).data

    def _review_data(self, assignment: ReviewAssignment) -> dict:
        return ReviewSerializer(_review_of(assignment), context=self.get_serializer_context()).data

    @extend_schema(
        methods=["GET"],
        summary="De beoordeling bij een toewijzing",
        tags=REVIEW_TAGS,
        responses=ReviewSerializer,
        description="De eigen beoordeling (een beheerder ziet elke beoordeling). Zolang er "
        "niets is opgeslagen, is dat een leeg concept zonder `id`. " + ERRORS,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Beoordeling als concept opslaan (beoordelaars)",
        tags=REVIEW_TAGS,
        request=ReviewInputSerializer,
        responses={200: ReviewSerializer, 409: CONFLICT},
        description="Alleen wat u meestuurt verandert. Scores van criteria die u weglaat blijven staan; "
        "`score: null` maakt een score leeg. Elke score moet een heel getal binnen de schaal van "
        "het criterium zijn. Een ingediende beoordeling ligt vast (409). " + ERRORS,
    )
    @action(detail=True, methods=["get", "put"])
    def review(self, request, pk=None):
        assignment = self.get_object()
        if request.method == "PUT":
            serializer = ReviewInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            assessment.save_review(
                assignment=assignment,
                by=request.user,
                scores=serializer.validated_data.get("scores", {}),
                overall_comment=serializer.validated_data.get("overall_comment"),
            )
        return Response(self._review_data(assignment))

    @extend_schema(
        summary="Beoordeling indienen (beoordelaars)",
        tags=REVIEW_TAGS,
        request=None,
        responses={200: ReviewSerializer, 409: CONFLICT},
        description="Elk verplicht criterium heeft een score nodig, en elke score een motivering. Wat "
        "ontbreekt, komt terug als 400 per criterium-id. Daarna ligt de beoordeling vast. "
        "Zijn alle beoordelingen binnen, dan is de aanvraag beoordeeld en worden de punten "
        "opgeslagen. Een tweede keer indienen geeft 409. " + ERRORS,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        assignment = self.get_object()
        assessment.submit_review(assignment=assignment, by=request.user)
        return Response(self._review_data(assignment))

    @extend_schema(
        summary="Belangenconflict melden (beoordelaars)",
        tags=REVIEW_TAGS,
        request=ConflictInputSerializer,
        responses={200: AssignmentSerializer, 409: CONFLICT},
        description="U wordt van de aanvraag gehaald. De beheerder ziet de reden. Na het indienen kan dit "
        "niet meer (409). " + ERRORS,
    )
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        assignment = self.get_object()
        serializer = ConflictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment.declare_conflict(assignment=assignment, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self._assignment_data(assignment))

    @extend_schema(
        summary="Beoordelaar van de aanvraag halen (beheerders)",
        tags=REVIEW_TAGS,
        request=UnassignInputSerializer,
        responses={200: AssignmentSerializer, 409: CONFLICT},
        description="Niet bij een ingediende beoordeling (heropen die eerst) en niet twee keer (409). " + ERRORS,
    )
    @action(detail=True, methods=["post"])
    def unassign(self, request, pk=None):
        assignment = self.get_object()
        serializer = UnassignInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment.unassign(assignment=assignment, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self._assignment_data(assignment))


class ReviewViewSet(ServiceErrorsMixin, viewsets.GenericViewSet):
    permission_classes = [AdministratorsOnly]
    nested_errors = (SCORES,)

    def get_queryset(self):
        return Review.objects.order_by("pk")

    @extend_schema(
        summary="Beoordeling heropenen (beheerders)",
        tags=REVIEW_TAGS,
        request=ReopenInputSerializer,
        responses={200: ReviewSerializer, 409: CONFLICT},
        description="Met een reden, die in het auditlog komt. De beoordeling wordt weer een concept. Was de "
        "aanvraag al beoordeeld, dan gaat zij terug in beoordeling en vervalt de opgeslagen "
        "puntenopbouw. Dit kan niet meer na een besluit, en niet bij een concept (409). " + ERRORS,
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        review = self.get_object()
        serializer = ReopenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment.reopen_review(review=review, by=request.user, reason=serializer.validated_data["reason"])
        return Response(ReviewSerializer(_review_of(review.assignment), context=self.get_serializer_context()).data)


def register(router) -> None:
    router.register("calls", CallAssessmentViewSet, basename="call-assessment")
    router.register(r"calls/(?P<call_id>[0-9]+)/criteria", CriterionViewSet, basename="call-criterion")
    router.register(r"calls/(?P<call_id>[0-9]+)/need-bands", NeedBandViewSet, basename="call-need-band")
    router.register(r"calls/(?P<call_id>[0-9]+)/bonus-rules", BonusRuleViewSet, basename="call-bonus-rule")
    router.register("applications", ApplicationAssessmentViewSet, basename="application-assessment")
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("reviews", ReviewViewSet, basename="review")
