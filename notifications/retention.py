"""How long a sent message keeps its text: the daily sweep alone writes ~125 MB of messages a
day at 1,000,000 cases, nearly all of it their bodies.

After `NOTIFICATION_BODY_RETENTION_DAYS` a message that has done its job has its body emptied;
the row stays. What stays is what the portal still reads: the subject, channel, status and
times the case page's "messages" part shows, the recipient and the case, and above all the
idempotency key, which is what stops the sweep alerting a manager again about a deadline that
is still passed (deleting the row would send the alert again). Not trimmed: messages waiting,
sending or failed (a failed statutory message stays, whole, until someone resolves it), and
in-app messages their reader has not opened yet. The rows themselves go after the retention
schedule's period for notifications (ehcp_portal.governance.retention, 2 years by default).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from notifications.models import Notification

TRIM_BATCH = 5000

# A message whose delivery is over: sent, delivered, or not sent because it was turned off.
DONE = (Notification.Status.SENT, Notification.Status.DELIVERED, Notification.Status.SKIPPED)


def notifications_to_trim(today: date) -> QuerySet[Notification]:
    cutoff = today - timedelta(days=settings.NOTIFICATION_BODY_RETENTION_DAYS)
    return (
        Notification.objects.filter(
            created_at__lt=timezone.make_aware(datetime.combine(cutoff, time.min)),
            status__in=DONE,
        )
        .exclude(body="")
        .exclude(Q(channel=Notification.Channel.IN_APP) & Q(read_at__isnull=True))
    )


def notification_bodies_trim(*, today: date | None = None, batch_size: int = TRIM_BATCH) -> int:
    """Empty the bodies of the messages past the period, `batch_size` at a time, each batch
    committed on its own (a run stopped part-way has kept what it did; the next carries on).
    Returns how many were trimmed; a second run the same day trims nothing."""
    today = today or timezone.localdate()
    trimmed = 0
    while True:
        with transaction.atomic():
            ids = list(
                notifications_to_trim(today).order_by().values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return trimmed
            # The status is checked again: a message retried since it was read stays whole.
            trimmed += Notification.objects.filter(pk__in=ids, status__in=DONE).update(body="")
