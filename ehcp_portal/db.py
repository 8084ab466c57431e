"""Small portable query helpers: the same code runs on PostgreSQL (production, tests) and on
the embedded SQLite default of `make run`."""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import Q


def json_list_has(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds `value` (e.g. a setting meeting the need "ASD").

    PostgreSQL answers with jsonb containment; SQLite has no JSON containment lookup, so there
    the list's text is searched for the quoted value, which matches whole elements only.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": json.dumps(value)})
