"""Request hardening and response headers that apply to every page.

Two middlewares, kept apart from `ehcp_portal/middleware.py` (sign-in and the second factor):

- `HostileInputMiddleware` answers 400 before any view runs for input no person can type and
  PostgreSQL cannot store: a NUL character in the path, the query string, a form field or a JSON
  body (PostgreSQL refuses NUL in text, so a reference such as `/cases/%00/` reached the database
  and failed there), and a form body that cannot be parsed. One check at the boundary, so no view
  has to remember it.
- `SecurityHeadersMiddleware` adds the Permissions-Policy header and stops browsers and proxies
  keeping any page or download: everything Django serves may carry a child's personal data
  (static files are served by WhiteNoise before this middleware and stay cacheable).

The Content-Security-Policy itself comes from django-csp (`CONTENT_SECURITY_POLICY` in settings).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

NUL = "\x00"
API_PREFIX = "/api/"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _json_has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(NUL in key or _json_has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


def _query_has_nul(request: HttpRequest) -> bool:
    raw = request.META.get("QUERY_STRING", "")
    return "%00" in raw or NUL in raw or _has_nul(request.GET.keys())


def _body_has_nul(request: HttpRequest) -> bool:
    """NUL in a form field's name or value, or anywhere in a JSON body's strings. Uploaded
    files are not looked at: their bytes may hold anything."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any(NUL in key or _has_nul(request.POST.getlist(key)) for key in request.POST)
    if content_type.endswith("json"):
        try:
            return _json_has_nul(json.loads(request.body))
        except (ValueError, UnicodeDecodeError):
            return False  # not JSON at all: the API's parser answers 400 for it
    return False


def _bad_request(request: HttpRequest, reason: str) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": reason}, status=400)
    return HttpResponse(
        render_to_string("400.html", {"reason": reason}, request=request), status=400
    )


class HostileInputMiddleware:
    """400 for a NUL character anywhere a person types, or a form body that cannot be read.

    Sits after the authentication middleware so the 400 page is the ordinary page layout."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info or _query_has_nul(request):
            return _bad_request(
                request, "The web address contains a character that is not allowed."
            )
        try:
            body_has_nul = _body_has_nul(request)
        except MultiPartParserError:
            return _bad_request(request, "The form sent could not be read.")
        if body_has_nul:
            return _bad_request(request, "The form sent contains a character that is not allowed.")
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
