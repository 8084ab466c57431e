"""The family's sign-in code pages: typing the code after the password, and turning it on.

StaffMfaMiddleware sends a family member who turned codes on here after any sign-in until the
session has passed the code; nothing else is reachable before that but signing out.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ehcp_portal.accounts import codes, signin
from ehcp_portal.accounts.forms import SignInCodeForm, SignInCodeSettingsForm
from ehcp_portal.accounts.models import User
from ehcp_portal.accounts.phones import mobile_ending, uk_mobile_or_blank

_SENT_KEY = "signin_code_sent"
_NEXT_KEY = "signin_code_next"


def _where_sent(user: User) -> str:
    if user.signin_code_channel == "sms":
        ending = mobile_ending(uk_mobile_or_blank(user.phone))
        return f"by text message to your mobile number ending {ending}"
    return f"by email to {user.email}"


def _send(request: HttpRequest) -> str | None:
    """Send a code; the reason it could not be sent, or None."""
    try:
        codes.signin_code_send(user=cast(User, request.user))
    except codes.CodeRefused as exc:
        return str(exc)
    request.session[_SENT_KEY] = True
    return None


def _next_url(request: HttpRequest) -> str:
    target = request.session.pop(_NEXT_KEY, "") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@never_cache
@login_required
def code_enter(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not codes.signin_code_required(user):
        raise Http404("Sign-in codes are off for this account")
    if signin.session_passed_mfa(request, user):
        return redirect(_next_url(request))
    if "next" in request.GET:
        request.session[_NEXT_KEY] = request.GET["next"]
    form = SignInCodeForm(request.POST or None)
    problem = None
    if request.method == "GET" and not request.session.get(_SENT_KEY):
        problem = _send(request)
    if request.method == "POST" and form.is_valid():
        try:
            codes.signin_code_check(user=user, code=form.cleaned_data["code"])
        except codes.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            codes.session_record_code_passed(request, user, user.signin_code_channel)
            request.session.pop(_SENT_KEY, None)
            return redirect(_next_url(request))
    return render(
        request,
        "account/signin_code.html",
        {
            "form": form,
            "hint": f"We sent a 6-digit code {_where_sent(user)}. It works once, for 10 minutes.",
            "problem": problem,
        },
    )


@never_cache
@login_required
@require_POST
def code_resend(request: HttpRequest) -> HttpResponse:
    if not codes.signin_code_required(cast(User, request.user)):
        raise Http404("Sign-in codes are off for this account")
    problem = _send(request)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, "We have sent you a new code.")
    return redirect("signin_code:enter")


@login_required
def code_settings(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not user.is_family:
        raise Http404("Staff sign in with an authenticator app")
    if request.method == "POST":
        form = SignInCodeSettingsForm(request.POST, user=user)
        if form.is_valid():
            user.signin_code_channel = form.cleaned_data["channel"]
            fields = ["signin_code_channel"]
            if form.cleaned_data.get("phone"):
                user.phone = form.cleaned_data["phone"]
                fields.append("phone")
            user.save(update_fields=fields)
            if user.signin_code_channel:
                # This session passed the password; the code is asked from the next sign-in.
                messages.success(request, "From your next sign-in we will send you a code.")
            else:
                messages.success(request, "Sign-in codes are off.")
            return redirect("signin_code:settings")
    else:
        form = SignInCodeSettingsForm(
            initial={"channel": user.signin_code_channel, "phone": user.phone}, user=user
        )
    return render(request, "account/signin_code_settings.html", {"form": form})
