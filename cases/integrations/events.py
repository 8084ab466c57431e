"""The event feed (cases/events) behind the API's bearer tokens: a system needs the
`events:read` scope and sees the events of the cases its owner may see, in its areas."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema

from cases.events import api as events_api
from cases.integrations.auth import ApiClientThrottle, cases_for, scope_required
from cases.integrations.models import Scope


@extend_schema(
    summary="What changed, for incremental sync",
    description="Events of the cases the caller may see, oldest first, after the cursor "
    "`after`. While `next` is not null there is more; when it is null keep `resume` and poll "
    "later with `after=<resume>`. Events carry ids, references, codes and dates, never names.",
    parameters=[
        OpenApiParameter("after", str, description="The cursor of the last event read"),
        OpenApiParameter("limit", int, description="Events per page, 1 to 500 (default 100)"),
        OpenApiParameter("case", str, description="Only this case's events (its reference)"),
    ],
    responses={200: events_api.EventFeedPageSerializer},
    tags=["events"],
)
class EventFeed(events_api.EventFeed):
    permission_classes = [scope_required(Scope.EVENTS_READ)]
    throttle_classes = [ApiClientThrottle]

    def cases(self) -> QuerySet[Any]:
        return cases_for(self.request)
