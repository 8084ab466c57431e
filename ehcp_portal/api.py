from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every API error is a JSON body with a plain message; unknown objects are 404."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Http404):
        response.data = {"detail": "Not found."}
    elif (
        isinstance(response.data, dict)
        and "detail" not in response.data
        or isinstance(response.data, list)
    ):
        response.data = {"detail": "The request was not valid.", "errors": response.data}
    return response
