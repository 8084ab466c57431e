"""The family's side of the plan's changes (issue 18): section A in their own words while the
plan is drafted, the versions they were sent with the caseworker's reasons, a readable
comparison of any two, and agreeing a version or saying what they disagree with."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from cases.plans import drafting, selectors, version_responses
from cases.plans.forms import FamilySectionAForm, VersionResponseForm
from cases.plans.models import Plan
from cases.plans.sections import SECTIONS
from cases.plans.versions import PlanConflict, PlanError, plan_latest_version
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest

FAMILY_ROLES = (Role.PARENT, Role.YOUNG_PERSON)


def _family_case_plan(request: AuthenticatedHttpRequest, reference: str) -> Plan:
    access.role_required(request.user, *FAMILY_ROLES)
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.case_queryset().select_related("child"),
    )
    plan = selectors.plan_of(case)
    if plan is None:
        raise Http404("No plan yet")
    plan.case = case
    return plan


@login_required
def family_section_a(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Section A, which the family may change with the caseworker until the draft is sent."""
    plan = _family_case_plan(request, reference)
    if plan.status != Plan.Status.DRAFTING:
        raise Http404("Section A is changed through your comments on the draft")
    case = plan.case
    latest = plan_latest_version(plan)
    if request.method == "GET":
        access_record(
            request.user, kind=AccessKind.PLAN, case=case, object_ref="Section A", request=request
        )
    form = FamilySectionAForm(
        request.POST if request.method == "POST" else None,
        initial={"text": latest.sections["A"]["text"], "based_on": latest.number},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                drafting.plan_section_update(
                    plan=plan,
                    key="A",
                    text=form.cleaned_data["text"],
                    based_on=form.cleaned_data["based_on"],
                    actor=request.user,
                    reason="Changed by the family in their own words",
                )
            except PlanConflict as clash:
                form.add_error(None, clash.message)
                status = 409
            except PlanError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Section A saved. Your caseworker can see it.")
                return redirect("families:track", reference=case.reference)
    return render(
        request,
        "cases/plans/family_section_a.html",
        {"case": case, "plan": plan, "form": form},
        status=status,
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 9 else None


@login_required
def family_versions(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    plan = _family_case_plan(request, reference)
    case = plan.case
    versions = list(version_responses.family_versions(plan).select_related("created_by"))
    if not versions:
        raise Http404("No plan sent yet")
    numbers = [v.number for v in versions]
    older_n, newer_n = _number(request.GET.get("from")), _number(request.GET.get("to"))
    if older_n not in numbers or newer_n not in numbers:
        older_n, newer_n = numbers[-1], numbers[0]
    by_number = {v.number: v for v in versions}
    older, newer = by_number[min(older_n, newer_n)], by_number[max(older_n, newer_n)]
    form = VersionResponseForm(
        request.POST if request.method == "POST" else None,
        numbers=numbers,
        initial={"idempotency_key": uuid.uuid4(), "version": numbers[0]},
    )
    status = 200
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref=f"Version {older.number} compared with {newer.number}",
            request=request,
        )
    else:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                version_responses.version_response_record(
                    plan=plan,
                    version_number=data["version"],
                    agrees=data["agrees"],
                    disagreement=data["disagreement"],
                    author=request.user,
                    idempotency_key=data["idempotency_key"],
                )
            except PlanError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Thank you. Your caseworker has your answer.")
                return redirect("plans:family_versions", reference=case.reference)
    responses = list(plan.version_responses.select_related("author")[:10])
    return render(
        request,
        "cases/plans/family_versions.html",
        {
            "case": case,
            "plan": plan,
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": selectors.version_diff(older, newer) if older != newer else [],
            "titles": {s.key: s.title for s in SECTIONS},
            "form": form,
            "responses": responses,
        },
        status=status,
    )
