"""Plan pages: thin views that ask the access policy, call services and render.

Staff pages use CASE_VIEW (read) and CASE_WORK (write); family pages CASE_TRACK; school pages
`plans_access.plan_visible_to_setting`. Anything a user may not see is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.advice.selectors import advice_received_for_family
from cases.documents import document_response
from cases.models import Case, Document, SettingType
from cases.plans import access as plans_access
from cases.plans import (
    consultations,
    drafting,
    family_responses,
    issuing,
    placement,
    prefill,
    readiness,
    selectors,
    versions,
)
from cases.plans.forms import (
    NO_SETTING,
    CommentForm,
    ConsultationResponseForm,
    ConsultForm,
    DraftMeetingForm,
    FamilyResponseForm,
    FinalPlanForm,
    ItemForm,
    ReviewDecisionForm,
    ReviewMeetingForm,
    ReviewReportForm,
    SectionTextForm,
)
from cases.plans.models import Consultation, Plan, Review
from cases.plans.pdf import plan_context, plan_draft_pdf_render, plan_sections_for_display
from cases.plans.reviews import (
    review_chain,
    review_decide,
    review_issue_amended_plan,
    review_record_report,
    review_schedule,
    review_set_meeting,
)
from cases.plans.sections import BY_KEY, SECTIONS
from cases.plans.versions import PlanConflict, PlanError
from cases.statutory import amendment_comments_last_day, timeline
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest


def _staff_case(
    request: AuthenticatedHttpRequest, reference: str, action: str = access.CASE_VIEW
) -> Case:
    return access.case_or_404(
        request.user,
        reference,
        action,
        queryset=access.case_queryset().select_related("child"),
    )


def _plan_read_on_get(request: AuthenticatedHttpRequest, case: Case, object_ref: str) -> None:
    """The access log, for a page that both shows part of the plan and saves changes to it:
    showing it is a read; a change posted was read when the page was shown."""
    if request.method == "GET":
        access_record(
            request.user, kind=AccessKind.PLAN, case=case, object_ref=object_ref, request=request
        )


def _plan_of(case: Case) -> Plan:
    plan = selectors.plan_of(case)
    if plan is None:
        raise Http404("No plan yet")
    plan.case = case
    return plan


def _posted(request: HttpRequest) -> Any:
    # An empty POST is still a submission (a form with nothing chosen must show its errors).
    return request.POST if request.method == "POST" else None


def _shown(plan: Plan) -> dict[str, Any]:
    """The plan as issued: the final (or amended) plan once there is one, else the draft."""
    if plan.final_version:
        version = plan.versions.get(number=plan.final_version)
        return plan_context(plan=plan, version=version, issued_on=plan.issued_on)
    assert plan.draft_version is not None  # plans are shown once a draft is issued, which sets it
    version = plan.versions.get(number=plan.draft_version)
    return plan_context(plan=plan, version=version, issued_on=None)


def _failed(form: forms.Form, error: PlanError) -> None:
    form.add_error(None, error.message)


# --- caseworker: drafting ---


def _conflict_form(form: SectionTextForm, clash: PlanConflict) -> SectionTextForm:
    """The person's own text, kept, now based on the version they have been shown: saving
    again is their deliberate choice to replace the other person's text."""
    kept = SectionTextForm(
        {"text": form.cleaned_data["text"], "based_on": clash.theirs.number},
    )
    kept.is_valid()
    kept.add_error("text", clash.message)
    return kept


