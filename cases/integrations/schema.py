"""What drf-spectacular cannot see by itself: the bearer token, and that every operation may
answer problem details (RFC 9457) for its 4xx."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from cases.integrations.problems import PROBLEM_CONTENT_TYPE, TITLES


class ApiClientScheme(OpenApiAuthenticationExtension):
    target_class = "cases.integrations.auth.ApiClientAuthentication"
    name = "apiClientToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ehcp_<prefix>_<secret>",
            "description": "An API client's token, issued once by an administrator "
            "(the admin, or `manage.py api_client_create`).",
        }


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, in words to act on"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "For invalid input: the messages by field",
        },
    },
}

READ_PROBLEMS = (400, 401, 403, 404, 429)
WRITE_PROBLEMS = (400, 401, 403, 404, 409, 413, 415, 422, 429)


def _scopes(generator: Any) -> dict[tuple[str, str], str]:
    """(path, method) -> the scope its view requires, read from the view's permission class."""
    found = {}
    for path, _, method, callback in getattr(generator, "endpoints", None) or []:
        for permission in getattr(callback.cls, "permission_classes", []):
            scope = getattr(permission, "scope", "")
            if scope:
                found[(path, method.lower())] = scope
    return found


def problems_documented(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """Every operation: its problem responses, and the scope a client needs for it (also in
    `x-required-scope`, read by the contract test)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    scopes = _scopes(generator)
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            scope = scopes.get((path, method))
            if scope:
                operation["x-required-scope"] = scope
                note = f"A client needs the `{scope}` scope."
                operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
            codes = WRITE_PROBLEMS if method == "post" else READ_PROBLEMS
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    str(code),
                    {
                        "description": TITLES[code],
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
                    },
                )
            if method == "get":
                responses.setdefault(
                    "406",
                    {
                        "description": TITLES[406],
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}},
                    },
                )
            responses.setdefault(
                "405",
                {"description": TITLES[405], "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}},
            )
    return result
