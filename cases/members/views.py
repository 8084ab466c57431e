"""Pages of the member casework inbox: the member's side, the council's side, the family's
consent page and the scrutiny board's report. Thin: the access policy decides, services write,
selectors read."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.deadlines import LABELS
from cases.members import access as members_access
from cases.members import selectors, services, sla
from cases.members.forms import (
    AssignForm,
    CloseForm,
    ConsentForm,
    MatchForm,
    MemberEnquiryForm,
    ReplyForm,
    RouteForm,
)
from cases.members.models import MemberEnquiry
from cases.models import Area
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest
from families.models import Consent

PAGE_SIZE = 25


# --- elected members --------------------------------------------------------------------------


@login_required
def member_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.ELECTED_MEMBER)
    page = Paginator(selectors.member_enquiries_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.label_shared_case(list(page.object_list))
    return render(request, "cases/member_home.html", {"page": page})


@login_required
def member_enquiry_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.ELECTED_MEMBER)
    form = MemberEnquiryForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        details = services.EnquiryDetails(
            category=data["category"],
            concern=data["concern"].strip(),
            declared_constituent_asked=data["declaration"],
            case_reference_given=data.get("case_reference", ""),
            parent_name=data.get("parent_name", "").strip(),
            child_name=data.get("child_name", "").strip(),
            child_date_of_birth=data.get("child_date_of_birth"),
            address=data.get("address", "").strip(),
        )
        try:
            enquiry = services.member_enquiry_raise(member=request.user, details=details)
        except services.EnquiryRateLimited as refused:
            form.add_error(None, refused.reason)
            status = 429
        except services.EnquiryRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(
                request,
                f"Query sent. We aim to reply by {enquiry.target_reply_on:%-d %B %Y}.",
            )
            return redirect("members:enquiry", public_id=enquiry.public_id)
    return render(
        request,
        "cases/members/enquiry_form.html",
        {"form": form, "sla_days": sla.sla_working_days()},
        status=status,
    )


@login_required
def member_enquiry(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    access.role_required(request.user, Role.ELECTED_MEMBER)
    enquiry = selectors.member_enquiry_for_member(request.user, public_id)
    return render(request, "cases/members/enquiry_member.html", {"enquiry": enquiry})


@login_required
def member_case(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """A case's stage and next statutory date, for a member whose query is matched to it and
    whom the family has agreed may see it; for anyone else (and after consent is withdrawn)
    the case does not exist."""
    access.role_required(request.user, Role.ELECTED_MEMBER)
    case = access.case_or_404(request.user, reference, access.CASE_MEMBER)
    access_record(request.user, kind=AccessKind.MEMBER_VIEW, case=case, request=request)
    enquiries = list(selectors.member_enquiries_of(request.user).filter(case=case))
    return render(
        request,
        "cases/members/member_case.html",
        {
            "case": case,
            "next_deadline_label": LABELS.get(case.next_deadline_key, "Next statutory date"),
            "enquiries": enquiries,
        },
    )


# --- the council's casework inbox -------------------------------------------------------------


@login_required
def member_inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER, Role.CASEWORKER)
    show = request.GET.get("show", "open")
    if show not in selectors.INBOX_VIEWS:
        show = "open"
    page = Paginator(selectors.member_inbox_for(request.user, show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/members/inbox.html",
        {
            "page": page,
            "show": show,
            "views": selectors.INBOX_VIEWS.items(),
            "query_string": f"show={show}",
        },
    )


def _route_areas(enquiry: MemberEnquiry) -> QuerySet[Area]:
    """The areas an enquiry can be sent on to: every area but the one it is with."""
    if enquiry.area_id is None:
        return Area.objects.all()
    return Area.objects.exclude(pk=enquiry.area_id)


def _staff_page(
    request: AuthenticatedHttpRequest, enquiry: MemberEnquiry, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    may_triage = (
        members_access.member_enquiries_for(user, members_access.ENQUIRY_TRIAGE)
        .filter(pk=enquiry.pk)
        .exists()
    )
    context: dict[str, Any] = {
        "enquiry": enquiry,
        "may_triage": may_triage,
        "events": enquiry.events.select_related("actor"),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "close_form": forms.get("close_form") or CloseForm(),
    }
    if may_triage and enquiry.is_open:
        officers = services.officers_for(user)
        context.update(
            candidates=selectors.member_enquiry_candidates(enquiry, user)
            if enquiry.case_id is None
            else [],
            match_form=forms.get("match_form") or MatchForm(),
            assign_form=forms.get("assign_form")
            or AssignForm(
                officers=officers,
                initial={"officer": enquiry.assigned_officer_id},
            ),
            route_form=forms.get("route_form") or RouteForm(areas=_route_areas(enquiry)),
        )
    return render(request, "cases/members/enquiry_staff.html", context, status=status)


@login_required
def member_inbox_detail(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER, Role.CASEWORKER)
    enquiry = selectors.member_enquiry_for_staff(request.user, public_id)
    return _staff_page(request, enquiry)


def _triage_enquiry(request: AuthenticatedHttpRequest, public_id: str) -> MemberEnquiry:
    access.role_required(request.user, Role.TEAM_MANAGER)
    members_access.member_enquiry_or_404(request.user, public_id, members_access.ENQUIRY_TRIAGE)
    return selectors.member_enquiry_for_staff(request.user, public_id)


def _back(enquiry: MemberEnquiry) -> HttpResponse:
    return redirect("members:inbox_detail", public_id=enquiry.public_id)


@login_required
@require_POST
def member_inbox_match(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    enquiry = _triage_enquiry(request, public_id)
    form = MatchForm(request.POST)
    if form.is_valid():
        case = (
            access.cases_for(request.user, access.CASE_VIEW)
            .filter(reference=form.cleaned_data["case_reference"])
            .first()
        )
        if case is None:
            form.add_error("case_reference", "There is no case with that reference in your area")
        else:
            try:
                services.member_enquiry_match(enquiry=enquiry, case=case, actor=request.user)
            except services.EnquiryRefused as refused:
                form.add_error(None, refused.reason)
            else:
                messages.success(request, f"Query matched to case {case.reference}.")
                return _back(enquiry)
    return _staff_page(request, enquiry, match_form=form)


@login_required
@require_POST
def member_inbox_route(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    enquiry = _triage_enquiry(request, public_id)
    form = RouteForm(request.POST, areas=_route_areas(enquiry))
    if form.is_valid():
        area = form.cleaned_data["area"]
        try:
            services.member_enquiry_route(enquiry=enquiry, area=area, actor=request.user)
        except services.EnquiryRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, f"Query sent to the {area.name} team.")
            return redirect("members:inbox")
    return _staff_page(request, enquiry, route_form=form)


@login_required
@require_POST
def member_inbox_assign(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    enquiry = _triage_enquiry(request, public_id)
    form = AssignForm(request.POST, officers=services.officers_for(request.user))
    if form.is_valid():
        officer = form.cleaned_data["officer"]
        try:
            services.member_enquiry_assign(enquiry=enquiry, officer=officer, actor=request.user)
        except services.EnquiryRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, f"Query assigned to {officer.get_full_name()}.")
            return _back(enquiry)
    return _staff_page(request, enquiry, assign_form=form)


@login_required
@require_POST
def member_inbox_reply(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER, Role.CASEWORKER)
    enquiry = selectors.member_enquiry_for_staff(request.user, public_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.member_enquiry_answer(
                enquiry=enquiry, reply=form.cleaned_data["reply"], actor=request.user
            )
        except services.EnquiryRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "Reply sent to the member.")
            return _back(enquiry)
    return _staff_page(request, enquiry, reply_form=form)


@login_required
@require_POST
def member_inbox_close(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER, Role.CASEWORKER)
    enquiry = selectors.member_enquiry_for_staff(request.user, public_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.member_enquiry_close(
                enquiry=enquiry, reason=form.cleaned_data["reason"], actor=request.user
            )
        except services.EnquiryRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "Query closed. The member can see the reason.")
            return _back(enquiry)
    return _staff_page(request, enquiry, close_form=form)


# --- reports for the scrutiny board -----------------------------------------------------------


def _date_param(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def member_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.TEAM_MANAGER)
    since = _date_param(request.GET.get("from"))
    until = _date_param(request.GET.get("to"))
    report = selectors.member_enquiry_report(request.user, since=since, until=until)
    return render(
        request,
        "cases/members/reports.html",
        {"report": report, "since": since, "until": until},
    )


# --- the family's consent ---------------------------------------------------------------------


@login_required
def member_family(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The family sees which elected members asked about their request, and decides whether
    each may see the stage and next statutory date (effective at once, both ways)."""
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.case_queryset().select_related("child"),
    )
    enquiries = list(
        MemberEnquiry.objects.filter(case=case).select_related("member").order_by("created_at")
    )
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if not form.is_valid():
            raise Http404("No such query")
        enquiry = next((e for e in enquiries if e.public_id == form.cleaned_data["enquiry"]), None)
        if enquiry is None:
            raise Http404("No such query")
        member = enquiry.member
        if form.cleaned_data["decision"] == "grant":
            services.member_consent_grant(case=case, member=member, actor=request.user)
            messages.success(
                request,
                f"{member.get_full_name()} can now see the stage of this request and its "
                "next important date.",
            )
        else:
            services.member_consent_withdraw(case=case, member=member, actor=request.user)
            messages.success(
                request,
                f"{member.get_full_name()} can no longer see how this request is going.",
            )
        return redirect(reverse("members:family", args=[case.reference]))
    consented = set(
        Consent.objects.filter(
            child_id=case.child_id,
            party=Consent.Party.ELECTED_MEMBER,
            revoked_at__isnull=True,
        ).values_list("member_id", flat=True)
    )
    members: dict[int, dict[str, Any]] = {}
    for enquiry in enquiries:
        entry = members.setdefault(
            enquiry.member_id,
            {
                "member": enquiry.member,
                "ward": enquiry.member_ward,
                "enquiries": [],
                "consented": enquiry.member_id in consented,
                "public_id": enquiry.public_id,
            },
        )
        entry["enquiries"].append(enquiry)
    return render(
        request,
        "cases/members/family.html",
        {"case": case, "members": list(members.values())},
    )
