"""The two pages of signing in with a mobile number and a texted code (issue 19):
`ehcp_portal.accounts.phone_signin` holds the rules (limits, never saying who is registered)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.utils import perform_login
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ehcp_portal.accounts import codes, phone_signin
from ehcp_portal.accounts.forms import PhoneSignInForm, SignInCodeForm
from ehcp_portal.accounts.phones import mobile_ending

_NUMBER_KEY = "phone_signin_number"


@never_cache
@require_http_methods(["GET", "POST"])
def phone_start(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = PhoneSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["phone"]
        try:
            phone_signin.phone_code_send(
                number=number, client_address=get_adapter(request).get_client_ip(request)
            )
        except codes.CodeRefused as exc:
            form.add_error("phone", str(exc))
        else:
            request.session[_NUMBER_KEY] = number
            return redirect("phone_signin:code")
    return render(request, "account/phone_signin.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def phone_code(request: HttpRequest) -> HttpResponse:
    number = request.session.get(_NUMBER_KEY)
    if request.user.is_authenticated:
        return redirect("home")
    if not number:
        return redirect("phone_signin:start")
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            phone_signin.phone_code_send(
                number=number, client_address=get_adapter(request).get_client_ip(request)
            )
        except codes.CodeRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "If this number is on an account, we have sent a new code.")
        return redirect("phone_signin:code")
    if request.method == "POST" and form.is_valid():
        try:
            user = phone_signin.phone_code_check(number=number, code=form.cleaned_data["code"])
        except codes.CodeRefused as exc:
            form.add_error("code", str(exc))
        else:
            request.session.pop(_NUMBER_KEY, None)
            response = perform_login(
                request,
                user,
                email_verification=EmailVerificationMethod.NONE,
                redirect_url=reverse("home"),
            )
            if request.user.is_authenticated:
                # The texted code is what the code page would have asked: not asked again.
                codes.session_record_code_passed(request, user, "sms")
            return response
    return render(
        request,
        "account/phone_signin_code.html",
        {
            "form": form,
            "hint": (
                f"If the number ending {mobile_ending(number)} is on an account, we have texted "
                "a 6-digit code to it. It works once, for 10 minutes."
            ),
        },
    )
