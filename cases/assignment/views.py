"""Managers' assignment pages. Every page asks the access policy: a case the manager may not
reassign, or an area page for anyone but a team manager, is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from cases.assignment import rules, selectors
from cases.assignment.cohort import cohort_import
from cases.assignment.decisions import (
    AssignmentConflict,
    AssignmentRefused,
    case_assignment_override,
)
from cases.assignment.forms import (
    CohortUploadForm,
    OverrideForm,
    PlaceForm,
    RebalanceApplyForm,
    RebalanceChooseForm,
    based_on_initial,
    conflict_data,
)
from cases.assignment.rebalancing import caseload_rebalance, rebalance_plan
from cases.assignment.triage import case_place
from cases.models import Area, Case, OpenCaseCount
from cases.selectors import open_case_count
from ehcp_portal import access, exports
from ehcp_portal.accounts.models import Role, User
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest
from ehcp_portal.pagination import CountedPaginator, KeysFirstPaginator

PAGE_SIZE = 25


def _case_for_manager(request: AuthenticatedHttpRequest, reference: str) -> Case:
    return access.case_or_404(
        request.user,
        reference,
        access.CASE_REASSIGN,
        queryset=Case.objects.select_related("child", "caseworker", "area", "team"),
    )


@login_required
def assignment_case(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case_for_manager(request, reference)
    decisions = selectors.decisions_for_case(case)
    return render(
        request,
        "cases/assignment/case.html",
        {
            "case": case,
            "latest": decisions[0] if decisions else None,
            "decisions": decisions,
            "priority_explanation": rules.priority_explanation(case.priority_reasons or []),
        },
    )


@login_required
def assignment_override(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _case_for_manager(request, reference)
    form = OverrideForm(
        request.POST or None,
        area_id=case.area_id,
        current_id=case.caseworker_id,
        initial={"based_on": based_on_initial(case.caseworker_id)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            case_assignment_override(
                case=case,
                caseworker=form.cleaned_data["caseworker"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
                expected_caseworker_id=form.cleaned_data["based_on"],
            )
        except AssignmentConflict as exc:
            # What they typed is kept; the page now shows, and is based on, today's caseworker.
            case = _case_for_manager(request, reference)
            form = OverrideForm(
                conflict_data(request.POST, exc.current),
                area_id=case.area_id,
                current_id=case.caseworker_id,
            )
            form.is_valid()
            form.add_error(None, exc.reason)
        except AssignmentRefused as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(
                request, f"{case.reference} is now assigned to {form.cleaned_data['caseworker']}."
            )
            return redirect("assignment:case", reference=case.reference)
    return render(request, "cases/assignment/override.html", {"case": case, "form": form})


@login_required
def assignment_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    area_id = access.managed_area_id_or_404(request.user)
    # The queue's length is the area's kept count (cases.models.OpenCaseCount), not a COUNT.
    waiting = open_case_count(OpenCaseCount.Scope.AREA_UNASSIGNED, area_id)
    page = CountedPaginator(
        selectors.unassigned_queue(area_id=area_id).only(*selectors.UNASSIGNED_ROW_FIELDS),
        PAGE_SIZE,
        waiting,
    ).get_page(request.GET.get("page"))
    # The area's caseworkers a page at a time, beside the queue (thousands in a large area).
    caseworkers = KeysFirstPaginator(
        selectors.area_caseworkers(area_id=area_id), PAGE_SIZE
    ).get_page(request.GET.get("caseworkers"))
    default_target = selectors.default_target_once()
    return render(
        request,
        "cases/assignment/queue.html",
        {
            "page": page,
            "query_string": _other_page(request, "caseworkers"),
            "caseworkers_page": caseworkers,
            "caseworkers_query": _other_page(request, "page"),
            "area": Area.objects.get(pk=area_id),
            "caseworkers": [
                (cw, selectors.capacity_of(cw, default_target)) for cw in caseworkers.object_list
            ],
        },
    )


def _other_page(request: AuthenticatedHttpRequest, param: str) -> str:
    """The other list's page, kept in one list's page links."""
    value = request.GET.get(param, "")
    return f"{param}={value}" if value.isdigit() else ""


@login_required
def assignment_triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The council-wide queue of cases no area rule placed: every team manager's."""
    access.role_required(request.user, Role.TEAM_MANAGER)
    page = Paginator(selectors.triage_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/assignment/triage.html", {"page": page})


QUEUE_EXPORT_HEADERS = [
    "Reference",
    "Child",
    "Postcode",
    "Request received",
    "Priority",
    "Next deadline",
    "Exception recorded",
]


def _queue_rows(cases: Any) -> Any:
    for case in cases.iterator(chunk_size=2000):
        yield [
            case.reference,
            case.child.full_name,
            case.child.postcode,
            case.received_on,
            case.priority,
            case.next_deadline_on,
            case.next_deadline_excepted,
        ]


def _export_recorded(request: AuthenticatedHttpRequest, fmt: str) -> None:
    """A list of children leaving the portal: refuse an unknown format, then log the read."""
    if fmt not in exports.FORMATS:
        raise Http404("No such format")
    access_record(request.user, kind=AccessKind.CASE, object_ref="export", request=request)


@login_required
def assignment_queue_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    area_id = access.managed_area_id_or_404(request.user)
    _export_recorded(request, fmt)
    return exports.table_response(
        fmt,
        "unassigned-queue",
        QUEUE_EXPORT_HEADERS,
        _queue_rows(selectors.unassigned_queue(area_id=area_id)),
        title="Unassigned queue",
    )


@login_required
def assignment_triage_export(request: AuthenticatedHttpRequest, fmt: str) -> Any:
    access.role_required(request.user, Role.TEAM_MANAGER)
    _export_recorded(request, fmt)
    return exports.table_response(
        fmt,
        "triage-queue",
        QUEUE_EXPORT_HEADERS,
        _queue_rows(selectors.triage_queue()),
        title="Triage queue",
    )


@login_required
def assignment_place(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    case = _case_for_manager(request, reference)
    if case.area_id is not None and request.method != "POST":
        messages.info(request, f"{case.reference} is already in {case.area}.")
        return redirect("assignment:case", reference=case.reference)
    form = PlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_place(
                case=case,
                area=form.cleaned_data["area"],
                caseworker=form.cleaned_data["caseworker"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except AssignmentRefused as exc:
            form.add_error(None, exc.reason)
        else:
            case.refresh_from_db()
            messages.success(
                request,
                f"{case.reference} is now in {case.area}"
                + (
                    f" with {case.caseworker}." if case.caseworker else ", in its unassigned queue."
                ),
            )
            return redirect("assignment:triage")
    return render(request, "cases/assignment/place.html", {"case": case, "form": form})


def _picked_cases(data: QueryDict) -> list[int] | None:
    """The cases the manager ticked to move; None when they have not chosen yet (all)."""
    if not data.get("pick"):
        return None
    return [int(v) for v in data.getlist("case") if v.isdigit()]


@login_required
def assignment_rebalance(request: AuthenticatedHttpRequest) -> HttpResponse:
    area_id = access.managed_area_id_or_404(request.user)
    choose = RebalanceChooseForm(
        request.GET if "caseworker" in request.GET else None, area_id=area_id
    )
    apply_form = None
    caseworker: User | None = None
    picked = _picked_cases(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        apply_form = RebalanceApplyForm(request.POST)
        caseworker_id = request.POST.get("caseworker", "")
        caseworker = (
            selectors.area_caseworkers(area_id=area_id).filter(pk=caseworker_id).first()
            if caseworker_id.isdigit()
            else None
        )
        if caseworker is None:
            raise Http404("No such caseworker")
        choose = RebalanceChooseForm(initial={"caseworker": caseworker.pk}, area_id=area_id)
        if apply_form.is_valid():
            try:
                done = caseload_rebalance(
                    caseworker=caseworker,
                    actor=request.user,
                    reason=apply_form.cleaned_data["reason"],
                    not_taking_reason=apply_form.cleaned_data["why"],
                    expected_fingerprint=apply_form.cleaned_data["fingerprint"],
                    case_ids=picked,
                )
            except AssignmentRefused as exc:
                apply_form.add_error(None, exc.reason)
            else:
                messages.success(
                    request,
                    f"{len(done.moves)} case{'s' if len(done.moves) != 1 else ''} moved from "
                    f"{caseworker}.",
                )
                return redirect(reverse("assignment:queue"))
    elif choose.is_bound and choose.is_valid():
        caseworker = choose.cleaned_data["caseworker"]
    plan = (
        rebalance_plan(caseworker=caseworker, case_ids=picked) if caseworker is not None else None
    )
    if plan is not None and apply_form is None:
        apply_form = RebalanceApplyForm()
    return render(
        request,
        "cases/assignment/rebalance.html",
        {
            "choose": choose,
            "apply_form": apply_form,
            "plan": plan,
            "caseworker": caseworker,
            "nothing_picked": picked == [],
        },
    )


@login_required
def assignment_cohort(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.managed_area_id_or_404(request.user)
    form = (
        CohortUploadForm(request.POST, request.FILES)
        if request.method == "POST"
        else CohortUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        record = cohort_import(
            rows=form.rows, filename=form.cleaned_data["file"].name, actor=request.user
        )
        return redirect("assignment:cohort_report", pk=record.pk)
    imports = selectors.cohort_imports_for(request.user)[:10]
    return render(request, "cases/assignment/cohort.html", {"form": form, "imports": imports})


@login_required
def assignment_cohort_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access.managed_area_id_or_404(request.user)
    record = selectors.cohort_imports_for(request.user).defer(None).filter(pk=pk).first()
    if record is None:
        raise Http404("No such import")
    rejected = [r for r in record.report if r["status"] == "rejected"]
    created = [r for r in record.report if r["status"] == "created"]
    return render(
        request,
        "cases/assignment/cohort_report.html",
        {"record": record, "rejected": rejected, "created": created[:200]},
    )


@login_required
def assignment_cohort_report_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> Any:
    """Every row of an import's report (the page shows the first 200 created)."""
    access.managed_area_id_or_404(request.user)
    record = selectors.cohort_imports_for(request.user).defer(None).filter(pk=pk).first()
    if record is None:
        raise Http404("No such import")
    _export_recorded(request, fmt)
    return exports.table_response(
        fmt,
        f"cohort-import-{record.pk}",
        ["Row", "Result", "Child", "Case", "Area", "Caseworker", "Priority", "Why rejected"],
        (
            [
                r.get("row"),
                r.get("status", ""),
                r.get("name", ""),
                r.get("reference", ""),
                r.get("area", ""),
                r.get("caseworker") or ("" if r.get("status") == "rejected" else "Unassigned"),
                r.get("priority"),
                "; ".join(r.get("reasons", [])),
            ]
            for r in record.report
        ),
        title="Cohort import",
    )
