"""The front door (request pages for families, schools and caseworkers) and the family tracker.

Views are thin: the access policy decides who sees what (404 otherwise), services write, and
every form re-shows what was typed with GOV.UK error messages when something is wrong.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cases.documents import size_label
from cases.event_pages import case_events_page
from cases.statutory import timeline
from cases.workflow import ACTIONS, TransitionRefused, refusal_reason
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest, is_signed_in
from families import services
from families import steps as flow
from families.access import draft_or_404
from families.forms import (
    ChildAddForm,
    ClaimForm,
    MessageForm,
    StartRequestForm,
    StepForm,
    WithdrawForm,
)
from families.models import RequestDraft
from families.selectors import (
    children_of,
    consents_for_child,
    drafts_open_for,
    plan_for_tracker,
    tracker_documents,
    tracker_messages,
)
from families.tracker import tracker_summary

FAMILY = (Role.PARENT, Role.YOUNG_PERSON)
STAFF = (Role.CASEWORKER, Role.TEAM_MANAGER)
CLAIM_CODE_SESSION_KEY = "claim_code:{}"
PENDING_KEY = "request_answers_pending_sign_in"
PENDING_MAX = 100_000  # characters kept in the session for a page sent after a timeout


# --- Home pages ---------------------------------------------------------------------------------


@login_required
def family_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *FAMILY)
    return render(
        request,
        "families/home.html",
        {
            "children": children_of(request.user),
            "drafts": drafts_open_for(request.user),
        },
    )


@login_required
def school_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The school's first home page, kept at its address: the school's home is now its pupils'
    page (cases.schools), which lists these requests too."""
    access.role_required(request.user, Role.SCHOOL)
    return redirect("schools:home")


@login_required
def child_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *FAMILY)
    form = ChildAddForm(request.POST or None, young_person=request.user.role == Role.YOUNG_PERSON)
    if request.method == "POST" and form.is_valid():
        child = services.child_add(user=request.user, **form.cleaned_data)
        messages.success(request, f"{child.full_name} has been added")
        return redirect("families:home")
    return render(request, "families/child_add.html", {"form": form})


# --- Starting a request -------------------------------------------------------------------------


