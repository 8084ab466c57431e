"""The outbox. `notification_queue` is called inside the transaction of the event that causes
the message; delivery happens after commit, in a Celery task."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.models import Notification

if TYPE_CHECKING:
    from cases.models import Case
    from ehcp_portal.accounts.models import User

MAX_ATTEMPTS = 5
# A worker that claimed a message and died leaves it "sending"; after the lease it is retried.
CLAIM_LEASE = timedelta(minutes=5)


def notification_queue(
    *,
    recipient: User,
    purpose: str,
    event_key: str,
    subject: str,
    body: str,
    link: str = "",
    statutory: bool = False,
    case: Case | None = None,
    channels: tuple[str, ...] = (Notification.Channel.IN_APP, Notification.Channel.EMAIL),
) -> list[Notification]:
    """Write one outbox row per channel; a repeat of the same event+recipient+purpose is a no-op.

    Must be called inside the transaction that records the event, so the message exists if and
    only if the event does.
    """
    created: list[Notification] = []
    for channel in channels:
        key = f"{event_key}:{recipient.pk}:{purpose}:{channel}"
        status = Notification.Status.PENDING
        sent_at = None
        if channel == Notification.Channel.IN_APP:
            # In-app messages are delivered by existing: the notification list reads them.
            status, sent_at = Notification.Status.SENT, timezone.now()
        elif not statutory and not recipient.email_opt_in:
            status = Notification.Status.SKIPPED
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(
                        recipient=recipient,
                        channel=channel,
                        purpose=purpose,
                        idempotency_key=key[:200],
                        subject=subject,
                        body=body,
                        link=link,
                        statutory=statutory,
                        case=case,
                        status=status,
                        sent_at=sent_at,
                    )
                )
        except IntegrityError:
            continue  # already queued by an earlier run: never twice
    pending = [n.pk for n in created if n.status == Notification.Status.PENDING]
    if pending:
        from notifications.tasks import notification_deliver

        for pk in pending:
            transaction.on_commit(lambda pk=pk: _enqueue(notification_deliver, pk))
    return created


def _enqueue(task, pk: int) -> None:  # noqa: ANN001
    """Hand the message to the broker; if the broker is down, the beat's drain picks it up."""
    try:
        task.apply_async(args=[pk], retry=False)
    except Exception:  # noqa: BLE001 – the row is safe in the outbox; the drain will send it
        import logging

        logging.getLogger(__name__).warning("Broker unavailable; notification %s waits", pk)


def notification_claim(*, notification_id: int) -> Notification | None:
    """Atomically take a message for sending. Only one worker can win a given message."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
        next_attempt_at__lte=now,
    ).update(status=Notification.Status.SENDING, next_attempt_at=now + CLAIM_LEASE)
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def notification_send(*, notification_id: int) -> str:
    """Deliver one claimed email. Failures retry with backoff, then show as failed."""
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return "not-claimed"
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    body = notification.body + (f"\n\n{link}\n" if link else "")
    try:
        send_mail(
            notification.subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.recipient.email],
        )
    except Exception as exc:  # noqa: BLE001 – any transport failure is retried, then shown
        attempts = notification.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            next_attempt_at=timezone.now() + timedelta(minutes=2**attempts),
        )
        return "failed" if failed else "retry"
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        attempts=notification.attempts + 1,
        last_error="",
    )
    return "sent"


def notifications_due_ids(*, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(
            status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())
