"""The API's documentation page: read from the same generated OpenAPI schema as /api/schema/,
rendered on the server as a GOV.UK page. No script at all, so it works under the strictest
Content-Security-Policy and without JavaScript."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@lru_cache(maxsize=1)
def api_schema() -> dict[str, Any]:
    # The schema depends only on the code: build it once per process.
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"].get(name, {})
    return node


def _type_of(schema: dict[str, Any], node: Any) -> str:
    node = _resolve(schema, node)
    if not isinstance(node, dict):
        return ""
    if "enum" in node:
        return "one of " + ", ".join(str(v) for v in node["enum"] if v not in ("", None))
    if node.get("type") == "array":
        return f"list of {_type_of(schema, node.get('items', {}))}"
    kind = node.get("type", "object")
    return f"{kind} ({node['format']})" if node.get("format") else str(kind)


def _fields(schema: dict[str, Any], node: Any) -> list[dict[str, str]]:
    node = _resolve(schema, node)
    if not isinstance(node, dict):
        return []
    if node.get("type") == "array":
        return _fields(schema, node.get("items", {}))
    required = set(node.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(schema, prop),
            "required": "Yes" if name in required else "No",
            "description": (_resolve(schema, prop) or {}).get("description", ""),
        }
        for name, prop in node.get("properties", {}).items()
    ]


def _first_schema(response: dict[str, Any]) -> Any:
    contents: dict[str, Any] = response.get("content", {})
    for content in contents.values():
        return content.get("schema", {})
    return {}


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            body: dict[str, Any] = op.get("requestBody", {}).get("content", {})
            body_type, body_schema = next(iter(body.items()), ("", {"schema": {}}))
            ok = [(code, r) for code, r in op.get("responses", {}).items() if code.startswith("2")]
            found.append(
                {
                    "id": op.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tag": (op.get("tags") or ["other"])[0],
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": "Yes" if p.get("required") else "No",
                            "type": _type_of(schema, p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "body_type": body_type,
                    "body": _fields(schema, body_schema["schema"]),
                    "ok": [
                        {
                            "code": code,
                            "description": r.get("description", ""),
                            "fields": _fields(
                                schema,
                                _first_schema(r),
                            ),
                        }
                        for code, r in ok
                    ],
                    "problems": sorted(
                        code for code in op.get("responses", {}) if code.startswith("4")
                    ),
                }
            )
    return found


def api_docs(request: HttpRequest) -> HttpResponse:
    schema = api_schema()
    return render(
        request,
        "integrations/api_docs.html",
        {
            "info": schema["info"],
            "operations": operations(schema),
            "problem_example": json.dumps(
                {
                    "type": "/api/docs/#problem-invalid",
                    "title": "The request was not valid",
                    "status": 400,
                    "detail": "The request has problems: upn: Enter the UPN",
                    "errors": {"upn": ["Enter the UPN"]},
                },
                indent=2,
            ),
        },
    )
