"""API representations of objection cases, and the input each of their steps accepts. Municipalities are
named by their CBS code; dates are ISO days (Amsterdam)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import textlimits
from accounts.models import Municipality
from allocations.letters.deadlines import local_today
from allocations.objections import deadlines
from allocations.objections.models import CaseOutcome, Channel, ObjectionCase, WaiverGround


class NextDeadlineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["repair", "decision"])
    date = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negatief: zoveel dagen over tijd.")


class ObjectionSerializer(serializers.ModelSerializer):
    decision = serializers.CharField(source="decision.number", read_only=True)
    application = serializers.IntegerField(source="decision.application_id", read_only=True)
    objector = serializers.CharField(source="objector.cbs_code", read_only=True)
    timely = serializers.BooleanField(source="is_timely", read_only=True)
    timeliness = serializers.CharField(source="timeliness.code", read_only=True)
    sent_on = serializers.DateField(read_only=True)
    objection_term_end = serializers.DateField(read_only=True)
    decision_term_end = serializers.SerializerMethodField()
    next_deadline = serializers.SerializerMethodField()
    invited = serializers.SlugRelatedField(slug_field="cbs_code", many=True, read_only=True)
    awaits_approval = serializers.BooleanField(read_only=True)

    class Meta:
        model = ObjectionCase
        fields = [
            "id",
            "number",
            "decision",
            "application",
            "objector",
            "status",
            "channel",
            "received_on",
            "posted_on",
            "lodged_at",
            "grounds",
            "pro_forma",
            "sent_on",
            "objection_term_end",
            "timely",
            "timeliness",
            "timely_computed",
            "timely_override",
            "timely_reason",
            "advisory_committee",
            "decision_term_end",
            "next_deadline",
            "repair_requested_on",
            "repair_deadline",
            "repair_missing",
            "repair_ended_on",
            "repaired",
            "hearing_on",
            "invited",
            "hearing_held_on",
            "hearing_notes",
            "waiver_ground",
            "waiver_reason",
            "postponed_weeks",
            "postponed_on",
            "postponement_reason",
            "outcome",
            "outcome_reason",
            "decided_at",
            "ruling_number",
            "awaits_approval",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_decision_term_end(self, case: ObjectionCase):
        """Only while the case is open: a closed case has no term left to keep."""
        return case.decision_term_end.isoformat() if case.is_open else None

    @extend_schema_field(NextDeadlineSerializer(allow_null=True))
    def get_next_deadline(self, case: ObjectionCase):
        found = case.next_deadline()
        if found is None:
            return None
        kind, day = found
        return {"kind": kind, "date": day.isoformat(), "days_left": deadlines.days_left(day, local_today())}


class PaginatedObjectionsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ObjectionSerializer(many=True)


class LodgeSerializer(serializers.Serializer):
    """An officer's objection against their own municipality's sent decision, received today."""

    decision = serializers.CharField(max_length=40, help_text="Het beschikkingsnummer.")
    grounds = serializers.CharField(max_length=textlimits.CONTENT, required=False, allow_blank=True, default="")
    pro_forma = serializers.BooleanField(required=False, default=False)


class RegisterSerializer(LodgeSerializer):
    """An objection that came by post or e-mail, registered by an administrator."""

    objector = serializers.SlugRelatedField(
        slug_field="cbs_code",
        queryset=Municipality.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="CBS-code van de indiener; zonder: de gemeente van de beschikking.",
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    posted_on = serializers.DateField(required=False, allow_null=True, default=None)
    advisory_committee = serializers.BooleanField(required=False, default=False)


class RepairSerializer(serializers.Serializer):
    missing = serializers.CharField(max_length=textlimits.REASON)
    deadline = serializers.DateField()


class EndRepairSerializer(serializers.Serializer):
    repaired = serializers.BooleanField()
    on = serializers.DateField(required=False, allow_null=True, default=None)
    grounds = serializers.CharField(max_length=textlimits.CONTENT, required=False, allow_blank=True, default="")


class HearingSerializer(serializers.Serializer):
    on = serializers.DateField()
    invited = serializers.SlugRelatedField(
        slug_field="cbs_code", queryset=Municipality.objects.all(), many=True, required=False, default=list
    )


class HeldSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    notes = serializers.CharField(max_length=textlimits.MESSAGE, required=False, allow_blank=True, default="")


class WaiverSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=WaiverGround.choices)
    reason = serializers.CharField(max_length=textlimits.REASON)


class PostponeSerializer(serializers.Serializer):
    weeks = serializers.IntegerField(min_value=1, max_value=deadlines.MAX_POSTPONEMENT_WEEKS)
    reason = serializers.CharField(max_length=textlimits.REASON)


class CommitteeSerializer(serializers.Serializer):
    committee = serializers.BooleanField()


class TimelinessSerializer(serializers.Serializer):
    timely = serializers.BooleanField()
    reason = serializers.CharField(max_length=textlimits.REASON)


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[c for c in CaseOutcome.choices if c[0] != CaseOutcome.WITHDRAWN])
    reason = serializers.CharField(max_length=textlimits.MESSAGE)


class ObjectionLetterSerializer(serializers.ModelSerializer):
    """One letter of a case (metadata; the PDF has its own endpoint). ``letter_date`` is the day it was sent."""

    case = serializers.CharField(source="case.number", read_only=True)
    pdf = serializers.SerializerMethodField()

    class Meta:
        from allocations.objections.letter_models import ObjectionLetter

        model = ObjectionLetter
        fields = [
            "id",
            "case",
            "kind",
            "version",
            "status",
            "letter_date",
            "sha256",
            "size",
            "created_at",
            "sent_at",
            "pdf",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_pdf(self, letter) -> str | None:
        if not letter.file:
            return None
        request = self.context.get("request")
        path = f"/api/v1/objections/{letter.case_id}/letters/{letter.pk}/pdf/"
        return request.build_absolute_uri(path) if request else path
