"""The SEN2 pages: the head of service's validation report and download, and the details page
each problem links to (for the staff who work the case)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone

from cases.models import Stage
from cases.plans.models import Placement, Plan
from cases.sen2 import forms as sen2_forms
from cases.sen2.records import sen2_header, sen2_persons
from cases.sen2.scope import CATEGORIES, sen2_counts, sen2_period
from cases.sen2.services import case_sen2_details_update
from cases.sen2.validation import RULE_TITLES, sen2_validate
from cases.sen2.xml import sen2_xml_chunks
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.forms import GovUKDateField
from ehcp_portal.http import AuthenticatedHttpRequest

SHOWN_PROBLEMS = 500  # the page lists this many; the counts by rule are complete


class ReferenceDateForm(forms.Form):
    reference_date = GovUKDateField(
        label="Reference (census) date",
        name_in_errors="The reference date",
        help_text="The census day in January of the collection year, for example 15 1 2027",
    )

    def clean_reference_date(self) -> date:
        value = self.cleaned_data["reference_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The reference date must be today or in the past")
        if value.year < 2015:
            raise forms.ValidationError("The reference date must be in 2015 or later")
        return value


def default_reference_date(today: date) -> date:
    """The most recent 15 January: the usual census week."""
    this_year = date(today.year, 1, 15)
    return this_year if today >= this_year else date(today.year - 1, 1, 15)


def _reference_date(request: AuthenticatedHttpRequest) -> tuple[ReferenceDateForm, date | None]:
    if "reference_date_0" in request.GET:
        form = ReferenceDateForm(request.GET)
        return form, form.cleaned_data["reference_date"] if form.is_valid() else None
    on = default_reference_date(timezone.localdate())
    return ReferenceDateForm(initial={"reference_date": on}), on


@login_required
def sen2_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The whole council's children are in the return: the head of service's page only.
    access.role_required(request.user, Role.HEAD_OF_SERVICE)
    form, on = _reference_date(request)
    context: dict[str, Any] = {"form": form, "reference_date": on}
    if on is not None:
        header = sen2_header(on)
        report = sen2_validate(header, sen2_persons(on), keep=SHOWN_PROBLEMS)
        counts = sen2_counts(on)
        context.update(
            report=report,
            period=sen2_period(on),
            categories=[(CATEGORIES[k], counts[k]) for k in CATEGORIES],
            total=counts["total"],
            rules=[(code, RULE_TITLES[code], n) for code, n in sorted(report.by_rule.items())],
            shown=SHOWN_PROBLEMS,
            problem_total=sum(report.by_rule.values()),
        )
    return render(request, "sen2/report.html", context)


@login_required
def sen2_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    access.role_required(request.user, Role.HEAD_OF_SERVICE)
    form = ReferenceDateForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            "Choose a valid reference date on the SEN2 page first.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    on: date = form.cleaned_data["reference_date"]
    response = StreamingHttpResponse(
        sen2_xml_chunks(sen2_header(on), sen2_persons(on)),
        content_type="application/xml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="SEN2-{on.isoformat()}.xml"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def sen2_details(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Where a problem in the report is put right. Anyone who may see the case reads it; only
    those who may work on it (its caseworker, the team's manager) change it."""
    case = access.case_or_404(request.user, reference, access.CASE_VIEW)
    may_change = access.may(request.user, access.CASE_WORK, case)
    plan = Plan.objects.filter(case=case).first()
    placement = Placement.objects.filter(case=case, rank=1).order_by("-entry_date", "-id").first()
    ceased = case.stage in (Stage.CEASED, Stage.TRANSFERRED_OUT)
    child = case.child
    data = request.POST if request.method == "POST" and may_change else None
    child_form = sen2_forms.ChildSen2Form(
        data,
        prefix="child",
        initial={k: getattr(child, k) for k in ("upn", "uln", "upn_unknown", "sex", "ethnicity")},
    )
    request_form = sen2_forms.RequestSen2Form(
        data,
        prefix="request",
        ceased=ceased,
        initial={
            "request_source": case.request_source,
            "in_youth_accommodation": case.in_youth_accommodation,
            "cease_reason": case.cease_reason,
        },
    )
    plan_form = (
        sen2_forms.PlanSen2Form(
            data,
            prefix="plan",
            names_setting=plan.named_setting_id is not None,
            initial={k: getattr(plan, k) for k in sen2_forms.PlanSen2Form.base_fields},
        )
        if plan is not None and plan.status in (Plan.Status.FINAL, Plan.Status.CEASED)
        else None
    )
    placement_initial: dict[str, Any] = {}
    if placement is not None:
        placement_initial = {
            k: getattr(placement, k)
            for k in sen2_forms.PlacementSen2Form.base_fields
            if k != "setting_number"
        }
        placement_initial["setting_number"] = placement.setting.urn if placement.setting else ""
    has_plan = case.final_issued_on is not None or case.transferred_in_on is not None
    placement_form = (
        sen2_forms.PlacementSen2Form(data, prefix="placement", initial=placement_initial)
        if has_plan
        else None
    )
    forms_ = [f for f in (child_form, request_form, plan_form, placement_form) if f is not None]
    # A read of the child's record: the family can see who looked (the access log).
    access_record(request.user, kind=AccessKind.CASE, case=case, request=request)
    if data is not None and all(f.is_valid() for f in forms_):
        changed = case_sen2_details_update(
            case=case,
            actor=request.user,
            child=child_form.cleaned_data,
            request=request_form.cleaned_data,
            plan=plan_form.cleaned_data if plan_form else None,
            placement=placement_form.cleaned_data if placement_form else None,
        )
        messages.success(
            request, "The SEN2 details were saved." if changed else "Nothing was changed."
        )
        return redirect("sen2:details", reference=case.reference)
    return render(
        request,
        "sen2/details.html",
        {
            "case": case,
            "may_change": may_change,
            "child_form": child_form,
            "request_form": request_form,
            "plan_form": plan_form,
            "placement_form": placement_form,
            "forms": forms_,
        },
    )
