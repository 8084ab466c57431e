"""Reads on the outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from notifications import access as notifications_access
from notifications.models import Notification

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User


def notifications_in_app_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP
    ).order_by("-created_at", "-id")


# The header counts unread messages this far: a team manager of a national service can have
# 50,000 unread breach alerts, and counting them all on every page took 230 ms.
UNREAD_COUNTED_TO = 99


def notifications_unread_count(user: User) -> int:
    """The user's unread in-app messages, counted to UNREAD_COUNTED_TO + 1 at most (one query
    that stops there): more than UNREAD_COUNTED_TO reads as "99+"."""
    # In no order: the messages' default order sorted all 50,000 before the limit.
    unread = Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).order_by()
    return unread[: UNREAD_COUNTED_TO + 1].count()


def unread_label(count: int) -> str:
    return f"{UNREAD_COUNTED_TO}+" if count > UNREAD_COUNTED_TO else str(count)


def notifications_failed_for(user: User) -> QuerySet[Notification]:
    """Failed deliveries the user may see and retry (administrators, managers of the area)."""
    return (
        Notification.objects.filter(notifications_access.failed_notifications_filter(user))
        .filter(status=Notification.Status.FAILED)
        .select_related("recipient", "case")
        .order_by("-next_attempt_at", "-id")
    )


CASE_DELIVERIES_SHOWN = 20


def case_deliveries(case_id: int) -> list[Notification]:
    """The latest messages sent outward about a case (email, text, post) with what became of
    them, for the case page (one query). In-app messages are not listed: they cannot fail."""
    return list(
        Notification.objects.filter(case_id=case_id)
        .exclude(channel=Notification.Channel.IN_APP)
        .select_related("recipient")
        .only(
            "subject",
            "channel",
            "status",
            "provider_status",
            "statutory",
            "created_at",
            "sent_at",
            "delivered_at",
            "last_error",
            "purpose",
            "recipient__full_name",
            "recipient__email",
        )
        .order_by("-created_at", "-id")[:CASE_DELIVERIES_SHOWN]
    )
