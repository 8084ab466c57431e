"""Delivery receipts: what GOV.UK Notify says became of each email, text and letter.

Notify calls the portal back (`views.notify_callback`); the beat also polls for messages whose
callback never came. A statutory message that was not delivered raises its task once (the
outbox's after-failure hooks).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import delivery_failed_hooks_run

# https://docs.notifications.service.gov.uk/rest-api.html#delivery-receipts
_DELIVERED = frozenset({"delivered", "received"})
_NOT_DELIVERED = frozenset(
    {
        "permanent-failure",
        "temporary-failure",  # Notify has stopped trying (a phone off for 72 hours)
        "technical-failure",
        "validation-failed",
        "virus-scan-failed",
        "cancelled",
    }
)
_PROVIDER_REASONS = {
    "permanent-failure": "The address or number does not exist, or the letter was returned.",
    "temporary-failure": "The inbox was full or the phone was off while Notify tried.",
    "technical-failure": "GOV.UK Notify had a technical problem; send it again.",
    "validation-failed": "The letter's PDF was refused (address block or page layout).",
    "virus-scan-failed": "The letter's PDF was refused by the virus scan.",
    "cancelled": "The letter was cancelled before printing.",
}


def delivery_status_record(
    *, provider_id: str, reference: str, status: str, completed_at: datetime | None = None
) -> Notification | None:
    """Record what Notify says became of a message. Repeats change nothing; a statutory
    message that was not delivered raises its task once."""
    if not provider_id and not reference:
        return None
    rows = Notification.objects.exclude(channel=Notification.Channel.IN_APP)
    notification = (rows.filter(provider_id=provider_id).first() if provider_id else None) or (
        rows.filter(idempotency_key=reference).first() if reference else None
    )
    if notification is None:
        return None
    status = status[:40]
    changes: dict[str, Any] = {"provider_status": status}
    if provider_id and not notification.provider_id:
        changes["provider_id"] = provider_id[:64]
    became_failed = False
    if status in _DELIVERED:
        changes.update(
            status=Notification.Status.DELIVERED, delivered_at=completed_at or timezone.now()
        )
    elif status in _NOT_DELIVERED:
        changes.update(
            status=Notification.Status.FAILED,
            last_error=f"GOV.UK Notify: {status}. {_PROVIDER_REASONS.get(status, '')}".strip(),
        )
        became_failed = (
            Notification.objects.filter(pk=notification.pk)
            .exclude(status=Notification.Status.FAILED)
            .update(**changes)
            > 0
        )
    if not became_failed:
        Notification.objects.filter(pk=notification.pk).update(**changes)
    if became_failed:
        transaction.on_commit(functools.partial(delivery_failed_hooks_run, notification.pk))
    notification.refresh_from_db()
    return notification


def delivery_statuses_poll(*, limit: int = 200) -> int:
    """Ask Notify about messages sent in the last week that have no final status: the fallback
    when a callback was lost (or no callback is set up)."""
    if not settings.NOTIFY_API_KEY:
        return 0
    from notifications.notify import NotifyError, notify_status

    waiting = Notification.objects.filter(
        status=Notification.Status.SENT,
        sent_at__gte=timezone.now() - timedelta(days=7),
    ).exclude(provider_id="")[:limit]
    updated = 0
    for notification in waiting:
        try:
            answer = notify_status(notification.provider_id)
        except NotifyError:
            continue
        with transaction.atomic():
            delivery_status_record(
                provider_id=notification.provider_id, reference="", status=answer.get("status", "")
            )
        updated += 1
    return updated
