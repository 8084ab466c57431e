"""Pages of quality: the QA officer's audits, complaints, the contact log, surveys and the
managers' reading of survey comments. Thin: the access policy decides (404 for anything the user
may not see), services write, and every read of a child's record is in the access log."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.plans.sections import SECTIONS
from cases.quality import access as quality_access
from cases.quality import selectors, services
from cases.quality.forms import (
    AuditForm,
    CloseForm,
    ComplaintForm,
    ContactForm,
    EscalateForm,
    ModerationForm,
    SurveyForm,
)
from cases.quality.models import Complaint, PlanAudit, SurveyInvitation, SurveyResponse
from cases.quality.surveys import SurveyAnswered, survey_answer
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest

PAGE_SIZE = 25


# --- plan audits --------------------------------------------------------------------------------


@login_required
def qa_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The QA officer's work: plans sampled to audit, audits awaiting a second auditor."""
    access.role_required(request.user, Role.QA_OFFICER)
    audits = quality_access.audits_for(request.user, quality_access.AUDIT_DO).select_related(
        "case", "caseworker", "team", "auditor"
    )
    to_audit = list(audits.filter(status=PlanAudit.Status.SAMPLED).order_by("month", "pk")[:100])
    to_moderate = list(
        audits.filter(status=PlanAudit.Status.AUDITED)
        .exclude(auditor=request.user)
        .order_by("audited_at")[:100]
    )
    done = list(audits.exclude(status=PlanAudit.Status.SAMPLED).order_by("-audited_at")[:20])
    return render(
        request,
        "quality/qa_home.html",
        {
            "to_audit": to_audit,
            "to_moderate": to_moderate,
            "done": done,
            "settings": selectors.quality_settings(),
        },
    )


def _plan_sections(audit: PlanAudit) -> list[tuple[str, dict[str, Any]]]:
    version = (
        audit.plan.versions.filter(number=audit.version_number).first()
        if audit.version_number
        else None
    ) or audit.plan.versions.order_by("-number").first()
    content = version.sections if version is not None else {}
    return [(s.title, content.get(s.key, {})) for s in SECTIONS]


