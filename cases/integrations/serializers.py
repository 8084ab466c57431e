"""What the API shows of each record. Read serializers only: writes are validated by the same
forms as the pages (see views_write.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.advice.models import AdviceRequest
from cases.deadlines import case_deadlines
from cases.models import Case, CaseEvent, Document
from cases.plans.models import Placement, Plan, PlanVersion
from families.models import Child
from panels.models import Decision


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, answered for every 4xx."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    # DRF's metaclass moves declared fields out of the class; the stubs see Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Problems by field: each a list of messages a person can act on.",
    )


class ExceptionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    family_told_on = serializers.DateField()
    explanation = serializers.CharField(source="family_words")


class DeadlineSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    due = serializers.DateField()
    status = serializers.CharField(help_text="upcoming, due_soon, met, missed or excepted")
    excepted = serializers.BooleanField()
    met_on = serializers.DateField(allow_null=True)
    owner = serializers.CharField()
    explanation = serializers.CharField()
    exceptions = ExceptionSerializer(many=True)


class CaseSerializer(serializers.ModelSerializer):
    child = serializers.CharField(source="child.full_name")
    stage_label = serializers.CharField(source="get_stage_display")
    area = serializers.CharField(source="area.name", allow_null=True, default=None)
    area_id = serializers.IntegerField(allow_null=True)
    caseworker = serializers.SerializerMethodField()
    caseworker_id = serializers.IntegerField(allow_null=True)

    class Meta:
        model = Case
        fields = [
            "reference",
            "child",
            "stage",
            "stage_label",
            "is_open",
            "received_on",
            "route",
            "area",
            "area_id",
            "caseworker",
            "caseworker_id",
            "next_deadline_key",
            "next_deadline_on",
            "next_deadline_excepted",
            "priority",
            "updated_at",
        ]

    def get_caseworker(self, case: Case) -> str | None:
        return case.caseworker.get_full_name() if case.caseworker else None

    def to_representation(self, case: Case) -> dict[str, Any]:
        """The fields above, as DRF would write them (a test holds the two equal for every
        field), without DRF's per-field lookups: a page of 50 cases took about 5 ms that way,
        the largest part of the API's case list after its queries."""
        return {
            "reference": case.reference,
            "child": case.child.full_name,
            "stage": case.stage,
            "stage_label": case.get_stage_display(),
            "is_open": case.is_open,
            "received_on": _date(case.received_on),
            "route": case.route,
            "area": case.area.name if case.area is not None else None,
            "area_id": case.area_id,
            "caseworker": self.get_caseworker(case),
            "caseworker_id": case.caseworker_id,
            "next_deadline_key": case.next_deadline_key,
            "next_deadline_on": _date(case.next_deadline_on),
            "next_deadline_excepted": case.next_deadline_excepted,
            "priority": case.priority,
            "updated_at": _DATETIME.to_representation(case.updated_at),
        }


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# DRF's own writing of a date and time (the current time zone, "Z" for UTC).
_DATETIME = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    deadlines = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "deadlines"]

    def to_representation(self, case: Case) -> dict[str, Any]:
        return {**super().to_representation(case), "deadlines": self.get_deadlines(case)}

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, case: Case) -> list[dict[str, Any]]:
        # The one reader of the clock (cases.deadlines): the recorded exceptions applied.
        deadlines = case_deadlines(case, today=timezone.localdate())
        return DeadlineSerializer(deadlines, many=True).data  # type: ignore[return-value]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "kind", "summary", "actor", "family_visible", "created_at"]

    def get_actor(self, event: CaseEvent) -> str | None:
        return event.actor.get_full_name() if event.actor else None


class DocumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "content_type",
            "size",
            "family_visible",
            "created_at",
            "download",
        ]

    def get_download(self, document: Document) -> str:
        reference = document.case.reference if document.case else ""
        return f"/api/v1/cases/{reference}/documents/{document.public_id}/"


class ChildSerializer(serializers.ModelSerializer):
    class Meta:
        model = Child
        fields = [
            "id",
            "first_name",
            "last_name",
            "date_of_birth",
            "postcode",
            "year_group",
            "upn",
            "uln",
            "upn_unknown",
            "looked_after",
        ]


class AdviceRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.CharField(source="case.reference")
    source_label = serializers.CharField(source="get_source_display")
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = AdviceRequest
        fields = [
            "id",
            "case",
            "source",
            "source_label",
            "state",
            "requested_on",
            "due_on",
            "responded_on",
            "needs",
            "outcomes",
            "provision",
            "attachments",
        ]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_attachments(self, advice: AdviceRequest) -> list[dict[str, Any]]:
        return DocumentSerializer(advice.attachments.all(), many=True).data  # type: ignore[return-value]


class DecisionSerializer(serializers.ModelSerializer):
    meeting_date = serializers.DateField(source="item.meeting.date")
    panel = serializers.CharField(source="item.meeting.panel_type.name")
    funding_band = serializers.CharField(source="funding_band.name", allow_null=True, default=None)
    named_setting = serializers.CharField(
        source="named_setting.name", allow_null=True, default=None
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting_date",
            "panel",
            "version",
            "is_current",
            "outcome",
            "outcome_label",
            "reasons",
            "funding_band",
            "setting_type",
            "named_setting",
            "needs_ratification",
            "ratified_at",
        ]


class PlanVersionSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "change", "created_at"]


class PlanVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = ["number", "change", "created_at", "sections"]


class PlanSerializer(serializers.ModelSerializer):
    named_setting = serializers.CharField(
        source="named_setting.name", allow_null=True, default=None
    )
    current_version = serializers.SerializerMethodField()
    versions = PlanVersionSummarySerializer(many=True)

    class Meta:
        model = Plan
        fields = [
            "status",
            "issued_on",
            "draft_version",
            "final_version",
            "named_setting",
            "ceased_on",
            "current_version",
            "versions",
        ]

    @extend_schema_field(PlanVersionSerializer(allow_null=True))
    def get_current_version(self, plan: Plan) -> dict[str, Any] | None:
        versions = list(plan.versions.all())
        if not versions:
            return None
        latest = max(versions, key=lambda v: v.number)
        return PlanVersionSerializer(latest).data


class PlacementSerializer(serializers.ModelSerializer):
    setting_number = serializers.CharField(source="setting.urn", allow_null=True, default=None)
    setting = serializers.CharField(source="setting.name", allow_null=True, default=None)

    class Meta:
        model = Placement
        fields = [
            "id",
            "setting_number",
            "setting",
            "sen_setting",
            "sen_setting_other",
            "rank",
            "entry_date",
            "leaving_date",
            "in_sen_unit",
            "in_resourced_provision",
            "residential",
            "work_based_learning",
        ]


class SubmittedRequestSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="The new case's reference")
    received_on = serializers.DateField()
    decision_due = serializers.DateField(help_text="When the council must decide whether to assess")
    child_id = serializers.IntegerField()
