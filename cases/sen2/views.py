"""The SEN2 pages: the head of service's validation report and download, and the details page
each problem links to (for the staff who work the case)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cases.models import Stage
from cases.plans.models import Placement, Plan
from cases.sen2 import forms as sen2_forms
from cases.sen2.models import Sen2Return
from cases.sen2.scope import CATEGORIES, sen2_counts, sen2_period
from cases.sen2.services import SHOWN_PROBLEMS, case_sen2_details_update, sen2_return_request
from cases.sen2.validation import RULE_TITLES, Problem
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.forms import GovUKDateField
from ehcp_portal.http import AuthenticatedHttpRequest


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
    """Choose a reference date, see who is in the return now, and prepare the return: the
    worker builds the validation report and the file (tens of seconds for a big council), and
    this page shows them once ready."""
    # The whole council's children are in the return: the head of service's page only.
    access.role_required(request.user, Role.HEAD_OF_SERVICE)
    if request.method == "POST":
        form = ReferenceDateForm(request.POST)
        if form.is_valid():
            on = form.cleaned_data["reference_date"]
            sen2_return_request(reference_date=on, actor=request.user)
            messages.success(
                request, "The return is being prepared. Refresh this page in a minute."
            )
            return redirect(
                reverse("sen2:report")
                + f"?reference_date_0={on.day}&reference_date_1={on.month}"
                + f"&reference_date_2={on.year}"
            )
        on = None
    else:
        form, on = _reference_date(request)
    context: dict[str, Any] = {"form": form, "reference_date": on}
    if on is not None:
        counts = sen2_counts(on)
        prepared = Sen2Return.objects.filter(reference_date=on).first()
        context.update(
            period=sen2_period(on),
            categories=[(CATEGORIES[k], counts[k]) for k in CATEGORIES],
            total=counts["total"],
            prepared=prepared,
        )
        if prepared is not None and prepared.status == Sen2Return.Status.READY:
            context.update(
                problems=[Problem(**p) for p in prepared.problems],
                rules=[
                    (code, RULE_TITLES.get(code, code), n)
                    for code, n in sorted(prepared.by_rule.items())
                ],
                problem_total=sum(prepared.by_rule.values()),
                shown=SHOWN_PROBLEMS,
            )
    return render(request, "sen2/report.html", context)


@login_required
def sen2_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    access.role_required(request.user, Role.HEAD_OF_SERVICE)
    prepared = Sen2Return.objects.filter(
        public_id=public_id, status=Sen2Return.Status.READY
    ).first()
    if prepared is None or not prepared.file:
        raise Http404("Not found")
    return FileResponse(
        prepared.file.open("rb"),
        as_attachment=True,
        filename=f"SEN2-{prepared.reference_date.isoformat()}.xml",
        content_type="application/xml; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


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
            "has_errors": any(f.errors for f in forms_),
        },
    )
