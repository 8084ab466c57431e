"""The case API (DRF). Reads go through the same access policy as the pages: a case the user
may not see is a JSON 404, exactly like an unknown reference."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import generics, serializers
from rest_framework.request import Request

from cases.deadlines import case_deadlines
from cases.models import Case
from ehcp_portal import access
from ehcp_portal.accounts.models import User
from ehcp_portal.audit.models import AccessKind, Channel
from ehcp_portal.audit.services import access_record


class ExceptionSerializer(serializers.Serializer):
    reason = serializers.CharField()
    family_told_on = serializers.DateField()
    explanation = serializers.CharField(source="family_words")


class DeadlineSerializer(serializers.Serializer):
    key = serializers.CharField()
    # DRF's metaclass moves declared fields out of the class, so this field does not replace
    # Field.label (the serializer's own label) as the checker assumes.
    label = serializers.CharField()  # type: ignore[assignment]
    due = serializers.DateField()
    status = serializers.CharField()
    excepted = serializers.BooleanField()
    met_on = serializers.DateField(allow_null=True)
    owner = serializers.CharField()
    explanation = serializers.CharField()
    exceptions = ExceptionSerializer(many=True)


class CaseSerializer(serializers.ModelSerializer):
    child = serializers.CharField(source="child.full_name")
    stage_label = serializers.CharField(source="get_stage_display")
    caseworker = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference",
            "child",
            "stage",
            "stage_label",
            "received_on",
            "route",
            "caseworker",
            "next_deadline_key",
            "next_deadline_on",
            "next_deadline_excepted",
            "priority",
        ]

    def get_caseworker(self, case: Case) -> str | None:
        return case.caseworker.get_full_name() if case.caseworker else None


class CaseDetailSerializer(CaseSerializer):
    deadlines = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "deadlines"]

    def get_deadlines(self, case: Case) -> list[dict]:
        # many=True builds a ListSerializer, whose data is a list; the stubs type the call as a
        # DeadlineSerializer and so its data as one dict.
        # The one reader of the clock: the case's recorded exceptions (prefetched) applied.
        deadlines = case_deadlines(case, today=timezone.localdate())
        return DeadlineSerializer(deadlines, many=True).data  # type: ignore[return-value]


def _signed_in_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # DEFAULT_PERMISSION_CLASSES: IsAuthenticated
    return user


class CaseList(generics.ListAPIView):
    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        request: Request = self.request
        return (
            access.cases_for(_signed_in_user(request), access.CASE_VIEW)
            .filter(is_open=True)
            .select_related("child", "caseworker")
            .order_by("next_deadline_on", "reference")
        )


class CaseDetail(generics.RetrieveAPIView):
    serializer_class = CaseDetailSerializer

    def get_object(self) -> Case:
        user = _signed_in_user(self.request)
        case = access.case_or_404(
            user,
            self.kwargs["reference"],
            access.CASE_VIEW,
            queryset=Case.objects.select_related("child", "caseworker").prefetch_related(
                "deadline_exceptions"
            ),
        )
        access_record(
            user, kind=AccessKind.API, case=case, request=self.request, channel=Channel.API
        )
        return case
