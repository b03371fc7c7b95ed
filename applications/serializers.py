"""API representations of schemes, calls and applications, and the input the API accepts.

Application input is only parsed here; the rules and their Dutch messages live in the services, so the
API and the pages refuse the same things with the same words. Schemes and calls are configuration and
are saved here, with model validation and an audit event, like the admin does.
"""

from __future__ import annotations

import copy
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import audit
from accounts.models import Network
from accounts.permissions import is_officer
from applications.models import (
    Application,
    Attachment,
    BudgetLine,
    Call,
    InformationRequest,
    RequiredAttachment,
    Scheme,
    Theme,
)
from applications.permissions import can_edit_application
from applications.transitions import WORKFLOW


class MoneyField(serializers.DecimalField):
    """Euros as a string with two decimals ("1234.56"). Input is handed to the service unchanged, which
    checks it (positive, at most two decimals, within the call's maximum) with the portal's own messages."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float | Decimal):
            self.fail("invalid")
        return str(data) if isinstance(data, float) else data


def _model_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(serializers.as_serializer_error(exc))


def _replace_children(
    *, parent_field: str, parent, model, items: list[dict], field_name: str, in_use_message: str
) -> None:
    """Make the parent's children (themes, required attachments) match ``items``: an item with an ``id``
    updates that child, one without creates a child, and a child left out is removed unless in use."""
    existing = {child.pk: child for child in model.objects.filter(**{parent_field: parent})}
    wanted = {item["id"] for item in items if item.get("id")}
    unknown = wanted - set(existing)
    if unknown:
        raise serializers.ValidationError(
            {field_name: [_("Onderdeel %(id)s hoort hier niet bij.") % {"id": min(unknown)}]}
        )
    for pk, child in existing.items():
        if pk not in wanted:
            try:
                child.delete()
            except ProtectedError as exc:
                message = in_use_message % {"name": child.name}
                raise serializers.ValidationError({field_name: [message]}) from exc
    for order, item in enumerate(items):
        child = existing[item["id"]] if item.get("id") else model(**{parent_field: parent})
        for key, value in item.items():
            if key != "id":
                setattr(child, key, value)
        if "order" not in item:
            child.order = order
        try:
            with transaction.atomic():
                child.save()
        except IntegrityError as exc:  # two children swapping names in one request
            message = _("Elke naam mag maar één keer voorkomen.")
            raise serializers.ValidationError({field_name: [message]}) from exc


def _plain(values: dict) -> dict:
    """Related objects by their id, for the audit trail."""
    return {key: value.pk if hasattr(value, "pk") else value for key, value in values.items()}


def _unique_names(items: list[dict]) -> list[dict]:
    names = [item["name"].strip().lower() for item in items]
    if len(names) != len(set(names)):
        raise serializers.ValidationError(_("Elke naam mag maar één keer voorkomen."))
    return items


# --- Schemes ---------------------------------------------------------------------------------------


class ThemeSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Leeg bij een nieuw bestedingsdoel.")

    class Meta:
        model = Theme
        fields = ["id", "name", "order"]
        extra_kwargs = {"order": {"required": False}}


class SchemeSerializer(serializers.ModelSerializer):
    """A scheme with its themes. Writing ``themes`` replaces the list: keep an ``id`` to keep a theme."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    themes = ThemeSerializer(many=True, required=False)

    class Meta:
        model = Scheme
        fields = ["id", "code", "name", "kind", "kind_display", "description", "legal_basis", "themes"]

    def validate_themes(self, value):
        return _unique_names(value)

    def _save(self, instance: Scheme | None, validated_data: dict) -> Scheme:
        themes = validated_data.pop("themes", None)
        before = None if instance is None else _plain({f: getattr(instance, f) for f in validated_data})
        scheme = instance or Scheme()
        for key, value in validated_data.items():
            setattr(scheme, key, value)
        try:
            scheme.full_clean()
        except DjangoValidationError as exc:
            raise _model_errors(exc) from exc
        with transaction.atomic():
            scheme.save()
            if themes is not None:
                in_use = _("Het bestedingsdoel '%(name)s' staat al in begrotingen en kan niet worden verwijderd.")
                _replace_children(
                    parent_field="scheme",
                    parent=scheme,
                    model=Theme,
                    items=themes,
                    field_name="themes",
                    in_use_message=in_use,
                )
            audit.record(
                actor=self.context["request"].user,
                verb="scheme.updated" if instance else "scheme.created",
                target=scheme,
                before=before,
                after={**validated_data, **({"themes": [t["name"] for t in themes]} if themes is not None else {})},
            )
        return scheme

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


# --- Calls -----------------------------------------------------------------------------------------


class ThemeSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name"]


class RequiredAttachmentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False, help_text="Leeg bij een nieuwe verplichte bijlage.")

    class Meta:
        model = RequiredAttachment
        fields = ["id", "name", "description"]