@login_required
def request_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A family chooses which of their children the request is for."""
    access.role_required(request.user, *FAMILY)
    children = list(children_of(request.user))
    if not children:
        return redirect("families:child_add")
    form = StartRequestForm(request.POST or None, children=children)
    if request.method == "POST" and form.is_valid():
        child = next(c for c in children if str(c.pk) == form.cleaned_data["child"])
        draft = services.request_draft_start(
            user=request.user, route=RequestDraft.Route.FAMILY, child=child
        )
        return redirect("families:request_resume", draft.public_id)
    return render(request, "families/request_start.html", {"form": form, "children": children})


@login_required
def school_request_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, Role.SCHOOL)
    if request.user.setting_id is None:
        raise Http404("No setting")
    if request.method == "POST":
        draft = services.request_draft_start(
            user=request.user, route=RequestDraft.Route.SCHOOL, setting=request.user.setting
        )
        return redirect("families:request_resume", draft.public_id)
    return render(request, "families/request_begin.html", {"route": "school"})


@login_required
def assisted_request_start(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *STAFF)
    if request.method == "POST":
        draft = services.request_draft_start(user=request.user, route=RequestDraft.Route.ASSISTED)
        return redirect("families:request_resume", draft.public_id)
    return render(
        request,
        "families/request_begin.html",
        {"route": "assisted", "drafts": drafts_open_for(request.user)},
    )


# --- The question pages -------------------------------------------------------------------------


def _draft(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> RequestDraft:
    return draft_or_404(request.user, draft_id)


def _after_submission(request: HttpRequest, draft: RequestDraft) -> HttpResponse:
    if draft.created_by_id == request.user.pk:
        return redirect("families:request_done", draft.public_id)
    assert draft.case is not None  # only submitted requests come here
    return redirect("families:track", draft.case.reference)


@login_required
def request_resume(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """Back to the first page still to answer, or to "check your answers"."""
    draft = _draft(request, draft_id)
    if draft.is_submitted:
        return _after_submission(request, draft)
    for step in flow.steps_for(draft, request.user):
        if not flow.is_answered(draft, step):
            return redirect("families:request_step", draft.public_id, step.slug)
    return redirect("families:request_check", draft.public_id)


def _neighbours(
    draft: RequestDraft, user: object, step: flow.Step
) -> tuple[flow.Step | None, flow.Step | None]:
    steps = flow.steps_for(draft, user)  # type: ignore[arg-type]
    index = steps.index(step)
    previous = steps[index - 1] if index > 0 else None
    following = steps[index + 1] if index + 1 < len(steps) else None
    return previous, following


def _step_or_404(draft: RequestDraft, user: object, slug: str) -> flow.Step:
    step = flow.BY_SLUG.get(slug)
    if step is None or step not in flow.steps_for(draft, user):  # type: ignore[arg-type]
        raise Http404("No such page")
    return step


def _next_url(draft: RequestDraft, following: flow.Step | None, back_to_check: bool) -> str:
    if back_to_check or following is None:
        return reverse("families:request_check", args=[draft.public_id])
    return reverse("families:request_step", args=[draft.public_id, following.slug])


def _keep_answers_until_signed_in(request: HttpRequest, draft_id: uuid.UUID, step: str) -> None:
    """A page sent after the session timed out: keep what was typed in this browser's session
    until the person signs in again (the draft itself is only touched once we know who they
    are and that they may see it)."""
    data = {
        k: v
        for k, v in request.POST.lists()
        if k not in ("csrfmiddlewaretoken", "save_later", "signout")
    }
    if sum(len(k) + sum(len(v) for v in values) for k, values in data.items()) <= PENDING_MAX:
        request.session[PENDING_KEY] = {"draft": str(draft_id), "step": step, "data": data}


def _restore_answers_typed_before_sign_in(
    request: AuthenticatedHttpRequest, draft: RequestDraft, page: flow.Step
) -> None:
    pending = request.session.get(PENDING_KEY)
    if (
        not pending
        or pending.get("draft") != str(draft.public_id)
        or pending.get("step") != page.slug
    ):
        return
    del request.session[PENDING_KEY]
    services.request_step_save(draft=draft, step=page, data=pending["data"], user=request.user)
    messages.info(
        request, "We kept what you typed before you were signed out. Check it and continue."
    )


def _parent_invite_when_changed(
    request: AuthenticatedHttpRequest, draft: RequestDraft, page: flow.Step, form: StepForm
) -> None:
    """A school naming (or correcting) the parent's email invites that parent; a refusal
    becomes an error on the email field."""
    new_email = form.cleaned_data.get("parent_email", "").strip().lower()
    if page.slug != "parent-contact" or new_email == services.request_invited_email(draft):
        return
    try:
        services.request_parent_invite(draft=draft, user=request.user)
        messages.success(request, "We have emailed the parent or carer")
    except services.InviteRefused as exc:
        form.add_error("parent_email", str(exc))


def request_step(request: HttpRequest, draft_id: uuid.UUID, step: str) -> HttpResponse:
    if not is_signed_in(request):
        if request.method == "POST":
            _keep_answers_until_signed_in(request, draft_id, step)
        return redirect_to_login(request.get_full_path())
    draft = _draft(request, draft_id)
    if draft.is_submitted:
        return _after_submission(request, draft)
    page = _step_or_404(draft, request.user, step)
    if page.form is None:
        return redirect("families:request_evidence", draft.public_id)
    _restore_answers_typed_before_sign_in(request, draft, page)
    previous, following = _neighbours(draft, request.user, page)
    back_to_check = request.GET.get("return") == "check" or request.POST.get("next") == "check"
    if request.method == "POST":
        services.request_step_save(
            draft=draft, step=page, data=dict(request.POST.lists()), user=request.user
        )
        form = flow.bound_form(draft, page, request.user)
        if "save_later" in request.POST:
            messages.success(request, "Your answers have been saved. You can come back to them.")
            return redirect("home")
        if "signout" in request.POST:
            return _sign_out_keeping_answers(request)
        if form.is_valid():
            _parent_invite_when_changed(request, draft, page, form)
            if form.is_valid():
                return redirect(_next_url(draft, following, back_to_check))
    elif flow.is_answered(draft, page):
        form = flow.bound_form(draft, page, request.user)
    else:
        form = page.form(draft=draft, user=request.user)
    back = (
        reverse("families:request_check", args=[draft.public_id])
        if back_to_check
        else reverse("families:request_step", args=[draft.public_id, previous.slug])
        if previous
        else _home_url(request)
    )
    return render(
        request,
        "families/request_step.html",
        {
            "draft": draft,
            "step": page,
            "form": form,
            # A lone checkbox (the declaration) cannot be the page's heading: it gets an h1.
            "single": len(form.fields) == 1
            and not isinstance(next(iter(form.fields.values())), forms.BooleanField),
            "back_url": back,
            "back_to_check": back_to_check,
        },
    )


def _sign_out_keeping_answers(request: HttpRequest) -> HttpResponse:
    """ "Sign out" from a question page: the answers are already saved in the draft, so the
    person can sign out without losing what they typed (the header button sends the page's
    form here with signout=1; see static/js/app.js)."""
    adapter = get_account_adapter(request)
    url = adapter.get_logout_redirect_url(request)
    adapter.logout(request)
    messages.success(
        request, "Your answers have been saved and you have signed out. Sign in to continue."
    )
    return redirect(url)


def _home_url(request: HttpRequest) -> str:
    return reverse("home")


@login_required
def request_evidence(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.is_submitted:
        return _after_submission(request, draft)
    page = _step_or_404(draft, request.user, "evidence")
    previous, following = _neighbours(draft, request.user, page)
    back_to_check = request.GET.get("return") == "check" or request.POST.get("next") == "check"
    errors: list[str] = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if "upload" in request.POST:
            if not uploads:
                errors.append("Select a file to upload")
            for upload in uploads:
                try:
                    services.request_evidence_add(draft=draft, upload=upload, user=request.user)
                except ValidationError as exc:
                    name = (upload.name or "file").replace("\x00", "")[:100]
                    errors.extend(f"{name}: {message}" for message in exc.messages)
            if not errors:
                messages.success(
                    request, f"{len(uploads)} file{'s' if len(uploads) != 1 else ''} uploaded"
                )
                return redirect(request.get_full_path())
        else:
            services.request_step_save(draft=draft, step=page, data={}, user=request.user)
            return redirect(_next_url(draft, following, back_to_check))
    back = (
        reverse("families:request_check", args=[draft.public_id])
        if back_to_check
        else reverse("families:request_step", args=[draft.public_id, previous.slug])
        if previous
        else _home_url(request)
    )
    return render(
        request,
        "families/request_evidence.html",
        {
            "draft": draft,
            "step": page,
            "documents": draft.documents.order_by("created_at"),
            "errors": errors,
            "max_upload_label": size_label(settings.UPLOAD_MAX_BYTES),
            "back_url": back,
            "back_to_check": back_to_check,
        },
        status=200,
    )


@login_required
@require_POST
def request_evidence_remove(
    request: AuthenticatedHttpRequest, draft_id: uuid.UUID, document_id: uuid.UUID
) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.is_submitted or not services.request_evidence_remove(
        draft=draft, public_id=document_id
    ):
        raise Http404("No such file")
    messages.success(request, "The file has been removed")
    return redirect("families:request_evidence", draft.public_id)


def _check_sections(draft: RequestDraft, user: object) -> list[dict]:
    """The "check your answers" summary: each page's questions and answers, with Change links."""
    sections = flow.answer_sections(draft, user, flow.steps_for(draft, user))  # type: ignore[arg-type]
    for section in sections:
        for row in section["rows"]:
            row["url"] = (
                reverse("families:request_step", args=[draft.public_id, row["step"]])
                + "?return=check"
            )
            row["change_label"] = row["key"].lower()
    return sections


