"""API representations of schemes and calls, and what an administrator sends to configure them. Saving
is ``applications.config``'s: the API and the admin keep the same rules and audit events."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Network
from applications import config
from applications.models import Call, RequiredAttachment, Scheme, Theme
from applications.validation import plausible_moment


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
        return config.save_scheme(
            scheme=instance, values=validated_data, themes=themes, by=self.context["request"].user
        )

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
        extra_kwargs = {"opens_at": {"validators": [plausible_moment]}, "closes_at": {"validators": [plausible_moment]}}

    def validate_required_attachments(self, value):
        return _unique_names(value)

    def _save(self, instance: Call | None, validated_data: dict) -> Call:
        """``applications.config.save_call`` checks the model's own rules (closing after opening, year order,
        ranges) and gives the 400 messages."""
        networks = validated_data.pop("eligible_networks", None)
        requirements = validated_data.pop("required_attachments", None)
        return config.save_call(
            call=instance,
            values=validated_data,
            networks=networks,
            requirements=requirements,
            by=self.context["request"].user,
        )

    def create(self, validated_data):
        return self._save(None, validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)