class CallSerializer(serializers.ModelSerializer):
    """A call as applicants and the ministry see it. ``eligible`` says whether the caller's municipality
    may apply (null for ministry staff)."""

    scheme_name = serializers.CharField(source="scheme.name", read_only=True)
    status = serializers.ChoiceField(
        choices=Call.Status.choices,
        read_only=True,
        help_text="upcoming (binnenkort open), open of closed (gesloten), nu.",
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    years = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    eligible_networks = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="Leeg: open voor alle gemeenten."
    )
    allowed_formats = serializers.ListField(child=serializers.CharField(), read_only=True)
    required_attachments = RequiredAttachmentSerializer(many=True, read_only=True)
    themes = ThemeSummarySerializer(many=True, read_only=True, source="scheme.themes")
    eligible = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "code",
            "title",
            "description",
            "scheme",
            "scheme_name",
            "status",
            "status_display",
            "opens_at",
            "closes_at",
            "budget",
            "year_from",
            "year_to",
            "years",
            "eligible_networks",
            "multiple_per_municipality",
            "min_cofinancing_pct",
            "max_per_application",
            "attachment_formats",
            "allowed_formats",
            "max_attachment_mb",
            "required_attachments",
            "themes",
            "is_published",
            "eligible",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_eligible(self, call: Call) -> bool | None:
        eligible_ids = self.context.get("eligible_call_ids")
        return None if eligible_ids is None else call.pk in eligible_ids


class CallWriteSerializer(serializers.ModelSerializer):
    """What an administrator sends to configure a call. ``required_attachments`` replaces the list: keep an
    ``id`` to keep a requirement; one that applications already use cannot be removed."""

    eligible_networks = serializers.SlugRelatedField(
        many=True,
        slug_field="code",
        queryset=Network.objects.all(),
        required=False,
        help_text="Netwerkcodes (NPLV, M50, NEW_TOWN). Leeg: open voor alle gemeenten.",
    )
    required_attachments = RequiredAttachmentSerializer(many=True, required=False)

    class Meta:
        model = Call
        fields = [
            "scheme",
            "code",
            "title",
            "description",
            "opens_at",
            "closes_at",
            "budget",
            "year_from",
            "year_to",
            "eligible_networks",
            "multiple_per_municipality",
            "min_cofinancing_pct",
            "max_per_application",
            "attachment_formats",
            "max_attachment_mb",
            "prefix",
            "is_published",
            "required_attachments",
        ]

    def validate_required_attachments(self, value):
        return _unique_names(value)

    def validate(self, attrs):
        """The model's own rules (closing after opening, year order, ranges) give the 400 messages."""
        call = copy.copy(self.instance) if self.instance else Call()
        for key, value in attrs.items():
            if key not in ("eligible_networks", "required_attachments"):
                setattr(call, key, value)
        try:
            call.full_clean(validate_unique=False)
        except DjangoValidationError as exc:
            raise _model_errors(exc) from exc
        if (
            self.instance
            and "scheme" in attrs
            and attrs["scheme"].pk != self.instance.scheme_id
            and self.instance.applications.exists()
        ):
            raise serializers.ValidationError(
                {"scheme": [_("Deze ronde heeft al aanvragen; de regeling kan niet meer worden gewijzigd.")]}
            )
        return attrs

    def _save(self, instance: Call | None, validated_data: dict) -> Call:
        networks = validated_data.pop("eligible_networks", None)
        requirements = validated_data.pop("required_attachments", None)
        before = None if instance is None else _plain({f: getattr(instance, f) for f in validated_data})
        call = instance or Call()
        for key, value in validated_data.items():
            setattr(call, key, value)
        with transaction.atomic():
            call.save()
            if networks is not None:
                call.eligible_networks.set(networks)
            if requirements is not None:
                in_use = _(
                    "De verplichte bijlage '%(name)s' is al bij aanvragen gevoegd en kan niet worden verwijderd."
                )
                _replace_children(
                    parent_field="call",
                    parent=call,
                    model=RequiredAttachment,
                    items=requirements,
                    field_name="required_attachments",
                    in_use_message=in_use,
                )
            after = _plain(validated_data)
            if networks is not None:
                after["eligible_networks"] = sorted(n.code for n in networks)
            if requirements is not None:
                after["required_attachments"] = [r["name"] for r in requirements]
            audit.record(
                actor=self.context["request"].user,
                target=call,
                before=before,
                after=after,
                verb="call.updated" if instance else "call.created",
            )
        return call

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


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
        fields = ["id", "message", "requested_at", "answered_at"]
        read_only_fields = fields


ACTIONS = [(t.action, t.label) for t in WORKFLOW.offered.values()]


class ApplicationSerializer(serializers.ModelSerializer):
    """An application with its budget, attachments and the steps the caller may take now."""

    status_display = serializers.CharField(source="get_status_display", read_only=True)
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


MONEY_FIELDS = ("requested_amount", "cofinancing_amount")
CONTENT_FIELDS = [
    "title",
    "area_name",
    "goals",
    "approach",
    "partners",
    "residents_involvement",
    "requested_amount",
    "cofinancing_amount",
    "cofinancing_sources",
]


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
        allow_blank=True, max_length=5000, help_text="Welke informatie de gemeente moet aanvullen."
    )


class TimelineEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    verb = serializers.CharField(help_text="Bijvoorbeeld application.created, application.submitted.")
    who = serializers.CharField(help_text="Naam; voor gemeenten is het ministerie één organisatie.")
    data = serializers.DictField(help_text="Wat er veranderde (before/after) en toelichting.")
