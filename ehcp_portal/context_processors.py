from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from cases import statutory
from ehcp_portal.roles import WIDE_ROLES, navigation_grouped

# The statutory periods, for the words pages say about them ("within 20 weeks"): the number
# shown is the number the clock computes with.
STATUTORY = {
    name: value
    for name, value in vars(statutory).items()
    if name.isupper() and isinstance(value, int) and not isinstance(value, bool)
}


def portal(request: HttpRequest) -> dict[str, Any]:
    nav_items: list[dict[str, Any]] = []
    section_items: list[dict[str, Any]] = []
    section_label = ""
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for item in navigation_grouped(user):
            children = []
            for label, name in item.children or ((item.label, item.url_name),):
                try:
                    url = reverse(name)
                except NoReverseMatch:
                    continue
                active = request.path == url or (url != "/" and request.path.startswith(url))
                children.append({"label": label, "url": url, "active": active})
            if not children:
                continue
            active = any(child["active"] for child in children)
            nav_items.append({"label": item.label, "url": children[0]["url"], "active": active})
            if active and item.children:
                section_items, section_label = children, item.label
        from notifications.selectors import notifications_unread_count, unread_label

        unread = notifications_unread_count(user)  # one COUNT query per page, stopping at 100
        nav_items.append(
            {
                "label": f"Notifications ({unread_label(unread)} unread)"
                if unread
                else "Notifications",
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
        # The destinations of the navigation group the page belongs to (MOJ sub-navigation).
        "section_items": section_items,
        "section_label": section_label,
        "wide_layout": getattr(user, "role", None) in WIDE_ROLES,
        "notifications_unread": unread_label(unread) if unread else 0,
    }