@login_required
def audit_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A QA officer grades a sampled plan (or moderates another's audit); the caseworker and
    managers read a graded audit and its actions."""
    user = request.user
    if user.role == Role.QA_OFFICER:
        audit = quality_access.audit_or_404(user, public_id, quality_access.AUDIT_DO)
    else:
        audit = quality_access.audit_or_404(user, public_id, quality_access.AUDIT_READ)
    access_record(
        user, kind=AccessKind.PLAN, case=audit.case, object_ref=f"audit:{audit.pk}", request=request
    )
    criteria = selectors.criteria_active()
    audit_form: AuditForm | None = None
    moderation_form: ModerationForm | None = None
    may_grade = user.role == Role.QA_OFFICER and audit.status == PlanAudit.Status.SAMPLED
    may_moderate = (
        user.role == Role.QA_OFFICER
        and audit.status == PlanAudit.Status.AUDITED
        and audit.auditor_id != user.pk
    )
    # The case's caseworker (or their manager) says the audit's actions are done, once.
    may_mark_done = (
        user.role in (Role.CASEWORKER, Role.TEAM_MANAGER)
        and bool(audit.action_for_caseworker)
        and audit.action_done_at is None
    )
    if request.method == "POST" and "actions_done" in request.POST:
        if not may_mark_done:
            raise Http404("Not found")
        services.audit_action_done(audit=audit, actor=user)
        messages.success(request, "The audit's actions are recorded as done on the case.")
        return redirect("quality:audit", public_id=audit.public_id)
    posted = request.POST if request.method == "POST" else None
    if request.method == "POST" and not (may_grade or may_moderate):
        raise Http404("Not found")
    if may_grade:
        audit_form = AuditForm(posted, criteria=criteria)
    if may_moderate:
        moderation_form = ModerationForm(posted)
    status = 200
    try:
        if audit_form is not None and audit_form.is_valid():
            data = audit_form.cleaned_data
            services.audit_grade(
                audit=audit,
                auditor=user,
                grade=data["grade"],
                comments=data["comments"],
                action_for_caseworker=data["action_for_caseworker"],
                scores=[
                    services.CriterionGrade(c.pk, data[f"c{c.pk}"], data[f"c{c.pk}_comment"])
                    for c in criteria
                ],
            )
            messages.success(request, "Audit saved. It now awaits moderation by a second auditor.")
            return redirect("quality:home")
        if moderation_form is not None and moderation_form.is_valid():
            data = moderation_form.cleaned_data
            services.audit_moderate(
                audit=audit,
                moderator=user,
                grade=data["moderated_grade"],
                comments=data["moderation_comments"],
            )
            messages.success(request, "Moderation saved.")
            return redirect("quality:home")
    except services.QualityError as refused:
        form = audit_form or moderation_form
        assert form is not None
        form.add_error(None, refused.message)
        status = 409
    if request.method == "POST" and status == 200:
        status = 400
    scores = list(audit.scores.select_related("criterion").order_by("criterion__order"))
    return render(
        request,
        "quality/audit.html",
        {
            "audit": audit,
            "sections": _plan_sections(audit) if user.role == Role.QA_OFFICER else [],
            "audit_form": audit_form,
            "moderation_form": moderation_form,
            "scores": scores,
            "may_mark_done": may_mark_done,
        },
        status=status,
    )


@login_required
@require_POST
def signoff_request(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    access.role_required(request.user, *quality_access.CASE_STAFF_ROLES)
    case = access.case_or_404(request.user, reference, access.CASE_WORK)
    try:
        services.audit_signoff_request(case=case, actor=request.user)
    except services.QualityError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, "A quality assurance officer has been asked to sign off the plan."
        )
    return redirect("casework:case_plan", reference=case.reference)


# --- complaints ---------------------------------------------------------------------------------


@login_required
def complaint_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *quality_access.CASE_STAFF_ROLES)
    complaints = (
        quality_access.complaints_for(request.user, quality_access.COMPLAINT_HANDLE)
        .select_related("case", "handler")
        .order_by("stage", "response_due_on", "pk")
    )
    show = request.GET.get("show", "open")
    if show != "all":
        complaints = complaints.exclude(stage=Complaint.Stage.CLOSED)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/complaint_list.html",
        {"page": page, "show": show, "today": timezone.localdate()},
    )


@login_required
def complaint_new(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    access.role_required(request.user, *quality_access.CASE_STAFF_ROLES)
    case = access.case_or_404(request.user, reference, access.CASE_WORK)
    access_record(request.user, kind=AccessKind.CASE, case=case, request=request)
    form = ComplaintForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            complaint = services.complaint_record(
                case=case,
                kind=data["kind"],
                received_on=data["received_on"],
                summary=data["summary"],
                actor=request.user,
            )
            messages.success(request, "Complaint recorded. The family can see it on their tracker.")
            return redirect("quality:complaint", public_id=complaint.public_id)
        return render(
            request, "quality/complaint_new.html", {"case": case, "form": form}, status=400
        )
    return render(request, "quality/complaint_new.html", {"case": case, "form": form})


@login_required
def complaint_detail(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> HttpResponse:
    access.role_required(request.user, *quality_access.CASE_STAFF_ROLES)
    complaint = quality_access.complaint_or_404(
        request.user, public_id, quality_access.COMPLAINT_HANDLE
    )
    access_record(
        request.user,
        kind=AccessKind.CASE,
        case=complaint.case,
        object_ref=f"complaint:{complaint.pk}",
        request=request,
    )
    initial = {"version": complaint.version}
    step = request.POST.get("step") if request.method == "POST" else None
    escalate = EscalateForm(request.POST if step == "escalate" else None, initial=initial)
    close = CloseForm(request.POST if step == "close" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if step == "escalate" and escalate.is_valid():
                services.complaint_escalate(
                    complaint=complaint,
                    version=escalate.cleaned_data["version"],
                    started_on=escalate.cleaned_data["started_on"],
                    actor=request.user,
                )
                messages.success(request, "The complaint moved to its next stage.")
                return redirect("quality:complaint", public_id=complaint.public_id)
            if step == "close" and close.is_valid():
                data = close.cleaned_data
                services.complaint_close(
                    complaint=complaint,
                    version=data["version"],
                    closed_on=data["closed_on"],
                    outcome=data["outcome"],
                    outcome_summary=data["outcome_summary"],
                    remedy=data["remedy"],
                    actor=request.user,
                )
                messages.success(request, "Outcome recorded and the complaint closed.")
                return redirect("quality:complaint", public_id=complaint.public_id)
        except services.QualityError as refused:
            (escalate if step == "escalate" else close).add_error(None, refused.message)
            status = 409
    return render(
        request,
        "quality/complaint.html",
        {
            "complaint": complaint,
            "escalate": escalate,
            "close": close,
            "next_stage": services.STAGE_AFTER.get(Complaint.Stage(complaint.stage)),
        },
        status=status,
    )


@login_required
def family_complaints(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The family's complaints about their child's case, with their stages and outcomes."""
    access.role_required(request.user, Role.PARENT, Role.YOUNG_PERSON)
    case = access.case_or_404(request.user, reference, access.CASE_TRACK)
    access_record(request.user, kind=AccessKind.TRACKER, case=case, request=request)
    complaints = quality_access.complaints_for(
        request.user, quality_access.COMPLAINT_FAMILY
    ).filter(case=case)
    return render(
        request, "quality/family_complaints.html", {"case": case, "complaints": list(complaints)}
    )


# --- the contact log ----------------------------------------------------------------------------


@login_required
def contact_new(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Log a call, email or meeting on the case: one short form."""
    access.role_required(request.user, *quality_access.CASE_STAFF_ROLES)
    case = access.case_or_404(request.user, reference, access.CASE_WORK)
    access_record(request.user, kind=AccessKind.CASE, case=case, request=request)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.contact_log(
                case=case,
                call_type=data["call_type"],
                channel=data["channel"],
                contact_with=data["contact_with"],
                inbound=data["inbound"],
                note=data["note"],
                happened_on=data["happened_on"],
                actor=request.user,
                idempotency_key=data["idempotency_key"],
            )
            messages.success(request, "Contact logged.")
            return redirect("casework:case_timeline", reference=case.reference)
        status = 400
    else:
        form = ContactForm(
            initial={"idempotency_key": uuid.uuid4(), "happened_on": timezone.localdate()}
        )
        status = 200
    return render(
        request,
        "quality/contact_new.html",
        {"case": case, "form": form, "recent": selectors.case_contacts(case, limit=5)},
        status=status,
    )


# --- surveys ------------------------------------------------------------------------------------


@login_required
def survey(request: AuthenticatedHttpRequest, token: uuid.UUID) -> HttpResponse:
    """A short, optional survey. Only the person invited finds it; the page shows nothing about
    anyone else who answered."""
    invitation = (
        SurveyInvitation.objects.filter(token=token, respondent=request.user)
        .select_related("case")
        .first()
    )
    if invitation is None:
        raise Http404("Not found")
    if invitation.answered:
        if request.method == "POST":
            return redirect("quality:survey", token=invitation.token)
        return render(request, "quality/survey_done.html", {"invitation": invitation})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            with contextlib.suppress(SurveyAnswered):
                survey_answer(
                    invitation=invitation,
                    satisfaction=data["satisfaction"],
                    listened_to=data["listened_to"],
                    clear=data["clear"],
                    comment=data["comment"],
                )
            return redirect("quality:survey", token=invitation.token)
        return render(
            request, "quality/survey.html", {"invitation": invitation, "form": form}, status=400
        )
    return render(request, "quality/survey.html", {"invitation": invitation, "form": form})


@login_required
def survey_comments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What families and schools wrote, for managers: their area's (the head of service: the
    council's), by month and decision point, with nothing that names a case or a person."""
    access.role_required(request.user, *quality_access.MANAGER_ROLES)
    responses = SurveyResponse.objects.exclude(comment="").order_by("-month", "-pk")
    if request.user.role == Role.TEAM_MANAGER:
        responses = responses.filter(area_id=access.managed_area_id_or_404(request.user))
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/survey_comments.html", {"page": page})
