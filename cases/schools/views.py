"""The school's pages (its pupils, a pupil's case, the annual review, the report, provision),
the family's review and delivery pages, the caseworker's view of the school's review, and the
phase transfer lists. Every page asks the one access policy (404 for anything the user may not
see) and records each read of a child's record in the access log."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.casework.selectors import transfer_year_now
from cases.models import Case
from cases.plans.models import Plan
from cases.schools import selectors
from cases.schools.access import CASE_SCHOOL
from cases.schools.forms import ArrangeForm, EarlyReviewForm, ProvisionForm, ReportForm, ViewsForm
from cases.schools.models import (
    Invitee,
    ProvisionConfirmation,
    ReviewContribution,
    ReviewInvitation,
    SchoolReview,
)
from cases.schools.services import (
    SchoolRefused,
    open_review,
    outcome_items,
    phase_transfer_reviews_invite,
    provision_confirm,
    provision_items,
    report_prefill,
    school_review_arrange,
    school_review_circulate,
    school_review_contribute,
    school_review_report_save,
)
from cases.schools.terms import term_of
from cases.statutory import PHASE_TRANSFER_BY, PHASE_TRANSFER_POST16_BY, review_notice_by
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest

FAMILY = (Role.PARENT, Role.YOUNG_PERSON)
STAFF = (Role.CASEWORKER, Role.TEAM_MANAGER)
PHASE_TRANSFERS_PAGE = 50


def _posted(request: AuthenticatedHttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


# -- the school ---------------------------------------------------------------------------------


def _school_case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    access.role_required(request.user, Role.SCHOOL)
    return access.case_or_404(
        request.user,
        reference,
        CASE_SCHOOL,
        queryset=access.case_queryset().select_related(
            "child", "plan", "plan__named_setting", "caseworker"
        ),
    )


def _named_plan(request: AuthenticatedHttpRequest, case: Case) -> Plan:
    """Reviews and provision belong to the school named in the final plan (s.43, reg 20)."""
    plan = selectors.plan_of(case)
    if (
        plan is None
        or plan.status != Plan.Status.FINAL
        or plan.named_setting_id != request.user.setting_id
    ):
        raise Http404("No such review")
    return plan


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.SCHOOL)
    today = timezone.localdate()
    term = term_of(today)
    return render(
        request,
        "schools/home.html",
        {
            "setting": request.user.setting,
            "rows": selectors.school_pupils(request.user, today=today, term=term),
            "drafts": selectors.school_requests_unsent(request.user),
            "submitted": selectors.school_requests_sent(request.user),
            "advice": selectors.school_advice_open(request.user),
            "term": term,
            "today": today,
        },
    )


@login_required
def pupil(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _school_case(request, reference)
    access_record(
        request.user, kind=AccessKind.CASE, case=case, object_ref="School's page", request=request
    )
    today = timezone.localdate()
    term = term_of(today)
    plan = selectors.plan_of(case)
    # Nothing of a plan reaches a school before the draft is issued (plans/access.py).
    shown = plan if plan is not None and plan.status != Plan.Status.DRAFTING else None
    version = selectors.final_plan_version(shown) if shown and shown.final_version else None
    if shown is not None and version is None:
        version = shown.versions.order_by("-number").first()
    rows = selectors.school_pupils(request.user, today=today, term=term, reference=reference)
    named = bool(
        shown
        and shown.status == Plan.Status.FINAL
        and shown.named_setting_id == request.user.setting_id
    )
    return render(
        request,
        "schools/pupil.html",
        {
            "case": case,
            "plan": shown,
            "named": named,
            "outcomes": outcome_items(version),
            "items": provision_items(version),
            "steps": rows[0].steps if rows else [],
            "review": rows[0].review if rows else None,
            "record": selectors.delivery_record(shown, version) if named else [],
        },
    )


@login_required
def review(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _school_case(request, reference)
    plan = _named_plan(request, case)
    today = timezone.localdate()
    current = open_review(plan)
    form = ArrangeForm(_posted(request), today=today)
    if request.method == "POST" and form.is_valid():
        try:
            school_review_arrange(
                case=case,
                user=request.user,
                meeting_on=form.cleaned_data["meeting_on"],
                invitees=form.cleaned_data["invitees"],
                today=today,
            )
        except SchoolRefused as refused:
            form.add_error("meeting_on", str(refused))
        else:
            messages.success(request, "The meeting is arranged and the invitations have gone")
            return redirect("schools:review", reference=case.reference)
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref="Annual review",
            request=request,
        )
        if current is not None:
            existing = SchoolReview.objects.filter(review=current).first()
            form = ArrangeForm(
                today=today,
                initial={
                    "meeting_on": current.meeting_on,
                    "invitees": existing.invitees if existing else ["family", "caseworker"],
                },
            )
    return render(
        request,
        "schools/review.html",
        {"case": case, "form": form, "today": today, **selectors.review_papers(current)},
    )


@login_required
@require_POST
def circulate(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _school_case(request, reference)
    plan = _named_plan(request, case)
    current = open_review(plan)
    school_review = SchoolReview.objects.filter(review=current).first() if current else None
    if school_review is None:
        raise Http404("No review arranged")
    try:
        _, repeated = school_review_circulate(school_review=school_review, user=request.user)
    except SchoolRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            "The papers had already gone out"
            if repeated
            else "The advice and views have gone to everyone invited",
        )
    return redirect("schools:review", reference=case.reference)


@login_required
def report(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _school_case(request, reference)
    plan = _named_plan(request, case)
    current = open_review(plan)
    school_review = (
        SchoolReview.objects.select_related("review").filter(review=current).first()
        if current
        else None
    )
    if school_review is None or current is None or current.meeting_on is None:
        raise Http404("No review meeting arranged")
    version = selectors.final_plan_version(plan)
    outcomes, items = outcome_items(version), provision_items(version)
    sending = request.POST.get("action") == "send"
    prefill = report_prefill(school_review, items)
    initial: dict[str, Any] = {
        "recommended_changes": school_review.recommended_changes,
        "version": school_review.version,
    }
    for outcome in outcomes:
        initial[f"outcome_{outcome['id']}"] = school_review.outcomes.get(outcome["id"], "")
    for item in items:
        found = prefill.get(item["id"], {})
        initial[f"status_{item['id']}"] = found.get("status", "")
        initial[f"note_{item['id']}"] = found.get("note", "")
    form = ReportForm(
        _posted(request), initial=initial, outcomes=outcomes, items=items, sending=sending
    )
    if request.method == "POST" and school_review.report_sent_on is None and form.is_valid():
        try:
            school_review_report_save(
                school_review=school_review,
                user=request.user,
                version=form.cleaned_data["version"],
                outcomes=form.outcomes_answer(),
                provision=form.provision_answer(),
                recommended_changes=form.cleaned_data["recommended_changes"].strip(),
                send=sending,
            )
        except SchoolRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "The report has gone to the council" if sending else "The report is saved",
            )
            return redirect(
                "schools:review" if sending else "schools:report", reference=case.reference
            )
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref="Review report",
            request=request,
        )
    return render(
        request,
        "schools/report.html",
        {
            "case": case,
            "form": form,
            "school_review": school_review,
            "review": current,
            **{"dates": selectors.review_papers(current)["dates"]},
        },
    )


def _provision_page(
    request: AuthenticatedHttpRequest, case: Case, plan: Plan, party: str, template: str
) -> HttpResponse:
    today = timezone.localdate()
    term = term_of(today)
    version = selectors.final_plan_version(plan)
    items = provision_items(version)
    found = selectors.term_confirmations(plan, term, party)
    versions = {key: c.version for key, c in found.items()}
    initial: dict[str, Any] = {}
    for key, c in found.items():
        initial[f"status_{key}"], initial[f"note_{key}"] = c.status, c.note
    form = ProvisionForm(_posted(request), initial=initial, items=items, versions=versions)
    if request.method == "POST" and form.is_valid():
        try:
            provision_confirm(
                case=case,
                plan=plan,
                user=request.user,
                party=party,
                term=term,
                answers=form.answers(),
                versions=form.versions(),
                items=items,
            )
        except SchoolRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Thank you: the {term.label.lower()} is recorded")
            return redirect(request.path)
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref="Provision delivered",
            request=request,
        )
    return render(
        request,
        template,
        {
            "case": case,
            "form": form,
            "term": term,
            "record": selectors.delivery_record(plan, version),
        },
    )


@login_required
def provision(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _school_case(request, reference)
    plan = _named_plan(request, case)
    return _provision_page(
        request, case, plan, ProvisionConfirmation.Party.SCHOOL, "schools/provision.html"
    )


# -- the family ---------------------------------------------------------------------------------


def _family_case(request: AuthenticatedHttpRequest, reference: str) -> Case:
    access.role_required(request.user, *FAMILY)
    return access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        queryset=access.case_queryset().select_related("child", "plan", "plan__named_setting"),
    )


def _final_plan_or_404(case: Case) -> Plan:
    plan = selectors.plan_of(case)
    if plan is None or plan.final_version is None:
        raise Http404("No plan yet")
    return plan


@login_required
def family(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The family's annual review (their views before the meeting, the papers, the school's
    report) and the record of the provision delivered."""
    case = _family_case(request, reference)
    plan = _final_plan_or_404(case)
    today = timezone.localdate()
    current = open_review(plan) or selectors.latest_review(plan)
    papers = selectors.review_papers(current)
    school_review = papers.get("school_review")
    mine = next(
        (c for c in papers.get("contributions", []) if c.author_id == request.user.pk), None
    )
    form = ViewsForm(_posted(request), initial={"body": mine.body if mine else ""})
    if request.method == "POST" and form.is_valid():
        if school_review is None:
            raise Http404("No review meeting arranged")
        if _views_save(request, form, school_review):
            messages.success(request, "Thank you: your views will go to everyone invited")
            return redirect("schools:family", reference=case.reference)
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.TRACKER,
            case=case,
            object_ref="Annual review",
            request=request,
        )
    version = selectors.final_plan_version(plan)
    can_give_views = bool(
        school_review
        and current
        and current.decision_on is None
        and current.meeting_on
        and today <= current.meeting_on
        and school_review.papers_circulated_on is None
    )
    return render(
        request,
        "schools/family.html",
        {
            "case": case,
            "form": form,
            "can_give_views": can_give_views,
            "outcomes": outcome_items(version),
            "record": selectors.delivery_record(plan, version),
            "has_provision": bool(provision_items(version)),
            **papers,
        },
    )


