"""Request hardening and response headers that apply to every page.

Two middlewares, kept apart from `ehcp_portal/middleware.py` (sign-in and the second factor):

- `HostileInputMiddleware` answers 400 before any view runs for a NUL character in the path.
  PostgreSQL refuses NUL in text, so a reference such as `/cases/%00/` reached the database and
  failed there, on every page that takes a reference. One check at the boundary, so no view has
  to remember it. (A NUL typed into a form or a filter is the form's to refuse: Django's and
  DRF's text fields answer it with an error message, keeping everything else typed.)
- `SecurityHeadersMiddleware` adds the Permissions-Policy header and stops browsers and proxies
  keeping any page or download: everything Django serves may carry a child's personal data
  (static files are served by WhiteNoise before this middleware and stay cacheable).

The Content-Security-Policy itself comes from django-csp (`CONTENT_SECURITY_POLICY` in settings).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

NUL = "\x00"
API_PREFIX = "/api/"


def _bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": reason}, status=400)
    return HttpResponse(
        render_to_string("400.html", {"reason": reason}, request=request), status=400
    )


class HostileInputMiddleware:
    """400 for a NUL character in the path (no page has one; PostgreSQL cannot look it up)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info:
            return _bad_request(
                request, "The web address contains a character that is not allowed."
            )
        return self.get_response(request)


def permissions_policy_header(features: dict[str, list[str]]) -> str:
    """`camera=(), geolocation=(self)` from {"camera": [], "geolocation": ["self"]}."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on every response Django
    makes (pages, PDFs, downloads, redirects, errors)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        # UK GDPR Art 32: a shared or public computer must not keep a child's record in its
        # cache, nor a proxy between the council and the family.
        response["Cache-Control"] = "private, no-store"
        return response
