from __future__ import annotations

from celery import shared_task

from notifications import services


@shared_task(name="notifications.tasks.notification_deliver", acks_late=True)
def notification_deliver(notification_id: int) -> str:
    return services.notification_send(notification_id=notification_id)


@shared_task(name="notifications.tasks.outbox_drain", acks_late=True)
def outbox_drain() -> int:
    """Send everything due: catches messages queued while the broker was down, retries, and
    messages whose worker died mid-send (their claim lease has expired)."""
    ids = services.notifications_due_ids()
    for pk in ids:
        services.notification_send(notification_id=pk)
    return len(ids)


@shared_task(name="notifications.tasks.delivery_statuses_poll", acks_late=True)
def delivery_statuses_poll() -> int:
    """Notify's statuses for messages whose callback never came."""
    from notifications.receipts import delivery_statuses_poll as poll

    return poll()


@shared_task(name="notifications.tasks.notification_bodies_trim", acks_late=True)
def notification_bodies_trim() -> int:
    """Daily (beat): sent messages past NOTIFICATION_BODY_RETENTION_DAYS lose their text."""
    from notifications.retention import notification_bodies_trim as trim

    return trim()
