from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cases import statutory
from ehcp_portal.roles import navigation_for

# The statutory periods, for the words pages say about them ("within 20 weeks"): the number
# shown is the number the clock computes with.
STATUTORY = {
    name: value
    for name, value in vars(statutory).items()
    if name.isupper() and isinstance(value, int) and not isinstance(value, bool)
}


def portal(request: HttpRequest) -> dict[str, Any]:
    nav_items: list[dict[str, Any]] = []
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for label, name in navigation_for(user):
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            active = request.path == url or (url != "/" and request.path.startswith(url))
            nav_items.append({"label": label, "url": url, "active": active})
        from notifications.selectors import notifications_unread_count

        unread = notifications_unread_count(user)  # one COUNT query per page
        nav_items.append(
            {
                "label": f"Notifications ({unread} unread)" if unread else "Notifications",
                "unread": unread,
                "url": reverse("notifications:inbox"),
                "active": request.path.startswith(reverse("notifications:inbox")),
            }
        )
    return {
        "SERVICE_NAME": settings.SERVICE_NAME,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "STATUTORY": STATUTORY,
        "nav_items": nav_items,
        "notifications_unread": unread,
    }
