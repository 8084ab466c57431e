"""Reading the feed: which events a reader may see, and one page after a cursor."""

from __future__ import annotations

import base64
import binascii

from django.db.models import QuerySet

from cases.events.models import Event
from cases.models import Case

PAGE_SIZE = 100
PAGE_SIZE_MAX = 500
_CURSOR_PREFIX = "ev1:"


class CursorInvalid(ValueError):
    pass


def cursor_encode(event_id: int) -> str:
    """Opaque to clients: they pass back what they were given, so the encoding can change."""
    raw = f"{_CURSOR_PREFIX}{event_id}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def cursor_decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise CursorInvalid(cursor) from exc
    digits = raw[len(_CURSOR_PREFIX) :]
    if not raw.startswith(_CURSOR_PREFIX) or not digits.isascii() or not digits.isdigit():
        raise CursorInvalid(cursor)
    if len(digits) > 18:  # beyond PostgreSQL's bigint: no event has such an id
        raise CursorInvalid(cursor)
    return int(digits)


def events_of_cases(cases: QuerySet[Case]) -> QuerySet[Event]:
    """The events of the cases a reader may see (the access policy's queryset of cases), as one
    query with the cases as a subquery."""
    return Event.objects.filter(case_id__in=cases.values("pk"))


def events_page(*, events: QuerySet[Event], after: int, limit: int) -> tuple[list[Event], bool]:
    """Up to `limit` events after the id `after`, oldest first, and whether more follow."""
    rows = list(events.filter(id__gt=after).order_by("id")[: limit + 1])
    return rows[:limit], len(rows) > limit