@login_required
def request_check(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.is_submitted:
        return _after_submission(request, draft)
    family_viewer = flow.is_family_viewer(draft, request.user)
    problems: list[str] = []
    if request.method == "POST" and not family_viewer:
        try:
            case, created = services.request_submit(draft=draft, user=request.user)
        except services.RequestIncomplete as exc:
            problems = exc.problems
        else:
            if created and draft.route == RequestDraft.Route.ASSISTED:
                code = services.claim_code_issue(case=case, user=request.user)
                request.session[CLAIM_CODE_SESSION_KEY.format(draft.public_id)] = code
            return redirect("families:request_done", draft.public_id)
    return render(
        request,
        "families/request_check.html",
        {
            "draft": draft,
            "sections": _check_sections(draft, request.user),
            "problems": problems,
            "family_viewer": family_viewer,
            "parent_has_answered": draft.route == RequestDraft.Route.SCHOOL
            and all(
                flow.is_answered(draft, s)
                for s in flow.STEPS
                if s.family_part and draft.route in s.routes
            ),
            "decision_due": timeline(timezone.localdate())["decision_to_assess"],
        },
    )


@login_required
@require_POST
def request_invite(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if draft.route != RequestDraft.Route.SCHOOL or draft.is_submitted:
        raise Http404("No such request")
    if flow.is_family_viewer(draft, request.user):
        raise Http404("No such request")
    try:
        services.request_parent_invite(draft=draft, user=request.user)
    except services.InviteRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "We have emailed the parent or carer")
    return redirect("families:request_check", draft.public_id)


@login_required
def request_done(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    case = draft.case
    if case is None:  # not submitted yet
        return redirect("families:request_resume", draft.public_id)
    code = request.session.pop(CLAIM_CODE_SESSION_KEY.format(draft.public_id), None)
    return render(
        request,
        "families/request_done.html",
        {
            "draft": draft,
            "case": case,
            "decision_due": timeline(case.received_on)["decision_to_assess"],
            "final_due": timeline(case.received_on)["final_plan"],
            "claim_code": code,
            "claim_expires": timezone.localdate() + timedelta(days=services.CLAIM_CODE_DAYS),
            "site_url": settings.SITE_URL,
            "is_staff": request.user.role in STAFF,
        },
    )


@login_required
@require_POST
def request_claim_code(request: AuthenticatedHttpRequest, draft_id: uuid.UUID) -> HttpResponse:
    """A new claim code for an assisted-digital request (the earlier one stops working)."""
    access.role_required(request.user, *STAFF)
    draft = _draft(request, draft_id)
    if draft.route != RequestDraft.Route.ASSISTED or draft.case is None:  # None: not submitted
        raise Http404("No such request")
    code = services.claim_code_issue(case=draft.case, user=request.user)
    request.session[CLAIM_CODE_SESSION_KEY.format(draft.public_id)] = code
    return redirect("families:request_done", draft.public_id)


# --- Claiming an assisted-digital request -------------------------------------------------------


@login_required
def claim(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.role_required(request.user, *FAMILY)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_claim(
                user=request.user,
                reference=form.cleaned_data["reference"],
                code=form.cleaned_data["code"],
                date_of_birth=form.cleaned_data["date_of_birth"],
            )
        except services.ClaimRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Request {case.reference} is now linked to your account")
            return redirect("families:track", case.reference)
    return render(request, "families/claim.html", {"form": form})


# --- The tracker --------------------------------------------------------------------------------


def _tracked_case(request: AuthenticatedHttpRequest, reference: str):
    return access.case_or_404(
        request.user,
        reference,
        access.CASE_TRACK,
        # The plan rides on the case query (reverse one-to-one), for the tracker's plan panel
        # (which links to the plan's page; its school and document are shown there).
        # The recorded exceptions are prefetched: the clock's one reader applies them.
        queryset=access.case_queryset()
        .select_related("child", "caseworker", "plan")
        .prefetch_related("deadline_exceptions"),
    )


def _track_context(
    case,
    message_form: MessageForm | None = None,
    *,
    before: str | None = None,
    after: str | None = None,
) -> dict:
    from cases.deadlines import case_deadlines

    withdraw = ACTIONS["withdraw"]
    every = case_deadlines(case, today=timezone.localdate())
    deadlines = [d for d in every if d.owner in ("council", "family")]
    # A long case's history a page at a time, newest first (keyset: one query a page).
    history = case_events_page(
        case.events.filter(family_visible=True).select_related("actor"), before=before, after=after
    )
    return {
        "case": case,
        "summary": tracker_summary(case, every),
        "deadlines": deadlines,
        "event_page": history,
        "events": history.events,
        "documents": tracker_documents(case),
        "messages_thread": tracker_messages(case),
        "consents": consents_for_child(case.child),
        "message_form": message_form or MessageForm(),
        "can_withdraw": refusal_reason(case, withdraw, timezone.localdate()) is None,
        "plan": plan_for_tracker(case),
        "comments_until": next((d.due for d in deadlines if d.key == "draft_comments"), None),
    }


@login_required
def track(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _tracked_case(request, reference)
    # The family's own reads are recorded too (the subject access bundle lists every read);
    # their page "Who has seen your information" shows only other people's.
    access_record(request.user, kind=AccessKind.TRACKER, case=case, request=request)
    context = _track_context(case, before=request.GET.get("before"), after=request.GET.get("after"))
    return render(request, "families/track.html", context)


@login_required
@require_POST
def track_message_send(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _tracked_case(request, reference)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.message_send_from_family(
                case=case,
                user=request.user,
                body=form.cleaned_data["body"],
                upload=form.cleaned_data.get("attachment"),
            )
        except ValidationError as exc:
            form.add_error("attachment", exc)
        else:
            messages.success(request, "Your message has been sent")
            return redirect(reverse("families:track", args=[case.reference]) + "#messages")
    return render(request, "families/track.html", _track_context(case, form))


@login_required
@require_POST
def track_consent_revoke(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _tracked_case(request, reference)
    consent_pk = request.POST.get("consent", "")
    consent = (
        consents_for_child(case.child).filter(pk=consent_pk).first()
        if consent_pk.isdigit()
        else None
    )
    if consent is None:
        raise Http404("No such consent")
    services.consent_revoke(consent=consent, user=request.user)
    messages.success(
        request, f"You have withdrawn consent to share with {consent.get_party_display()}"
    )
    return redirect(reverse("families:track", args=[case.reference]) + "#consents")


@login_required
def track_withdraw(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    case = _tracked_case(request, reference)
    form = WithdrawForm(request.POST or None)
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.request_withdraw(
                case=case, user=request.user, reasons=form.cleaned_data["reasons"]
            )
        except TransitionRefused as exc:
            refused = exc.reason
        else:
            messages.success(request, f"Request {case.reference} has been withdrawn")
            return redirect("families:track", case.reference)
    if refused:
        form.add_error(None, refused)
    return render(request, "families/withdraw.html", {"case": case, "form": form})
