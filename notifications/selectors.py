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


def notifications_unread_count(user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()


def notifications_failed_for(user: User) -> QuerySet[Notification]:
    """Failed deliveries the user may see and retry (administrators, managers of the area)."""
    return (
        Notification.objects.filter(notifications_access.failed_notifications_filter(user))
        .filter(status=Notification.Status.FAILED)
        .select_related("recipient", "case")
        .order_by("-next_attempt_at", "-id")
    )