@login_required
def plan_summary(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    access_record(
        request.user, kind=AccessKind.PLAN, case=case, object_ref="Summary", request=request
    )
    plan = selectors.plan_of(case)
    context: dict[str, Any] = {"case": case, "plan": plan}
    if plan is not None:
        plan.case = case
        version = versions.plan_latest_version(plan)
        t = timeline(
            case.received_on,
            draft_issued=case.draft_issued_on,
            consultation_sent=case.consultation_sent_on,
        )
        context.update(
            version=version,
            sections=SECTIONS,
            problems=drafting.plan_readiness_problems(version.sections),
            draft_refusal=readiness.plan_draft_refusal(plan),
            final_refusal=readiness.plan_final_refusal(plan, timezone.localdate())
            if plan.status == Plan.Status.DRAFT_ISSUED
            else None,
            final_plan_due=t["final_plan"],
            draft_comments_due=t.get("draft_comments"),
            comments=plan.comments.select_related("author"),
            responses=plan.responses.select_related("preferred_setting", "submitted_by"),
            consultations=plan.consultations.select_related("setting"),
            reviews=plan.reviews.all(),
            final_plan_exceptions=issuing.final_plan_exceptions(case),
            draft_meetings=case.events.filter(kind="draft_meeting").order_by("created_at"),
            advice_waiting=prefill.advice_not_in_plan(plan, version)
            if plan.status in (Plan.Status.DRAFTING, Plan.Status.DRAFT_ISSUED)
            else [],
        )
    return render(request, "cases/plans/summary.html", context)


@login_required
@require_POST
def plan_bring_in_advice(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, access.CASE_WORK)
    plan = _plan_of(case)
    try:
        version = prefill.plan_bring_in_advice(plan=plan, actor=request.user)
    except PlanError as error:
        messages.error(request, error.message)
    else:
        if version is None:
            messages.info(request, "There is no new advice to bring in")
        else:
            messages.success(request, f"Advice brought into the plan as version {version.number}")
    return redirect("plans:summary", reference=case.reference)


@login_required
@require_POST
def plan_start(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, access.CASE_WORK)
    drafting.plan_create(case=case, actor=request.user)
    return redirect("plans:summary", reference=case.reference)


def _plan_item_remove(request: AuthenticatedHttpRequest, plan: Plan, key: str) -> HttpResponse:
    try:
        drafting.plan_item_remove(
            plan=plan, key=key, item_id=request.POST.get("item", ""), actor=request.user
        )
    except PlanError as error:
        # Nothing was typed to keep: the section page says why, above its items.
        messages.error(request, error.message)
    else:
        messages.success(request, "Item removed")
    return redirect("plans:section", reference=plan.case.reference, key=key)


@login_required
def plan_section(request: AuthenticatedHttpRequest, reference: str, key: str) -> HttpResponse:
    writing = request.method == "POST"
    case = _staff_case(request, reference, access.CASE_WORK if writing else access.CASE_VIEW)
    plan = _plan_of(case)
    section = BY_KEY.get(key)
    if section is None:
        raise Http404("No such section")
    version = versions.plan_latest_version(plan)
    _plan_read_on_get(request, case, f"Section {key}")
    content = version.sections[key]
    text_form = SectionTextForm(initial={"text": content["text"], "based_on": version.number})
    conflict: PlanConflict | None = None
    item_form = None
    if section.kind != "text":
        item_form = ItemForm(kind=section.kind, sections=version.sections)
    if writing:
        which = request.POST.get("form")
        try:
            if which == "text":
                text_form = SectionTextForm(request.POST)
                if text_form.is_valid():
                    try:
                        drafting.plan_section_update(
                            plan=plan,
                            key=key,
                            text=text_form.cleaned_data["text"],
                            based_on=text_form.cleaned_data["based_on"],
                            actor=request.user,
                            reason=text_form.cleaned_data["reason"],
                        )
                    except PlanConflict as clash:
                        conflict, text_form = clash, _conflict_form(text_form, clash)
                    else:
                        messages.success(request, f"Section {key} saved")
                        return redirect("plans:section", reference=reference, key=key)
            elif which == "item" and item_form is not None:
                item_form = ItemForm(request.POST, kind=section.kind, sections=version.sections)
                if item_form.is_valid():
                    data = item_form.cleaned_data
                    drafting.plan_item_add(
                        plan=plan,
                        key=key,
                        text=data["item_text"],
                        need=data.get("need", ""),
                        outcome=data.get("outcome", ""),
                        actor=request.user,
                        reason=data.get("item_reason", ""),
                    )
                    messages.success(request, "Item added")
                    return redirect("plans:section", reference=reference, key=key)
            elif which == "remove":
                return _plan_item_remove(request, plan, key)
            else:
                return HttpResponse("Unknown form", status=400)
        except PlanError as error:
            _failed(text_form if which == "text" else (item_form or text_form), error)
    return render(
        request,
        "cases/plans/section.html",
        {
            "case": case,
            "plan": plan,
            "section": section,
            "content": content,
            "items": [
                i
                for s in plan_sections_for_display(version.sections)
                if s["key"] == key
                for i in s["items"]
            ],
            "text_form": text_form,
            "item_form": item_form,
            "conflict": conflict,
            "their_text": conflict.theirs.sections[key]["text"] if conflict else "",
            "editable": plan.status in (Plan.Status.DRAFTING, Plan.Status.DRAFT_ISSUED)
            or versions.plan_amendment_open(plan),
        },
    )


@login_required
def plan_versions(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    plan = _plan_of(case)
    access_record(
        request.user, kind=AccessKind.PLAN, case=case, object_ref="Versions", request=request
    )
    page = Paginator(selectors.plan_versions(plan), 25).get_page(request.GET.get("page"))
    return render(request, "cases/plans/versions.html", {"case": case, "plan": plan, "page": page})


@login_required
def plan_diff(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    plan = _plan_of(case)
    try:
        older_n, newer_n = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        latest = versions.plan_latest_version(plan).number
        older_n, newer_n = max(latest - 1, 1), latest
    older = get_object_or_404(plan.versions.select_related("created_by"), number=older_n)
    newer = get_object_or_404(plan.versions.select_related("created_by"), number=newer_n)
    access_record(
        request.user,
        kind=AccessKind.PLAN,
        case=case,
        object_ref=f"Version {older_n} compared with {newer_n}",
        request=request,
    )
    return render(
        request,
        "cases/plans/diff.html",
        {
            "case": case,
            "plan": plan,
            "older": older,
            "newer": newer,
            "changes": selectors.version_diff(older, newer),
            "titles": {s.key: s.title for s in SECTIONS},
        },
    )


@login_required
def plan_preview(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    plan = _plan_of(case)
    if plan.final_version:
        version = plan.versions.get(number=plan.final_version)
        issued_on = plan.issued_on
    else:
        version, issued_on = versions.plan_latest_version(plan), None
    access_record(
        request.user,
        kind=AccessKind.PLAN,
        case=case,
        object_ref=f"Version {version.number}",
        request=request,
    )
    return render(
        request,
        "cases/plans/preview.html",
        plan_context(plan=plan, version=version, issued_on=issued_on),
    )


@login_required
def plan_issue_draft(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, access.CASE_WORK)
    plan = selectors.plan_of(case)
    if plan is not None:
        plan.case = case
    form = forms.Form(_posted(request))
    today = timezone.localdate()
    # The same check refuses the action and decides whether the page offers it.
    refusal = readiness.plan_draft_refusal(plan)
    if request.method == "POST" and form.is_valid():
        if refusal or plan is None:
            form.add_error(None, refusal or readiness.NO_PLAN)
        else:
            try:
                issuing.plan_issue_draft(plan=plan, actor=request.user, on=today)
            except PlanError as error:
                _failed(form, error)
            else:
                messages.success(request, "The draft plan was sent to the family")
                return redirect("plans:summary", reference=reference)
    comments_until = timeline(case.received_on, draft_issued=today)["draft_comments"]
    return render(
        request,
        "cases/plans/issue_draft.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "comments_until": comments_until,
            "refusal": refusal,
        },
    )


# --- caseworker: consultation and final plan ---


@login_required
def consultation_choose(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    writing = request.method == "POST"
    case = _staff_case(request, reference, access.CASE_WORK if writing else access.CASE_VIEW)
    plan = _plan_of(case)
    setting_type = request.GET.get("type", "")
    if setting_type not in SettingType.values:
        setting_type = ""
    cover_all = request.GET.get("cover") == "all"
    ranked = list(
        selectors.settings_ranked_for(
            list(case.needs or []), setting_type=setting_type, cover_all=cover_all
        )[:50]
    )
    # The panel's named setting and the family's preference first, whatever their ranking.
    _consulted, first = placement.final_plan_setting_options(plan)
    labels = {o.setting.pk: o.label for o in first}
    leading = list(
        selectors.settings_ranked_for(list(case.needs or [])).filter(pk__in=list(labels))
    )
    for setting in leading:
        setting.first_label = labels[setting.pk]  # type: ignore[attr-defined]
    ranked = sorted(leading, key=lambda s: list(labels).index(s.pk)) + [
        s for s in ranked if s.pk not in labels
    ]
    form = ConsultForm(_posted(request), settings=ranked)
    if writing and form.is_valid():
        try:
            sent = consultations.consultation_send(
                plan=plan, settings=form.chosen(), actor=request.user
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, f"{len(sent)} setting(s) consulted")
            return redirect("plans:summary", reference=reference)
    return render(
        request,
        "cases/plans/consult.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "ranked": ranked,
            "needs": case.needs or [],
            "setting_types": SettingType.choices,
            "setting_type": setting_type,
            "cover_all": cover_all,
        },
    )


@login_required
def plan_issue_final(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference, access.CASE_WORK)
    plan = _plan_of(case)
    # Only a consulted setting can be named (s.39(2), s.40(2)); the panel's named setting and
    # the family's preference are offered first, labelled, or pointed to for consultation.
    options, not_consulted = placement.final_plan_setting_options(plan)
    initial = {"named_setting": str(options[0].setting.pk) if options else None}
    form = FinalPlanForm(_posted(request), options=options, initial=initial)
    refusal = readiness.plan_final_refusal(plan, timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            issuing.plan_issue_final(
                plan=plan,
                actor=request.user,
                named_setting=form.chosen_setting(),
                sen2=form.sen2_details(),
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, "The final plan was issued")
            return redirect("plans:summary", reference=reference)
    return render(
        request,
        "cases/plans/issue_final.html",
        {
            "case": case,
            "plan": plan,
            "form": form,
            "refusal": refusal,
            "not_consulted": not_consulted,
            "none_chosen": form.is_bound and form.data.get("named_setting") == NO_SETTING,
            "final_plan_due": timeline(case.received_on)["final_plan"],
            "exceptions": issuing.final_plan_exceptions(case),
        },
    )


@login_required
def plan_draft_meeting(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Record the meeting the family asked for about the draft (CoP 9.77)."""
    case = _staff_case(request, reference, access.CASE_WORK)
    plan = _plan_of(case)
    if plan.status == Plan.Status.DRAFTING:
        raise Http404("The draft has not been sent")
    form = DraftMeetingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            family_responses.plan_draft_meeting_record(
                plan=plan, actor=request.user, **form.cleaned_data
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, "The meeting was recorded on the case timeline")
            return redirect("plans:summary", reference=reference)
    return render(
        request, "cases/plans/draft_meeting.html", {"case": case, "plan": plan, "form": form}
    )


# --- files: final plan and letters ---


@login_required
def plan_file(request: AuthenticatedHttpRequest, reference: str, public_id: str) -> FileResponse:
    """A plan PDF or plan letter, for staff, the family, or the named/consenting setting."""
    user = request.user
    doc = (
        Document.objects.select_related("case__plan")
        .filter(
            public_id=public_id,
            case__reference=reference,
            kind__in=[Document.Kind.PLAN, Document.Kind.LETTER],
        )
        .first()
    )
    if doc is None or doc.case is None:
        raise Http404("No such document")
    case = doc.case
    allowed = access.may(user, access.CASE_VIEW, case) or (
        doc.family_visible and access.may(user, access.CASE_TRACK, case)
    )
    if not allowed and doc.kind == Document.Kind.PLAN and hasattr(case, "plan"):
        allowed = plans_access.plan_visible_to_setting(user, case.plan)
    if not allowed:
        raise Http404("No such document")
    access_record(user, kind=AccessKind.PLAN, case=case, object_ref=doc.title, request=request)
    return document_response(doc, filename=f"{case.reference}-{doc.kind}.pdf")


# --- family: the draft, comments and response ---


def _family_plan(request: AuthenticatedHttpRequest, reference: str) -> Plan:
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.case_queryset().select_related("child"),
    )
    plan = selectors.plan_of(case)
    # The family sees the plan from the day the draft is sent to them, not while it is drafted.
    if plan is None or plan.status == Plan.Status.DRAFTING:
        raise Http404("No plan yet")
    plan.case = case
    return plan


@login_required
def plan_family(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    plan = _family_plan(request, reference)
    case = plan.case
    _plan_read_on_get(request, case, "Plan")
    form = CommentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            family_responses.plan_comment_add(
                plan=plan,
                section=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
                author=request.user,
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, "Your comment was saved")
            return redirect("plans:family", reference=reference)
    amending = (
        plan.reviews.filter(
            decision=Review.Decision.AMEND,
            amended_issued_on__isnull=True,
            proposed_version__isnull=False,
        ).first()
        if plan.status == Plan.Status.FINAL
        else None
    )
    comments_until: date | None
    if amending is not None:
        # reviews.py sets the proposed version and the date the amendments were sent together.
        assert amending.proposed_version is not None and amending.amendments_sent_on is not None
        version = plan.versions.get(number=amending.proposed_version)
        context = plan_context(plan=plan, version=version, issued_on=None, proposed=True)
        comments_until = amendment_comments_last_day(amending.amendments_sent_on)
        comments_open = family_responses.amendment_comments_open(plan) is not None
        context["amended_due"] = timeline(
            case.received_on, amendments_sent=amending.amendments_sent_on
        )["amended_plan"]
    else:
        context = _shown(plan)
        comments_until = (
            timeline(case.received_on, draft_issued=case.draft_issued_on)["draft_comments"]
            if case.draft_issued_on
            else None
        )
        comments_open = plan.status == Plan.Status.DRAFT_ISSUED
    context.update(
        form=form,
        comments=plan.comments.select_related("author"),
        response=plan.responses.select_related("preferred_setting").first(),
        comments_until=comments_until,
        comments_open=comments_open,
        amending=amending,
        advice_received=(
            advice_received_for_family(case.pk) if case.draft_issued_on is not None else []
        ),
    )
    return render(request, "cases/plans/family.html", context)


@login_required
def plan_family_draft_pdf(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The draft plan the family is commenting on, as a PDF to keep, print or share. Made on
    request (there is one draft at a time and it is read far less than it is written); the
    final plan's PDF is made once when it is issued (plan_file)."""
    plan = _family_plan(request, reference)
    if plan.status != Plan.Status.DRAFT_ISSUED or plan.draft_version is None:
        raise Http404("No draft open")
    version = plan.versions.get(number=plan.draft_version)
    access_record(
        request.user,
        kind=AccessKind.PLAN,
        case=plan.case,
        object_ref=f"Draft plan PDF, version {version.number}",
        request=request,
    )
    pdf = plan_draft_pdf_render(plan=plan, version=version)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{plan.case.reference}-draft-plan-version-{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def plan_family_respond(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    plan = _family_plan(request, reference)
    if plan.status != Plan.Status.DRAFT_ISSUED:
        raise Http404("The draft is not open")
    form = FamilyResponseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            family_responses.plan_family_respond(
                plan=plan,
                actor=request.user,
                preferred_setting=data["preferred_setting"],
                preference_reasons=data["preference_reasons"],
                wants_meeting=data["wants_meeting"] == "yes",
                share_with_setting=data["share_with_setting"],
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, "Your response to the draft plan was sent")
            return redirect("plans:family", reference=reference)
    return render(
        request, "cases/plans/family_respond.html", {"plan": plan, "case": plan.case, "form": form}
    )


# --- school: consultations and named plans ---


@login_required
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.SCHOOL)
    page = Paginator(selectors.consultations_for_setting(request.user), 25).get_page(
        request.GET.get("page")
    )
    named = selectors.named_plans_for_setting(request.user)[:50]
    return render(
        request,
        "cases/plans/school_list.html",
        {"page": page, "named": named, "today": timezone.localdate()},
    )


@login_required
def consultation_respond(request: AuthenticatedHttpRequest, public_id: str) -> HttpResponse:
    access.role_required(request.user, Role.SCHOOL)
    consultation = (
        Consultation.objects.select_related("plan__case__child", "setting")
        .filter(public_id=public_id, setting_id=request.user.setting_id or -1)
        .first()
    )
    if consultation is None or not plans_access.plan_visible_to_setting(
        request.user, consultation.plan
    ):
        raise Http404("No such consultation")
    plan = consultation.plan
    _plan_read_on_get(request, plan.case, "Consultation")
    form = ConsultationResponseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultations.consultation_respond(
                consultation=consultation,
                actor=request.user,
                can_meet_needs=data["can_meet_needs"] == "yes",
                reasons=data["reasons"],
                annual_cost=data["annual_cost"],
            )
        except PlanError as error:
            _failed(form, error)
        else:
            messages.success(request, "Your answer was sent to the council")
            return redirect("plans:consultation_list")
    assert plan.draft_version is not None  # a setting sees a plan only once its draft is issued
    version = plan.versions.get(number=plan.draft_version)
    context = plan_context(plan=plan, version=version, issued_on=None)
    context.update(consultation=consultation, form=form)
    return render(request, "cases/plans/school_respond.html", context)


@login_required
def plan_setting(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    plan = plans_access.plan_for_setting_or_404(request.user, reference)
    access_record(request.user, kind=AccessKind.PLAN, case=plan.case, request=request)
    context = _shown(plan)
    return render(request, "cases/plans/school_plan.html", context)


# --- caseworker: annual reviews ---


@login_required
def review_list(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    writing = request.method == "POST"
    case = _staff_case(request, reference, access.CASE_WORK if writing else access.CASE_VIEW)
    plan = _plan_of(case)
    form = forms.Form(_posted(request))
    if writing and form.is_valid():
        try:
            review = review_schedule(plan=plan, actor=request.user)
        except PlanError as error:
            _failed(form, error)
        else:
            return redirect("plans:review_detail", reference=reference, review_id=review.pk)
    return render(
        request,
        "cases/plans/reviews.html",
        {"case": case, "plan": plan, "reviews": plan.reviews.all(), "form": form},
    )


@login_required
def review_detail(
    request: AuthenticatedHttpRequest, reference: str, review_id: int
) -> HttpResponse:
    writing = request.method == "POST"
    case = _staff_case(request, reference, access.CASE_WORK if writing else access.CASE_VIEW)
    plan = _plan_of(case)
    review = get_object_or_404(plan.reviews.select_related("letter"), pk=review_id)
    review.plan = plan
    _plan_read_on_get(request, case, f"Review due {review.due_on:%B %Y}")
    forms_: dict[str, forms.Form] = {
        "meeting": ReviewMeetingForm(prefix="meeting", initial={"meeting_on": review.meeting_on}),
        "report": ReviewReportForm(prefix="report"),
        "decision": ReviewDecisionForm(prefix="decision"),
        "amended": forms.Form(prefix="amended"),
    }
    if writing:
        which = request.POST.get("form", "")
        classes = {
            "meeting": ReviewMeetingForm,
            "report": ReviewReportForm,
            "decision": ReviewDecisionForm,
            "amended": forms.Form,
        }
        if which not in classes:
            return HttpResponse("Unknown form", status=400)
        form = classes[which](request.POST, prefix=which)
        forms_[which] = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "meeting":
                    review_set_meeting(
                        review=review, meeting_on=data["meeting_on"], actor=request.user
                    )
                elif which == "report":
                    review_record_report(
                        review=review, received_on=data["received_on"], actor=request.user
                    )
                elif which == "decision":
                    review_decide(
                        review=review,
                        decision=data["decision"],
                        reasons=data["reasons"],
                        actor=request.user,
                        cease_reason=data["cease_reason"],
                    )
                else:
                    review_issue_amended_plan(review=review, actor=request.user)
            except PlanError as error:
                _failed(form, error)
            else:
                messages.success(request, "Review updated")
                return redirect("plans:review_detail", reference=reference, review_id=review.pk)
    case.refresh_from_db()
    return render(
        request,
        "cases/plans/review.html",
        {
            "case": case,
            "plan": plan,
            "review": review,
            "dates": review_chain(review),
            "forms": forms_,
            "errors_form": next((f for f in forms_.values() if f.is_bound and f.errors), None),
        },
    )
