"""The event feed: `/api/v1/events/?after=<cursor>`, for systems that keep in step with the
portal. Authentication and permission are the settings' defaults (a signed-in member of staff,
today); what a reader sees is the access policy's cases, so a token limited to some areas
needs only a different queryset of cases.

A reader who may see no case gets an empty feed; `?case=<reference>` of a case they may not see
is a 404, exactly like an unknown reference.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cases.events.models import Event
from cases.events.selectors import (
    PAGE_SIZE,
    PAGE_SIZE_MAX,
    CursorInvalid,
    cursor_decode,
    cursor_encode,
    events_of_cases,
    events_page,
)
from cases.events.services import event_body
from cases.models import Case
from ehcp_portal import access
from ehcp_portal.accounts.models import User


class EventSerializer(serializers.ModelSerializer):
    """The shape of an event, for the schema. Pages are written by `event_body`, the function
    the webhooks post with (one shape for both; a test holds them equal), which is several
    times quicker than a serializer on a page of 500."""

    case = serializers.CharField(source="case_reference")
    occurred_at = serializers.DateTimeField(default_timezone=UTC)

    class Meta:
        model = Event
        fields = ["id", "type", "occurred_at", "case", "data"]


class EventFeedQuerySerializer(serializers.Serializer):
    after = serializers.CharField(required=False, allow_blank=True, max_length=100)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=PAGE_SIZE_MAX)
    case = serializers.CharField(required=False, max_length=40)

    def validate_after(self, value: str) -> int:
        if not value:
            return 0
        try:
            return cursor_decode(value)
        except CursorInvalid as exc:
            raise serializers.ValidationError(
                "This is not a cursor the feed gave: start without one, or use the last 'next'."
            ) from exc

    def validate_case(self, value: str) -> str:
        if "\x00" in value:
            raise serializers.ValidationError("A case reference cannot contain a NUL character.")
        return value


class EventFeedPageSerializer(serializers.Serializer):
    results = EventSerializer(many=True)
    next = serializers.CharField(allow_null=True)
    resume = serializers.CharField(allow_null=True)


def _signed_in_user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # DEFAULT_PERMISSION_CLASSES: IsAuthenticated
    return user


class EventFeed(generics.GenericAPIView):
    """Events after `after`, oldest first. `next` is the cursor for the following page, or
    null when the reader has caught up: then poll again later with the cursor of the last
    event read (the `next` of the page before, or `resume`)."""

    serializer_class = EventSerializer
    pagination_class = None

    def cases(self) -> QuerySet[Case]:
        """The cases whose events this reader may follow (the one line an API client's area
        restriction replaces)."""
        return access.cases_for(_signed_in_user(self.request), access.CASE_VIEW)

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = EventFeedQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        cases = self.cases()
        if params.get("case"):
            case_id = cases.filter(reference=params["case"]).values_list("pk", flat=True).first()
            if case_id is None:
                raise Http404("Not found")
            events = Event.objects.filter(case_id=case_id)
        else:
            events = events_of_cases(cases)
        after = params.get("after", 0)
        rows, more = events_page(events=events, after=after, limit=params.get("limit", PAGE_SIZE))
        last = rows[-1].pk if rows else after
        return Response(
            {
                "results": [event_body(event) for event in rows],
                "next": cursor_encode(last) if more else None,
                # Where to poll from next time, caught up or not.
                "resume": cursor_encode(last) if last else None,
            }
        )