@login_required
def family_provision(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _family_case(request, reference)
    plan = _final_plan_or_404(case)
    return _provision_page(
        request, case, plan, ProvisionConfirmation.Party.FAMILY, "schools/family_provision.html"
    )


# -- the council --------------------------------------------------------------------------------


@login_required
def staff_review(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """The caseworker's view of the school's review: dates, invitations, views, the report and
    the delivery record; the decision is made on the plan's review page (plans:review_detail)."""
    access.role_required(request.user, *STAFF, Role.HEAD_OF_SERVICE)
    writing = request.method == "POST"
    action = access.CASE_WORK if writing else access.CASE_VIEW
    case = access.case_or_404(
        request.user,
        reference,
        action,
        queryset=access.case_queryset().select_related("child", "plan"),
    )
    plan = _final_plan_or_404(case)
    current = open_review(plan) or selectors.latest_review(plan)
    papers = selectors.review_papers(current)
    school_review = papers.get("school_review")
    form = ViewsForm(_posted(request))
    if writing and form.is_valid():
        if school_review is None:
            raise Http404("No review meeting arranged")
        if _views_save(request, form, school_review):
            messages.success(request, "Your notes will go to everyone invited")
            return redirect("schools:staff_review", reference=case.reference)
    if not writing:
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref="School's annual review",
            request=request,
        )
    version = selectors.final_plan_version(plan)
    return render(
        request,
        "schools/staff_review.html",
        {
            "case": case,
            "form": form,
            "outcomes": outcome_items(version),
            "items": provision_items(version),
            "record": selectors.delivery_record(plan, version),
            **papers,
        },
    )


# -- advice givers invited to the review -------------------------------------------------------

ADVICE_INVITEES = (Invitee.ADVICE, Invitee.HEALTH, Invitee.SOCIAL_CARE)


def _views_save(
    request: AuthenticatedHttpRequest, form: ViewsForm, school_review: SchoolReview
) -> bool:
    """Save the signed-in person's views from a valid form; a refusal (the papers have gone
    out, the meeting has passed) becomes the field's error. True when saved."""
    try:
        school_review_contribute(
            school_review=school_review, user=request.user, body=form.cleaned_data["body"]
        )
    except SchoolRefused as refused:
        form.add_error("body", str(refused))
        return False
    return True


@login_required
def invitee_views(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """An advice giver invited to a school's annual review (health, social care, those who
    advised on the plan) sends their advice or views online before the papers go out (reg
    20(4)). Only the person invited sees their invitation: anyone else gets a 404."""
    access.role_required(request.user, Role.ADVICE_GIVER)
    invitation = (
        ReviewInvitation.objects.select_related(
            "school_review__case__child", "school_review__review", "school_review__setting"
        )
        .filter(pk=invitation_id, recipient=request.user, kind__in=ADVICE_INVITEES)
        .first()
    )
    if invitation is None or invitation.school_review.report_sent_on is not None:
        raise Http404("No such invitation")
    school_review = invitation.school_review
    case = school_review.case
    meeting_on = school_review.review.meeting_on
    mine = ReviewContribution.objects.filter(
        school_review=school_review, author=request.user
    ).first()
    form = ViewsForm(_posted(request), initial={"body": mine.body if mine else ""})
    form.fields["body"].label = "Your advice and views for the annual review"
    form.fields["body"].help_text = (
        "The child's progress from your service's point of view, what is working, and any "
        "change you recommend to the plan. Everyone invited to the meeting will read this."
    )
    if request.method == "POST" and form.is_valid() and _views_save(request, form, school_review):
        messages.success(request, "Thank you: your advice will go to everyone invited")
        return redirect("schools:invitee_views", invitation_id=invitation.pk)
    if request.method == "GET":
        access_record(
            request.user,
            kind=AccessKind.PLAN,
            case=case,
            object_ref="School's annual review (invited)",
            request=request,
        )
    can_give_views = bool(
        meeting_on
        and timezone.localdate() <= meeting_on
        and school_review.papers_circulated_on is None
    )
    return render(
        request,
        "schools/invitee_views.html",
        {
            "invitation": invitation,
            "case": case,
            "school_review": school_review,
            "meeting_on": meeting_on,
            "send_by": review_notice_by(meeting_on) if meeting_on else None,
            "form": form,
            "mine": mine,
            "can_give_views": can_give_views,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- phase transfers (reg 18) -------------------------------------------------------------------


def _year(request: AuthenticatedHttpRequest, today: date) -> int:
    year = transfer_year_now(today)
    asked = request.GET.get("year", "")
    if asked.isdigit() and abs(int(asked) - year) <= 5:
        year = int(asked)
    return year


@login_required
def phase_transfers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A school's pupils, or a caseworker's area, transferring phase in September: the reg 18
    date, where each review stands, and (staff) asking the schools to start those reviews now."""
    access.role_required(request.user, Role.SCHOOL, *STAFF)
    today = timezone.localdate()
    year = _year(request, today)
    school = request.user.role == Role.SCHOOL
    cohort = (
        selectors.setting_phase_transfers(request.user, year)
        if school
        else selectors.area_phase_transfers(request.user, year)
    )
    # A page at a time: an area's cohort runs to thousands at national scale.
    page = Paginator(cohort, PHASE_TRANSFERS_PAGE).get_page(
        request.POST.get("page") or request.GET.get("page")
    )
    cases = list(page.object_list)
    form = None
    if not school:
        if request.method == "POST":
            # The children ticked, from the whole cohort the user may work (any page).
            ticked = [
                str(r).replace("\x00", "")[:40]
                for r in request.POST.getlist("cases")[:PHASE_TRANSFERS_PAGE]
            ]
            offered = list(cohort.filter(reference__in=ticked))
        else:
            offered = cases
        form = EarlyReviewForm(
            _posted(request), references=[(c.reference, c.reference) for c in offered]
        )
        if request.method == "POST" and form.is_valid():
            chosen = set(form.cleaned_data["cases"])
            asked, already = phase_transfer_reviews_invite(
                cases=[c for c in offered if c.reference in chosen],
                actor=request.user,
                year=year,
                today=today,
            )
            messages.success(
                request,
                f"{asked} school{'s' if asked != 1 else ''} asked to start the review"
                + (f"; {already} had been asked already" if already else ""),
            )
            return redirect(reverse("schools:phase_transfers") + f"?year={year}")
    rows = [(c, selectors.review_standing(c)) for c in cases]
    return render(
        request,
        "schools/phase_transfers.html",
        {
            "rows": rows,
            "page": page,
            "year_query": f"year={year}",
            "year": year,
            "school": school,
            "form": form,
            "by_date": date(year, *PHASE_TRANSFER_BY),
            "post16_by_date": date(year, *PHASE_TRANSFER_POST16_BY),
        },
    )
