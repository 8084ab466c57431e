"""Advice requests: the caseworker asks, the advice giver answers or declines.

Every page asks the access policy; a request that is not addressed to the user (or on a case
they may see) does not exist for them (404)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone

from cases.advice import access as advice_access
from cases.advice.forms import (
    AdviceDeclineForm,
    AdviceRequestForm,
    AdviceSubmitForm,
    SignInLinkForm,
)
from cases.advice.models import AdviceRequest, advice_in_words
from cases.advice.selectors import (
    advice_addressee_choices,
    advice_brief,
    advice_requests_addressed_to,
    advice_requests_for_case,
)
from cases.advice.services import (
    AdviceRefused,
    advice_decline,
    advice_requests_send,
    advice_submit,
    preparation_for_adulthood_applies,
    sign_in_link_email,
    sign_in_link_peek,
    sign_in_link_use,
)
from cases.letters import decision_letter_pdf
from cases.models import CouncilProfile
from ehcp_portal import access
from ehcp_portal.accounts.models import Role
from ehcp_portal.accounts.signin import sign_in_with_link
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest
from ehcp_portal.pagination import CappedPaginator

INBOX_COUNT_CAP = 1000
PAGE_SIZE = 25


@login_required
def advice_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Schools and settings are asked for educational advice too (reg 6(1)(b)).
    access.role_required(request.user, Role.ADVICE_GIVER, Role.SCHOOL)
    # Counted only as far as INBOX_COUNT_CAP: an advice service's inbox at national scale holds
    # a hundred thousand answered requests behind the open ones.
    page = CappedPaginator(
        advice_requests_addressed_to(request.user), PAGE_SIZE, cap=INBOX_COUNT_CAP
    ).get_page(request.GET.get("page"))
    return render(request, "cases/advice_home.html", {"page": page, "today": timezone.localdate()})


@login_required
def advice_request_new(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    access.role_required(request.user, Role.CASEWORKER, Role.TEAM_MANAGER)
    case = access.case_or_404(
        request.user,
        reference,
        access.CASE_WORK,
        queryset=access.case_queryset().select_related("child", "child__setting"),
    )
    pfa = preparation_for_adulthood_applies(case.child.date_of_birth, timezone.localdate())
    form = AdviceRequestForm(
        request.POST if request.method == "POST" else None,
        choices=advice_addressee_choices(case),
        pfa=pfa,
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = advice_requests_send(case=case, actor=request.user, asks=form.asks())
        except AdviceRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(
                request, f"{len(sent)} advice requests sent, due {sent[0].due_on:%-d %B %Y}."
            )
            return redirect("casework:case_detail", reference=case.reference)
    return render(
        request,
        "cases/advice/request_new.html",
        {"case": case, "form": form, "pfa": pfa, "existing": advice_requests_for_case(case)},
    )


@login_required
def advice_request_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    advice_request = advice_access.advice_request_or_404(
        request.user, public_id, advice_access.ADVICE_VIEW
    )
    access_record(
        request.user,
        kind=AccessKind.ADVICE,
        case=advice_request.case,
        # "Educational psychologist", without the regulation the label cites
        object_ref=advice_request.get_source_display().split(" (")[0],
        request=request,
    )
    may_respond = (
        advice_request.is_open
        and AdviceRequest.objects.filter(
            advice_access.advice_request_filter(request.user, advice_access.ADVICE_RESPOND),
            pk=advice_request.pk,
        ).exists()
    )
    return render(
        request,
        "cases/advice/detail.html",
        {
            "advice_request": advice_request,
            "case": advice_request.case,
            "attachments": list(advice_request.attachments.all()),
            "may_respond": may_respond,
            # Staff have the whole case; the person asked sees what they need to assess.
            "brief": (
                None if request.user.role in advice_access.STAFF else advice_brief(advice_request)
            ),
        },
    )


@login_required
def advice_request_submit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    advice_request = advice_access.advice_request_or_404(
        request.user, public_id, advice_access.ADVICE_RESPOND
    )
    if not advice_request.is_open:
        messages.info(request, "This request has already been answered.")
        return redirect("advice:detail", public_id=public_id)
    form = AdviceSubmitForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            advice_submit(
                advice_request=advice_request,
                actor=request.user,
                needs=form.cleaned_data["needs"],
                outcomes=form.cleaned_data["outcomes"],
                provision=form.cleaned_data["provision"],
                files=form.cleaned_data["attachments"],
            )
        except AdviceRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, f"Advice sent for {advice_request.case.reference}.")
            return redirect("advice:detail", public_id=public_id)
    return render(
        request,
        "cases/advice/submit.html",
        {"advice_request": advice_request, "case": advice_request.case, "form": form},
    )


@login_required
def advice_request_decline(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    advice_request = advice_access.advice_request_or_404(
        request.user, public_id, advice_access.ADVICE_RESPOND
    )
    if not advice_request.is_open:
        messages.info(request, "This request has already been answered.")
        return redirect("advice:detail", public_id=public_id)
    form = AdviceDeclineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            advice_decline(
                advice_request=advice_request,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
            )
        except AdviceRefused as refused:
            form.add_error(None, refused.reason)
        else:
            messages.success(request, "You told the council you cannot give this advice.")
            return redirect("advice:detail", public_id=public_id)
    return render(
        request,
        "cases/advice/decline.html",
        {"advice_request": advice_request, "case": advice_request.case, "form": form},
    )


# -- one-time sign-in links for professionals ---------------------------------------------------


def sign_in_link_request(request: HttpRequest) -> HttpResponse:
    form = SignInLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        sign_in_link_email(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        return render(
            request, "cases/advice/sign_in_sent.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "cases/advice/sign_in_request.html", {"form": form})


def sign_in_link_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and uses nothing (mail scanners follow links); POST signs in once,
    through allauth's stages (someone with an authenticator app is asked for its code)."""
    if request.method == "POST":
        user = sign_in_link_use(token=token)
        if user is not None:
            return sign_in_with_link(request, user)
        return render(request, "cases/advice/sign_in_invalid.html", status=410)
    if sign_in_link_peek(token=token) is None:
        return render(request, "cases/advice/sign_in_invalid.html", status=410)
    return render(request, "cases/advice/sign_in_confirm.html", {})


@login_required
def advice_family_pdf(
    request: AuthenticatedHttpRequest, reference: str, public_id: UUID
) -> HttpResponse:
    """A piece of advice the council received, as a PDF for the family, once it has been sent to
    them with the draft plan (the advice and information obtained go with the draft: SEND Code
    of Practice 9.77). Made on request, like the draft plan's PDF."""
    case = access.case_or_404(request.user, reference, access.CASE_TRACK)
    advice_request = (
        AdviceRequest.objects.filter(
            case=case, public_id=public_id, state=AdviceRequest.State.RECEIVED
        ).first()
        if case.draft_issued_on is not None
        else None
    )
    if advice_request is None:
        raise Http404("No such advice")
    advice_request.case = case
    title = f"{advice_in_words(advice_request.source).capitalize()} advice"
    access_record(
        request.user, kind=AccessKind.ADVICE, case=case, object_ref=title, request=request
    )
    html = render_to_string(
        "cases/advice/advice_pdf.html",
        {
            "title": title,
            "case": case,
            "advice_request": advice_request,
            "council": CouncilProfile.current().name,
        },
    )
    response = HttpResponse(decision_letter_pdf(html), content_type="application/pdf")
    filename = f"{case.reference}-{advice_request.source}-advice.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
