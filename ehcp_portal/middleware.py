"""Two guards every signed-in request passes before any view: a staff session ends when idle or
too old, and a user who must use a second factor reaches nothing until the session passed it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from ehcp_portal.accounts import codes, sessions, signin

# Public pages anyone may read, signed in or not, set up or not.
_PUBLIC_PREFIXES = (
    "/static/",
    "/healthz",
    "/livez",
    "/readyz",
    "/accessibility/",
    "/privacy/",
    "/contact/",
)
# Pages that answer in JSON rather than HTML.
_JSON_PREFIXES = ("/api/", "/accounts/session/")


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(_JSON_PREFIXES)


def _refuse_json(detail: str) -> JsonResponse:
    # The body DRF gives a request without credentials, with the reason.
    return JsonResponse({"detail": detail}, status=403)


def _sign_in_again(request: HttpRequest) -> HttpResponse:
    # Only a GET can be repeated after signing in; a form posted to a closed session goes home.
    next_path = request.get_full_path() if request.method in ("GET", "HEAD") else reverse("home")
    return redirect_to_login(next_path)


class SessionTimeoutMiddleware:
    """Signs a staff session out after SESSION_IDLE_TIMEOUT_MINUTES without a request or
    STAFF_SESSION_MAX_HOURS after signing in, and says why on the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not sessions.session_timed(user):
            return self.get_response(request)
        reason = sessions.session_end_reason(request.session)
        if reason is not None:
            logout(request)
            message = sessions.end_message(reason)
            messages.info(request, message)  # shown on the sign-in page, also after a JSON call
            if _wants_json(request):
                return _refuse_json(message)
            return _sign_in_again(request)
        # Asking how long is left (the warning dialog does) is not activity.
        if request.path != reverse("accounts:session_status"):
            sessions.session_touch(request.session)
        return self.get_response(request)


def _set_up_paths() -> tuple[str, ...]:
    return (
        reverse("mfa_activate_totp"),
        reverse("mfa_view_recovery_codes"),  # and its download/generate pages below it
        reverse("account_reauthenticate"),  # setting up TOTP asks for the password again
        reverse("account_logout"),
        reverse("accounts:session_status"),
        reverse("accounts:session_extend"),
    )


class StaffMfaMiddleware:
    """Staff, professionals and elected members (User.needs_mfa) must pass a second factor.

    Applies outside DEBUG (settings.MFA_REQUIRED_FOR_STAFF); families are encouraged, not forced:
    a family member may use TOTP or turn on a one-time code by email or text (`accounts.codes`),
    and once on, the code is asked like TOTP (`_code_first`).
    The session must have passed allauth's TOTP challenge (or set TOTP up), whichever way it
    was signed in: the allauth sign-in, the Django admin (which signs in through allauth), the
    one-time email link, or a session used for the API. Until TOTP is set up, the person may
    only set it up, see their recovery codes and sign out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and codes.signin_code_required(user)
            and not request.path.startswith(_PUBLIC_PREFIXES)
            and not signin.session_passed_mfa(request, user)
        ):
            return self._code_first(request)
        if (
            user is None
            or not user.is_authenticated
            or not signin.mfa_required(user)
            or request.path.startswith(_PUBLIC_PREFIXES)
            or signin.session_passed_mfa(request, user)
        ):
            return self.get_response(request)
        if signin.user_has_totp(user):
            # A session that never answered the challenge (signed in some way that skipped it,
            # or before TOTP was set up in another session) is ended, not trusted.
            logout(request)
            if _wants_json(request):
                return _refuse_json("Sign in with your authenticator app code first.")
            return _sign_in_again(request)
        if request.path.startswith(_set_up_paths()):
            return self.get_response(request)
        if _wants_json(request):
            return _refuse_json("Set up two-factor authentication before using the service.")
        return redirect("mfa_activate_totp")

    def _code_first(self, request: HttpRequest) -> HttpResponse:
        """A family member who turned sign-in codes on (issue 19) reaches nothing but the code
        page and signing out until the session has passed the code, however it was signed in
        (password, email link). Applies in every environment: the family chose it."""
        code_page = reverse("signin_code:enter")
        if request.path.startswith((code_page, reverse("account_logout"))):
            return self.get_response(request)
        if _wants_json(request):
            return _refuse_json("Enter the sign-in code we sent you first.")
        target = request.get_full_path() if request.method in ("GET", "HEAD") else ""
        return redirect(f"{code_page}?{urlencode({'next': target})}" if target else code_page)
