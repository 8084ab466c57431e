"""The API's writes. Each goes through the same form (the page's validation, the page's words)
and the same service as the page that does it, so there is no second path into the records.
Every POST carries an Idempotency-Key (idempotency.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.advice.access import ADVICE_RESPOND, advice_request_filter
from cases.advice.forms import AdviceSubmitForm
from cases.advice.models import AdviceRequest
from cases.advice.services import AdviceRefused, advice_submit
from cases.integrations import serializers as s
from cases.integrations.auth import ApiClientThrottle, cases_for, client_of, scope_required, user_of
from cases.integrations.idempotency import HEADER, idempotent
from cases.integrations.models import Scope
from cases.integrations.problems import Invalid, Unprocessable
from cases.integrations.views import uuid_or_404
from cases.models import Case
from cases.plans.models import Placement
from cases.pupil_numbers import upn_normalise, upn_problem
from cases.sen2.forms import PlacementSen2Form
from cases.sen2.services import CHILD_FIELDS, REQUEST_FIELDS, case_sen2_details_update
from cases.statutory import timeline
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.forms import GovUKDateField
from families import steps as flow
from families.models import RequestDraft
from families.services.requests import (
    InviteRefused,
    RequestIncomplete,
    request_draft_start,
    request_parent_invite,
    request_step_save,
    request_submit,
)

IDEMPOTENCY = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="A new random value (a UUID) for each new call; send the same value when "
    "retrying it. A retry returns the first response and creates nothing.",
)
REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description="The case reference"
)


def form_data(form_class: type[forms.Form], body: Any) -> MultiValueDict:
    """A JSON object as the form's POST data: a date as ISO 8601 (2026-09-03) fills the GOV.UK
    date boxes, true/false a checkbox, a list a multiple choice."""
    if not isinstance(body, dict):
        raise Invalid(
            {"non_field_errors": ["Send a JSON object."]}, "The body must be a JSON object."
        )
    data: MultiValueDict = MultiValueDict()
    for name, field in form_class.base_fields.items():
        if name not in body or body[name] is None:
            continue
        value = body[name]
        if isinstance(field, GovUKDateField):
            parts = str(value).split("-")
            if len(parts) != 3:
                raise Invalid({name: ["Give the date as YYYY-MM-DD."]}, f"{name} is not a date.")
            data.setlist(f"{name}_0", [parts[2]])
            data.setlist(f"{name}_1", [parts[1]])
            data.setlist(f"{name}_2", [parts[0]])
        elif isinstance(value, bool):
            if value:
                data.setlist(name, ["on"])
        elif isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data.setlist(name, [str(value)])
    return data


def form_errors(form: forms.Form, prefix: str = "") -> dict[str, list[str]]:
    return {
        (f"{prefix}.{field}" if prefix else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


# -- a school's request for assessment -----------------------------------------------------------

SCHOOL_STEPS = [
    s_ for s_ in flow.STEPS if flow.SCHOOL in s_.routes and not s_.family_part and s_.form
]


def _steps_described() -> str:
    lines = []
    for step in SCHOOL_STEPS:
        assert step.form is not None
        fields = ", ".join(
            f"`{name}`{' (date)' if isinstance(f, GovUKDateField) else ''}"
            for name, f in step.form.base_fields.items()
        )
        lines.append(f"- `{step.slug}` ({step.title}): {fields}")
    return "\n".join(lines)


@extend_schema(
    summary="Submit a request for an EHC needs assessment from a school's system",
    description="The school's request form, as one call: `answers` holds each page of the form "
    "by its name, with the page's fields. The same checks as the form apply, with its words; "
    "a child whose UPN and date of birth match a child the council already knows is that "
    "child. The client's owner must be a member of a school's staff (the school asks).\n\n"
    + _steps_described(),
    parameters=[IDEMPOTENCY],
    request=inline_serializer(
        "SchoolRequest",
        {"answers": serializers.DictField(child=serializers.DictField(), help_text="By page name")},
    ),
    responses={201: s.SubmittedRequestSerializer},
    tags=["requests"],
)
class RequestSubmit(APIView):
    permission_classes = [scope_required(Scope.REQUESTS_WRITE)]
    throttle_classes = [ApiClientThrottle]
    parser_classes = [parsers.JSONParser]

    def post(self, request: Request) -> Response:
        user = user_of(request)
        if user.role != Role.SCHOOL or user.setting_id is None:
            raise Unprocessable(
                "Requests are made by a school: this client's owner is not a member of a "
                "school's staff."
            )
        return idempotent(lambda: self._submit(request), request)

    def _submit(self, request: Request) -> Response:
        user = user_of(request)
        answers = request.data.get("answers") if isinstance(request.data, dict) else None
        if not isinstance(answers, dict):
            raise Invalid(
                {"answers": ["Send the form's pages as an object."]}, "answers is missing."
            )
        unknown = sorted(set(answers) - {step.slug for step in SCHOOL_STEPS})
        if unknown:
            raise Invalid({"answers": [f"No such page: {', '.join(unknown)}"]}, "Unknown pages.")
        draft = request_draft_start(
            user=user, route=RequestDraft.Route.SCHOOL, setting=user.setting
        )
        errors: dict[str, list[str]] = {}
        for step in SCHOOL_STEPS:
            assert step.form is not None
            data = form_data(step.form, answers.get(step.slug, {}))
            draft = request_step_save(draft=draft, step=step, data=dict(data.lists()), user=user)
            form = flow.bound_form(draft, step, user)
            if not form.is_valid():
                errors.update(form_errors(form, f"answers.{step.slug}"))
            elif step.slug == "parent-contact":
                # As on the page: naming the parent invites them to add their part.
                try:
                    request_parent_invite(draft=draft, user=user)
                except InviteRefused as refused:
                    errors[f"answers.{step.slug}.parent_email"] = [str(refused)]
        if errors:
            raise Invalid(errors, "The request has problems: " + next(iter(errors.values()))[0])
        try:
            case, _ = request_submit(draft=draft, user=user)
        except RequestIncomplete as incomplete:
            raise Unprocessable(" ".join(incomplete.problems)) from None
        body = {
            "reference": case.reference,
            "received_on": case.received_on.isoformat(),
            "decision_due": timeline(case.received_on)["decision_to_assess"].isoformat(),
            "child_id": case.child_id,
        }
        return Response(body, status=status.HTTP_201_CREATED)


# -- advice from a health or social care system -------------------------------------------------


@extend_schema(
    summary="Record advice in answer to an advice request, with attachments",
    description="As the advice page: needs, outcomes and provision, and up to the page's number "
    "of files (PDF, Word, JPG or PNG) as `attachments` in multipart/form-data. The request must "
    "be addressed to the client's owner (a person, their team inbox or their setting).",
    parameters=[
        IDEMPOTENCY,
        OpenApiParameter("advice_request", OpenApiTypes.UUID, OpenApiParameter.PATH),
    ],
    request={
        "multipart/form-data": inline_serializer(
            "AdviceForm",
            {
                "needs": serializers.CharField(),
                "outcomes": serializers.CharField(),
                "provision": serializers.CharField(),
                "attachments": serializers.ListField(child=serializers.FileField(), required=False),
            },
        ),
        "application/json": inline_serializer(
            "AdviceJson",
            {
                "needs": serializers.CharField(),
                "outcomes": serializers.CharField(),
                "provision": serializers.CharField(),
            },
        ),
    },
    responses={201: s.AdviceRequestSerializer},
    tags=["advice"],
)
class AdviceRecord(APIView):
    permission_classes = [scope_required(Scope.ADVICE_WRITE)]
    throttle_classes = [ApiClientThrottle]
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]

    def post(self, request: Request, advice_request: str) -> Response:
        found = self._addressed(request, advice_request)
        return idempotent(lambda: self._record(request, found), request)

    def _addressed(self, request: Request, public_id: str) -> AdviceRequest:
        requests = AdviceRequest.objects.filter(
            advice_request_filter(user_of(request), ADVICE_RESPOND)
        ).select_related("case")
        client = client_of(request)
        area_ids = [a.pk for a in client.areas.all()] if client else []
        if area_ids:
            requests = requests.filter(case__area_id__in=area_ids)
        return get_object_or_404(requests, public_id=uuid_or_404(public_id))

    def _record(self, request: Request, found: AdviceRequest) -> Response:
        if hasattr(request.data, "lists"):
            data = MultiValueDict({k: v for k, v in request.data.lists() if k not in request.FILES})
        else:
            data = form_data(AdviceSubmitForm, request.data)
        form = AdviceSubmitForm(
            data, MultiValueDict({"attachments": request.FILES.getlist("attachments")})
        )
        if not form.is_valid():
            raise Invalid(form_errors(form), "The advice has problems.")
        try:
            answered = advice_submit(
                advice_request=found,
                actor=user_of(request),
                needs=form.cleaned_data["needs"],
                outcomes=form.cleaned_data["outcomes"],
                provision=form.cleaned_data["provision"],
                files=form.cleaned_data["attachments"] or [],
            )
        except AdviceRefused as refused:
            raise Unprocessable(refused.reason) from None
        answered = AdviceRequest.objects.select_related("case").get(pk=answered.pk)
        return Response(s.AdviceRequestSerializer(answered).data, status=status.HTTP_201_CREATED)


# -- placements and the child's UPN (the SEN2 details page's checks and service) ---------------


def _case_to_work(request: Request, reference: str) -> Case:
    return get_object_or_404(
        cases_for(request, access.CASE_WORK).select_related("child"), reference=reference
    )


def _current(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        {k: getattr(case.child, k) for k in CHILD_FIELDS},
        {k: getattr(case, k) for k in REQUEST_FIELDS},
    )


@extend_schema(
    summary="Record a child's placement (where they are taught)",
    description="The SEN2 details page's placement: a school or setting by its URN or UKPRN, or a "
    "kind of place; dates as YYYY-MM-DD. Replaces the details of the main placement now. The "
    "case must have an issued plan. The owner must be able to work on the case.",
    parameters=[IDEMPOTENCY, REFERENCE],
    request=inline_serializer(
        "PlacementForm",
        {
            "setting_number": serializers.CharField(required=False, allow_blank=True),
            "sen_setting": serializers.CharField(required=False, allow_blank=True),
            "sen_setting_other": serializers.CharField(required=False, allow_blank=True),
            "entry_date": serializers.DateField(),
            "leaving_date": serializers.DateField(required=False, allow_null=True),
            "in_sen_unit": serializers.BooleanField(required=False),
            "in_resourced_provision": serializers.BooleanField(required=False),
            "residential": serializers.CharField(required=False, allow_blank=True),
            "work_based_learning": serializers.CharField(required=False, allow_blank=True),
        },
    ),
    responses={201: s.PlacementSerializer},
    tags=["placements"],
)
class PlacementRecord(APIView):
    permission_classes = [scope_required(Scope.PLACEMENTS_WRITE)]
    throttle_classes = [ApiClientThrottle]
    parser_classes = [parsers.JSONParser]

    def post(self, request: Request, reference: str) -> Response:
        case = _case_to_work(request, reference)
        return idempotent(lambda: self._record(request, case), request)

    def _record(self, request: Request, case: Case) -> Response:
        if case.final_issued_on is None and case.transferred_in_on is None:
            raise Unprocessable("A placement is recorded once the child has an EHC plan.")
        form = PlacementSen2Form(form_data(PlacementSen2Form, request.data))
        if not form.is_valid():
            raise Invalid(form_errors(form), "The placement has problems.")
        child, asked = _current(case)
        case_sen2_details_update(
            case=case,
            actor=user_of(request),
            child=child,
            request=asked,
            placement=form.cleaned_data,
        )
        placement = (
            Placement.objects.select_related("setting")
            .filter(case=case, rank=1)
            .order_by("-entry_date", "-id")
            .first()
        )
        return Response(s.PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Update a child's unique pupil number (UPN)",
    description="From the education management system: the UPN is checked (its check letter) "
    "exactly as on the request form and the SEN2 details page.",
    parameters=[IDEMPOTENCY, REFERENCE],
    request=inline_serializer("UpnUpdate", {"upn": serializers.CharField()}),
    responses={200: s.ChildSerializer},
    tags=["children"],
)
class ChildUpnUpdate(APIView):
    permission_classes = [scope_required(Scope.CHILDREN_WRITE)]
    throttle_classes = [ApiClientThrottle]
    parser_classes = [parsers.JSONParser]

    def post(self, request: Request, reference: str) -> Response:
        case = _case_to_work(request, reference)
        return idempotent(lambda: self._update(request, case), request)

    def _update(self, request: Request, case: Case) -> Response:
        raw = request.data.get("upn") if isinstance(request.data, dict) else None
        if not isinstance(raw, str) or not raw.strip():
            raise Invalid({"upn": ["Enter the UPN"]}, "Enter the UPN.")
        upn = upn_normalise(raw.replace("\x00", ""))
        problem = upn_problem(upn)
        if problem:
            raise Invalid({"upn": [problem]}, problem)
        child, asked = _current(case)
        child["upn"] = upn
        if child.get("upn_unknown"):
            child["upn_unknown"] = ""  # a UPN known now answers "why is there none?"
        case_sen2_details_update(case=case, actor=user_of(request), child=child, request=asked)
        case.child.refresh_from_db()
        return Response(s.ChildSerializer(case.child).data, status=status.HTTP_200_OK)
