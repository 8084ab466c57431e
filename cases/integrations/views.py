"""The API's reads. Every case is reached through `auth.cases_for` (the caller's access policy,
and a client's areas): a case the caller may not see answers 404, exactly like an unknown
reference. Every read of a child's record is written to the access log (channel "api")."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, pagination, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import documents_for
from cases.advice.access import ADVICE_RESPOND, advice_request_filter
from cases.advice.models import AdviceRequest
from cases.integrations import serializers as s
from cases.integrations.auth import (
    ApiClientThrottle,
    cases_for,
    client_of,
    scope_required,
    user_of,
)
from cases.integrations.models import Scope
from cases.models import Case, CaseEvent, Document, Stage
from cases.plans.models import Plan, PlanVersion
from ehcp_portal.audit.models import AccessKind, Channel
from ehcp_portal.audit.services import access_record, access_records_many
from panels.models import Decision

CASES_READ = scope_required(Scope.CASES_READ)
ADVICE_WRITE = scope_required(Scope.ADVICE_WRITE)


class CaseCursor(pagination.CursorPagination):
    """Keyset pages in the order cases were opened (the primary key's index): a deep page costs
    what the first does, and a case changed while paging is neither skipped nor repeated."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "id"


class NewestFirstCursor(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


def record_read(
    request: Request,
    *,
    kind: str,
    case: Case | None = None,
    child_id: int | None = None,
    object_ref: str = "",
) -> None:
    """One line in the access log for one read: the person, or the client by its name."""
    client = client_of(request)
    if client is None:
        access_record(
            user_of(request),
            kind=kind,
            case=case,
            child_id=child_id,
            object_ref=object_ref,
            request=request._request,
            channel=Channel.API,
        )
    else:
        access_record(
            None,
            kind=kind,
            case=case,
            child_id=child_id,
            object_ref=object_ref,
            request=request._request,
            channel=Channel.API,
            system=f"API client: {client.name}",
            system_organisation=client.owner.organisation or str(client.owner),
        )


def record_reads(request: Request, cases: Iterable[Case]) -> None:
    client = client_of(request)
    access_records_many(
        user_of(request) if client is None else None,
        cases=list(cases),
        kind=AccessKind.API,
        request=request._request,
        channel=Channel.API,
        system=f"API client: {client.name}" if client else "",
        system_organisation=(client.owner.organisation or str(client.owner)) if client else "",
    )


def case_in_reach(
    request: Request,
    reference: str,
    *,
    select: tuple[str, ...] = (),
    prefetch: tuple[str, ...] = (),
) -> Case:
    """The case if the caller may see it; 404 whether it does not exist or is out of reach."""
    reach = cases_for(request).select_related(*select).prefetch_related(*prefetch)
    return get_object_or_404(reach, reference=reference)


def uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404("No such record") from None


def number_or_404(value: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise Http404("No such version")
    return int(value)


REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The case reference"
)


class CaseFilter(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    area = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    caseworker = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    updated_since = serializers.DateTimeField(required=False)
    is_open = serializers.BooleanField(required=False, allow_null=True, default=None)


@extend_schema(
    summary="List cases",
    description="The cases the caller may see, in the order they were opened, a page at a time "
    "(follow `next`). Filters combine.",
    parameters=[CaseFilter],
    tags=["cases"],
)
class CaseList(generics.ListAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.CaseSerializer
    pagination_class = CaseCursor

    def get_queryset(self) -> QuerySet[Case]:
        f = CaseFilter(data=self.request.query_params)
        f.is_valid(raise_exception=True)
        query = f.validated_data
        cases = cases_for(self.request).select_related("child", "caseworker", "area")
        if "stage" in query:
            cases = cases.filter(stage=query["stage"])
        if "area" in query:
            cases = cases.filter(area_id=query["area"])
        if "caseworker" in query:
            cases = cases.filter(caseworker_id=query["caseworker"])
        if "updated_since" in query:
            cases = cases.filter(updated_at__gte=query["updated_since"])
        if query.get("is_open") is not None:
            cases = cases.filter(is_open=query["is_open"])
        return cases

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        assert page is not None
        record_reads(request, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(summary="A case with its deadlines", parameters=[REFERENCE], tags=["cases"])
class CaseDetail(generics.RetrieveAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.CaseDetailSerializer
    lookup_field = "reference"

    def get_object(self) -> Case:
        case = case_in_reach(
            self.request,
            self.kwargs["reference"],
            select=("child", "caseworker", "area"),
            prefetch=("deadline_exceptions",),
        )
        record_read(self.request, kind=AccessKind.API, case=case)
        return case


@extend_schema(summary="A case's timeline, newest first", parameters=[REFERENCE], tags=["cases"])
class CaseTimeline(generics.ListAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.CaseEventSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[CaseEvent]:
        case = case_in_reach(self.request, self.kwargs["reference"])
        record_read(self.request, kind=AccessKind.API, case=case, object_ref="timeline")
        return CaseEvent.objects.filter(case=case).select_related("actor")


def _case_documents(request: Request, case: Case) -> QuerySet[Document]:
    return documents_for(user_of(request)).filter(case=case).select_related("case")


@extend_schema(summary="A case's documents (metadata)", parameters=[REFERENCE], tags=["documents"])
class CaseDocuments(generics.ListAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.DocumentSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[Document]:
        case = case_in_reach(self.request, self.kwargs["reference"])
        record_read(self.request, kind=AccessKind.API, case=case, object_ref="documents")
        return _case_documents(self.request, case)


@extend_schema(
    summary="Download a document",
    parameters=[
        REFERENCE,
        OpenApiParameter("document", OpenApiTypes.UUID, OpenApiParameter.PATH),
    ],
    responses={
        (200, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, as uploaded"
        )
    },
    tags=["documents"],
)
class DocumentDownload(APIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]

    def get(self, request: Request, reference: str, document: str) -> FileResponse:
        case = case_in_reach(request, reference)
        found = get_object_or_404(_case_documents(request, case), public_id=uuid_or_404(document))
        record_read(request, kind=AccessKind.DOCUMENT, case=case, object_ref=str(found.public_id))
        return FileResponse(
            found.file.open("rb"),
            as_attachment=True,
            filename=(found.file.name or "document").rsplit("/", 1)[-1],
            content_type="application/octet-stream",
            headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
        )


@extend_schema(
    summary="The child of a case, with their UPN", parameters=[REFERENCE], tags=["children"]
)
class CaseChild(generics.RetrieveAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.ChildSerializer

    def get_object(self) -> Any:
        case = case_in_reach(self.request, self.kwargs["reference"], select=("child",))
        record_read(self.request, kind=AccessKind.API, case=case, object_ref="child")
        return case.child


@extend_schema(summary="A case's advice requests", parameters=[REFERENCE], tags=["advice"])
class CaseAdviceRequests(generics.ListAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.AdviceRequestSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[AdviceRequest]:
        case = case_in_reach(self.request, self.kwargs["reference"])
        record_read(self.request, kind=AccessKind.ADVICE, case=case)
        return (
            AdviceRequest.objects.filter(case=case)
            .select_related("case")
            .prefetch_related(Prefetch("attachments", Document.objects.select_related("case")))
        )


@extend_schema(
    summary="Advice requests addressed to the client's owner",
    description="What a health or social care system answers: the open requests addressed to "
    "its owner (a person, their team inbox or their setting).",
    tags=["advice"],
)
class AdviceInbox(generics.ListAPIView):
    permission_classes = [ADVICE_WRITE]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.AdviceRequestSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[AdviceRequest]:
        requests = (
            AdviceRequest.objects.filter(
                advice_request_filter(user_of(self.request), ADVICE_RESPOND)
            )
            .filter(state=AdviceRequest.State.SENT)
            .select_related("case")
            .prefetch_related(Prefetch("attachments", Document.objects.select_related("case")))
        )
        client = client_of(self.request)
        area_ids = [a.pk for a in client.areas.all()] if client else []
        if area_ids:
            requests = requests.filter(case__area_id__in=area_ids)
        return requests

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        record_reads(request, [r.case for r in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(summary="A case's panel decisions", parameters=[REFERENCE], tags=["decisions"])
class CaseDecisions(generics.ListAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.DecisionSerializer
    pagination_class = NewestFirstCursor

    def get_queryset(self) -> QuerySet[Decision]:
        case = case_in_reach(self.request, self.kwargs["reference"])
        record_read(self.request, kind=AccessKind.API, case=case, object_ref="decisions")
        return Decision.objects.filter(item__case=case).select_related(
            "item__meeting__panel_type", "funding_band", "named_setting"
        )


def _plan_of(request: Request, reference: str) -> Plan:
    case = case_in_reach(request, reference)
    plan = get_object_or_404(
        Plan.objects.select_related("named_setting").prefetch_related("versions"), case=case
    )
    record_read(request, kind=AccessKind.PLAN, case=case)
    return plan


@extend_schema(
    summary="A case's EHC plan: its current version and the list of versions",
    parameters=[REFERENCE],
    tags=["plans"],
)
class CasePlan(generics.RetrieveAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.PlanSerializer

    def get_object(self) -> Plan:
        return _plan_of(self.request, self.kwargs["reference"])


@extend_schema(
    summary="One version of a case's EHC plan",
    parameters=[REFERENCE, OpenApiParameter("number", int, OpenApiParameter.PATH)],
    tags=["plans"],
)
class CasePlanVersion(generics.RetrieveAPIView):
    permission_classes = [CASES_READ]
    throttle_classes = [ApiClientThrottle]
    serializer_class = s.PlanVersionSerializer

    def get_object(self) -> PlanVersion:
        case = case_in_reach(self.request, self.kwargs["reference"])
        version = get_object_or_404(
            PlanVersion.objects.filter(plan__case=case), number=number_or_404(self.kwargs["number"])
        )
        record_read(self.request, kind=AccessKind.PLAN, case=case, object_ref=f"v{version.number}")
        return version
