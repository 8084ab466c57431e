"""Every 4xx of the API as RFC 9457 problem details (`application/problem+json`): a `type`, a
`title` that names the kind of problem, the `status`, a `detail` a person can act on and, for
invalid input, `errors` by field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/docs/#problem-"

TITLES = {
    400: "The request was not valid",
    401: "Authentication is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "The request could not be processed",
    429: "Too many requests",
}
SLUGS = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method",
    406: "not-acceptable",
    409: "conflict",
    413: "too-large",
    415: "media-type",
    422: "unprocessable",
    429: "throttled",
}


class Unprocessable(exceptions.APIException):
    """Valid in form but refused by the domain (a request already answered, a case with no plan,
    an Idempotency-Key reused with another body)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request could not be processed."
    default_code = "unprocessable"

    def __init__(self, detail: str, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or {}


class Invalid(exceptions.ValidationError):
    """Field errors with a summary sentence (like the GOV.UK error summary on a page)."""

    def __init__(self, errors: dict[str, list[str]], detail: str = "") -> None:
        super().__init__(errors)
        self.summary = detail


def problem(status_code: int, detail: str, errors: dict[str, Any] | None = None) -> dict:
    body: dict[str, Any] = {
        "type": TYPE_BASE + SLUGS.get(status_code, "error"),
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_response(
    status_code: int, detail: str, errors: dict[str, Any] | None = None
) -> Response:
    return Response(
        problem(status_code, detail, errors), status=status_code, content_type=PROBLEM_CONTENT_TYPE
    )


def _errors_by_field(data: Any) -> dict[str, list[str]]:
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for field, value in data.items():
            if isinstance(value, dict):
                for sub, messages in _errors_by_field(value).items():
                    out[f"{field}.{sub}"] = messages
            elif isinstance(value, list):
                out[str(field)] = [str(v) for v in value if not isinstance(v, (dict, list))] or [
                    "This value is not valid."
                ]
            else:
                out[str(field)] = [str(value)]
        return out
    if isinstance(data, list):
        return {"non_field_errors": [str(v) for v in data]}
    return {"non_field_errors": [str(data)]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    errors: dict[str, Any] | None = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _errors_by_field(exc.detail)
        detail = getattr(exc, "summary", "") or (
            "The request has problems: "
            + "; ".join(f"{field}: {messages[0]}" for field, messages in errors.items())
        )
    elif isinstance(exc, Unprocessable):
        detail, errors = str(exc.detail), exc.errors or None
    elif isinstance(exc, exceptions.NotFound):
        # The same words whether it does not exist or the caller may not know it exists.
        detail = "There is nothing here, or you may not see it."
    elif isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None) or 1
        detail = f"Too many requests. Try again in {wait:.0f} seconds."
    else:
        detail = str(getattr(exc, "detail", "")) or TITLES.get(code, "Error")
    response.data = problem(code, detail, errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
