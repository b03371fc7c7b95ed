"""API representations of applications, and the input the API accepts.

Application input is only parsed here; the rules and their Dutch messages live in the services, so the
API and the pages refuse the same things with the same words. Schemes and calls are in
applications/config_serializers.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.audit_verbs import describe
from accounts.permissions import is_officer
from applications.models import (
    CONTENT_FIELDS,
    MONEY_FIELDS,
    Application,
    Attachment,
    BudgetLine,
    Call,
    InformationRequest,
    RequiredAttachment,
)
from applications.permissions import can_edit_application
from applications.transitions import WORKFLOW
from applications.visibility import STATUS_CHOICES, shown_status, shown_status_label


class MoneyField(serializers.DecimalField):
    """Euros as a string with two decimals ("1234.56"). Input is handed to the service unchanged, which
    checks it (positive, at most two decimals, within the call's maximum) with the portal's own messages."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        return str(data) if isinstance(data, float) else data


# --- Applications ----------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.ModelSerializer):
    theme = serializers.IntegerField(
        source="theme_id", help_text="Id van een bestedingsdoel van de regeling van de ronde."
    )
    theme_name = serializers.CharField(source="theme.name", read_only=True)
    year = serializers.IntegerField(help_text="Een jaar binnen de looptijd van de ronde.")
    amount = MoneyField()
    description = serializers.CharField(required=False, allow_blank=True, max_length=255)

    class Meta:
        model = BudgetLine
        fields = ["theme", "theme_name", "year", "amount", "description"]


class WholeBudgetLines(serializers.ListSerializer):
    """Each budget line is whole, even in a PATCH (which would otherwise make every nested field optional)."""

    def to_internal_value(self, data):
        lines = serializers.ListSerializer(child=BudgetLineSerializer(), data=data)
        lines.is_valid(raise_exception=True)
        return lines.validated_data


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    format = serializers.CharField(source="file_format", read_only=True, help_text="pdf, xlsx of docx.")
    requirement_name = serializers.CharField(source="requirement.name", read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "format",
            "size",
            "sha256",
            "requirement",
            "requirement_name",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, attachment: Attachment) -> str:
        path = reverse(
            "application-attachment", kwargs={"pk": attachment.application_id, "attachment_id": attachment.pk}
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        allow_null=True,
        allow_empty_file=True,
        help_text="PDF (of XLSX/DOCX als de ronde dat toestaat); het formaat wordt aan de inhoud herkend.",
    )
    requirement = serializers.PrimaryKeyRelatedField(
        queryset=RequiredAttachment.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id van de verplichte bijlage waarvoor dit bestand dient (zie de ronde).",
    )


class InformationRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = InformationRequest
        fields = ["id", "message", "requested_at", "reply_by", "answered_at"]
        read_only_fields = fields


ACTIONS = [(t.action, t.label) for t in WORKFLOW.offered.values()]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application with its budget, attachments and the steps the caller may take now."""

    status = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    call_title = serializers.CharField(source="call.title", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="cbs_code", read_only=True)
    requested_amount = MoneyField(read_only=True, allow_null=True)
    cofinancing_amount = MoneyField(read_only=True, allow_null=True)
    budget_lines = BudgetLineSerializer(many=True, read_only=True)
    budget_total = MoneyField(read_only=True)
    cofinancing_pct = serializers.DecimalField(
        max_digits=None,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="Cofinanciering als percentage van het aangevraagde bedrag.",
    )
    attachments = AttachmentSerializer(many=True, read_only=True)
    information_requests = InformationRequestSerializer(many=True, read_only=True)
    updated_by = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "reference",
            "status",
            "status_display",
            "call",
            "call_title",
            "municipality",
            "area_name",
            "title",
            "goals",
            "approach",
            "partners",
            "residents_involvement",
            "requested_amount",
            "cofinancing_amount",
            "cofinancing_pct",
            "cofinancing_sources",
            "budget_lines",
            "budget_total",
            "attachments",
            "information_requests",
            "revision",
            "created_at",
            "updated_at",
            "updated_by",
            "submitted_at",
            "withdrawn_at",
            "editable",
            "available_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.CharField(
            help_text="Wie de aanvraag het laatst wijzigde; voor gemeenten is het ministerie één organisatie."
        )
    )
    def get_updated_by(self, application: Application) -> str:
        # Officers see the ministry as an organisation, never the names of its staff (DESIGN.md §3).
        user = application.updated_by
        viewer = self.context["request"].user
        if is_officer(viewer) and user.is_ministry:
            return settings.MINISTRY_NAME
        return user.display_name

    @extend_schema_field(
        serializers.ChoiceField(
            choices=STATUS_CHOICES,
            help_text="De status. Voor een gemeente is een genomen besluit `decision_pending` (Besluit in "
            "voorbereiding) tot de beschikking is verzonden.",
        )
    )
    def get_status(self, application: Application) -> str:
        return shown_status(application.status, self.context["request"].user)

    @extend_schema_field(serializers.CharField(help_text="De status in woorden, in de taal van het verzoek."))
    def get_status_display(self, application: Application) -> str:
        return shown_status_label(application.status, self.context["request"].user)

    @extend_schema_field(serializers.BooleanField(help_text="Of u de inhoud nu mag wijzigen."))
    def get_editable(self, application: Application) -> bool:
        return bool(can_edit_application(self.context["request"].user, application))

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=ACTIONS),
            help_text="De stappen die u nu mag zetten; de URL is de naam met een streepje (start-review/).",
        )
    )
    def get_available_actions(self, application: Application) -> list[str]:
        return [t.action for t in WORKFLOW.available(self.context["request"].user, application)]


LIST_LEFT_OUT = (
    "goals",
    "approach",
    "partners",
    "residents_involvement",
    "cofinancing_sources",
    "budget_lines",
    "attachments",
    "information_requests",
)


class ApplicationListItemSerializer(ApplicationSerializer):
    """An application in a list: what identifies it, its state, amounts and the steps the caller may take now.
    The budget lines, attachments, information requests and the long texts belong to the detail."""

    budget_total = MoneyField(source="listed_budget_total", read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [name for name in ApplicationSerializer.Meta.fields if name not in LIST_LEFT_OUT]
        read_only_fields = fields


class ApplicationContentSerializer(serializers.ModelSerializer):
    """Content fields and budget lines; only parsed here, the services check them."""

    requested_amount = MoneyField(required=False, allow_null=True)
    cofinancing_amount = MoneyField(required=False, allow_null=True)
    budget_lines = WholeBudgetLines(
        child=BudgetLineSerializer(),
        required=False,
        help_text="Vervangt de hele begroting: één regel per bestedingsdoel per jaar.",
    )

    class Meta:
        model = Application
        fields = [*CONTENT_FIELDS, "budget_lines"]
        extra_kwargs = {
            field: {"required": False, "allow_blank": True} for field in CONTENT_FIELDS if field not in MONEY_FIELDS
        }


class ApplicationCreateSerializer(ApplicationContentSerializer):
    """A new draft: the call and a title, and optionally any content and the budget at once."""

    call = serializers.PrimaryKeyRelatedField(
        queryset=Call.objects.none(), help_text="Id van een gepubliceerde aanvraagronde."
    )

    class Meta(ApplicationContentSerializer.Meta):
        fields = ["call", *ApplicationContentSerializer.Meta.fields]
        extra_kwargs = {
            **ApplicationContentSerializer.Meta.extra_kwargs,
            "title": {"required": True, "allow_blank": True},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = self.context.get("calls", Call.objects.none())


class ApplicationUpdateSerializer(ApplicationContentSerializer):
    """Changed content: only the fields sent change (with PUT as with PATCH); ``budget_lines``, when sent,
    replaces the whole budget."""

    revision = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="De versie die u las. Heeft iemand anders de aanvraag intussen gewijzigd, dan volgt 409 en "
        "verandert er niets.",
    )

    class Meta(ApplicationContentSerializer.Meta):
        fields = [*ApplicationContentSerializer.Meta.fields, "revision"]


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Waarom de gemeente de aanvraag intrekt (optioneel).",
    )


class InformationRequestInputSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=5000,
        help_text="Welke informatie de gemeente moet aanvullen.",
        error_messages={
            "blank": _("Beschrijf welke informatie de gemeente moet aanvullen."),
            "required": _("Beschrijf welke informatie de gemeente moet aanvullen."),
        },
    )
    reply_by = serializers.DateField(
        required=False,
        help_text="Uiterste datum voor de aanvulling (Awb 4:5); na vandaag, binnen een jaar. Standaard over "
        "twee weken.",
    )


class TimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    verb = serializers.CharField(help_text="Bijvoorbeeld application.created, application.submitted.")
    who = serializers.CharField(help_text="Naam; voor gemeenten is het ministerie één organisatie.")
    data = serializers.DictField(help_text="Wat er veranderde (before/after) en toelichting.")
    text = serializers.SerializerMethodField(help_text="De gebeurtenis als zin, in de taal van het verzoek.")

    def get_text(self, entry) -> str:
        return describe(entry.verb, who=entry.who, data=entry.data)
