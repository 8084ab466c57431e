"""One page of a case's timeline, newest first, after a cursor (keyset pagination).

A case can have thousands of events. Counting them and skipping with OFFSET costs more the
deeper the page; a cursor (the time and id of the last event shown) reads only the page, through
the (case, -created_at) index, however long the history. The cursor is opaque to the reader: they
follow the links they were given, and anything else is read as "the newest page".
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from cases.models import CaseEvent

TIMELINE_PAGE_SIZE = 50
_PREFIX = "t1:"


def event_cursor(event: CaseEvent) -> str:
    raw = f"{_PREFIX}{event.created_at.isoformat()}|{event.pk}".encode("ascii")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def event_cursor_read(cursor: str | None) -> tuple[datetime, int] | None:
    """The (time, id) a cursor names, or None for anything that is not one of ours."""
    if not cursor or len(cursor) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        when, _, pk = raw.removeprefix(_PREFIX).partition("|")
        at = datetime.fromisoformat(when)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not raw.startswith(_PREFIX) or at.tzinfo is None or not pk.isdigit() or len(pk) > 18:
        return None
    return at, int(pk)


def _older_than(at: datetime, pk: int) -> Q:
    return Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk)


def _newer_than(at: datetime, pk: int) -> Q:
    return Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk)


@dataclass(frozen=True)
class EventPage:
    events: list[CaseEvent]
    newer: str | None  # the cursor of the page of newer events, if there are any
    older: str | None  # the cursor of the page of older events, if there are any
    is_newest: bool  # the first page: no newer events


def case_events_page(
    events: QuerySet[CaseEvent],
    *,
    before: str | None = None,
    after: str | None = None,
    size: int = TIMELINE_PAGE_SIZE,
) -> EventPage:
    """`events` (one case's, with what the page shows selected) newest first: the newest page,
    the page `before` a cursor (older) or the page `after` one (newer). One query for the newest
    page, two after a cursor (the page, and whether there is more the other way)."""
    newest_first = events.order_by("-created_at", "-pk")
    at_before, at_after = event_cursor_read(before), event_cursor_read(after)
    if at_after is not None and at_before is None:
        rows = list(events.filter(_newer_than(*at_after)).order_by("created_at", "pk")[: size + 1])
        more_newer = len(rows) > size
        page = list(reversed(rows[:size]))
        if not page:  # nothing newer than the cursor: the newest page
            return case_events_page(events, size=size)
        more_older = newest_first.filter(_older_than(*_key(page[-1]))).exists()
    elif at_before is not None:
        rows = list(newest_first.filter(_older_than(*at_before))[: size + 1])
        page = rows[:size]
        if not page:  # nothing older than the cursor: the newest page
            return case_events_page(events, size=size)
        more_older = len(rows) > size
        more_newer = events.filter(_newer_than(*_key(page[0]))).exists()
    else:
        rows = list(newest_first[: size + 1])
        page, more_older, more_newer = rows[:size], len(rows) > size, False
    return EventPage(
        events=page,
        newer=event_cursor(page[0]) if page and more_newer else None,
        older=event_cursor(page[-1]) if page and more_older else None,
        is_newest=not more_newer,
    )


def _key(event: CaseEvent) -> tuple[datetime, int]:
    return event.created_at, event.pk
