from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Pages a signed-in user without a second factor may still reach: setting one up, signing out.
_OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz", "/accessibility/", "/privacy/")


class StaffMfaMiddleware:
    """Staff, professionals and elected members must set up TOTP before seeing any case data.

    Applies outside DEBUG (settings.MFA_REQUIRED_FOR_STAFF); families are encouraged, not forced.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not request.path.startswith(_OPEN_PREFIXES)
            and not request.session.get("mfa_enrolled")
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                request.session["mfa_enrolled"] = True
            else:
                return redirect("mfa_activate_totp")
        return self.get_response(request)
