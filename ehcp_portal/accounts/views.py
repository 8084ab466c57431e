"""The two small endpoints the session timeout warning uses (static/js/session-timeout.js)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ehcp_portal.accounts import sessions


def _not_signed_in() -> JsonResponse:
    return JsonResponse({"detail": "You are not signed in."}, status=403)


@never_cache
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long is left; asking is not activity (SessionTimeoutMiddleware skips this path)."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    if not sessions.session_timed(request.user):
        return JsonResponse({"timed": False})
    return JsonResponse(
        {"timed": True, "seconds_left": sessions.session_seconds_left(request.session)}
    )


@never_cache
@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": the request itself is activity; say how long that gives."""
    if not request.user.is_authenticated:
        return _not_signed_in()
    if not sessions.session_timed(request.user):
        return JsonResponse({"timed": False})
    sessions.session_touch(request.session, force=True)
    return JsonResponse(
        {"timed": True, "seconds_left": sessions.session_seconds_left(request.session)}
    )
