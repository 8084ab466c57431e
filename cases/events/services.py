"""Recording events and delivering them to webhooks.

`event_record` is the one write to the feed. Call it inside the transaction of the change it
describes: the event, and a delivery row for each subscription that wants it (the outbox),
commit or roll back with the change. After commit a worker is asked to deliver; the beat's
drain delivers anyway (a broker that was down, a worker that died mid-send, retries).

Delivery follows the notifications outbox (`notifications.services.notification_claim`): a row
is claimed with one conditional UPDATE that sets a lease, so two workers never send it at
once, and a worker that dies leaves it to be taken again when the lease runs out. A receiver
that does not answer 2xx is tried again with exponential back-off, up to
WEBHOOK_MAX_ATTEMPTS; then the delivery shows as failed in the admin, where it can be replayed.
At least once: a receiver de-duplicates on `X-EHCP-Event-Id`.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cases.events import signing
from cases.events.models import Event, EventType, WebhookDelivery, WebhookSubscription
from cases.models import Case

logger = logging.getLogger(__name__)

# One lock for every transaction that writes an event, held to its commit: ids are then
# committed in the order they are handed out, so a follower reading "after N" never skips an
# event that commits late with a smaller id. (A sequence alone does not promise that.)
_FEED_LOCK = 0x45484350_0016


def _feed_lock() -> None:
    """Take the feed's lock until the transaction ends (PostgreSQL; SQLite has one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])


def event_record(*, type: str, case: Case, data: dict[str, Any] | None = None) -> Event:
    """Append an event about `case` and queue it for each subscription that wants it.

    `data` holds ids, references, codes and dates, never a person's name or words they wrote.

    The feed's lock is held from here to the commit, and every writer of events takes it: call
    this after the change has locked the rows it locks (the case, the request), never before,
    so two changes cannot each hold what the other waits for. Slow work after it (a PDF) makes
    other writers of events wait that long.
    """
    # Inside the caller's transaction no savepoint is needed: the event stands or falls with it.
    with transaction.atomic(savepoint=False):
        _feed_lock()
        event = Event.objects.create(
            type=type,
            case_id=case.pk,
            case_reference=case.reference,
            area_id=case.area_id,
            data=data or {},
        )
        subscriptions = [
            s
            for s in WebhookSubscription.objects.filter(active=True)
            if s.wants(type, case.area_id)
        ]
        if subscriptions:
            WebhookDelivery.objects.bulk_create(
                [WebhookDelivery(event=event, subscription=s) for s in subscriptions],
                ignore_conflicts=True,
            )
            transaction.on_commit(webhooks_drain_soon)
    return event


def events_record_bulk(*, type: str, cases: Sequence[tuple[Case, dict[str, Any]]]) -> list[Event]:
    """`event_record` for many cases at once (the cohort import): a fixed number of queries
    however many cases. Call inside the transaction that created them."""
    if not cases:
        return []
    # Inside the caller's transaction no savepoint is needed: the event stands or falls with it.
    with transaction.atomic(savepoint=False):
        _feed_lock()
        events = Event.objects.bulk_create(
            [
                Event(
                    type=type,
                    case_id=case.pk,
                    case_reference=case.reference,
                    area_id=case.area_id,
                    data=data,
                )
                for case, data in cases
            ],
            batch_size=2000,
        )
        if events[0].pk is None:  # an older SQLite gives no ids back; it has one writer
            events = list(Event.objects.filter(type=type).order_by("-id")[: len(cases)])
        subscriptions = list(WebhookSubscription.objects.filter(active=True))
        deliveries = [
            WebhookDelivery(event=event, subscription=s)
            for event in events
            for s in subscriptions
            if s.wants(type, event.area_id)
        ]
        if deliveries:
            WebhookDelivery.objects.bulk_create(deliveries, batch_size=2000, ignore_conflicts=True)
            transaction.on_commit(webhooks_drain_soon)
    return events


def events_record_opened_for_every_case() -> bool:
    """`events_record_bulk`'s "opened" event for every case in the database, oldest request
    first, in one statement: for the demo seed, where a million Event instances were a tenth of
    `seed_demo --cases 1000000`. Only on PostgreSQL and when no webhook subscription is active
    (nothing to queue for delivery); returns False, having written nothing, otherwise. The
    event's data is what `cases.events.hooks.event_after_open` records."""
    if connection.vendor != "postgresql":
        return False
    if WebhookSubscription.objects.filter(active=True).exists():
        return False
    with transaction.atomic(savepoint=False):
        _feed_lock()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Event._meta.db_table}
                    (type, occurred_at, case_id, case_reference, area_id, data)
                SELECT %s, now(), id, reference, area_id,
                       jsonb_build_object(
                           'stage', stage, 'route', route,
                           'received_on', to_char(received_on, 'YYYY-MM-DD')
                       )
                FROM {Case._meta.db_table}
                ORDER BY received_on, id
                """,  # noqa: S608 (table names from the models)
                [EventType.CASE_OPENED],
            )
    return True


def event_body(event: Event) -> dict[str, Any]:
    """What the feed shows of an event and what a webhook posts: the same shape."""
    return {
        "id": event.pk,
        "type": event.type,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "case": event.case_reference,
        "data": event.data,
    }


def webhooks_drain_soon() -> None:
    from cases.events.tasks import webhooks_drain

    try:
        webhooks_drain.apply_async(retry=False, queue=settings.NOTIFICATION_QUEUE)
    except Exception:  # the deliveries are safe in their table; the beat drains them
        logger.warning("Broker unavailable; webhook deliveries wait for the next drain")


# -- delivery -----------------------------------------------------------------------------------


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Atomically take a delivery for sending. Only one worker can win it until its lease ends."""
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_CLAIM_LEASE_SECONDS)
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
        next_attempt_at__lte=now,
    ).update(status=WebhookDelivery.Status.SENDING, next_attempt_at=now + lease)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_id)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is the receiver's answer, not an instruction to post the event elsewhere.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 – https enforced on the subscription
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read(500).decode("utf-8", "replace")


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base, 2×base, 4×base, … (1, 2, 4, 8 minutes by default)."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def webhook_deliver(*, delivery_id: int) -> str:
    """POST one claimed delivery, signed; record the answer. Returns what happened."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "not-claimed"
    body = json.dumps(event_body(delivery.event), cls=DjangoJSONEncoder).encode("utf-8")
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "EHCP-portal-webhooks/1",
        signing.SIGNATURE_HEADER: signing.signature_header(
            delivery.subscription.secret, body, timestamp
        ),
        signing.EVENT_ID_HEADER: str(delivery.event_id),
        signing.DELIVERY_ID_HEADER: str(delivery.pk),
    }
    status: int | None = None
    answer = ""
    error = ""
    try:
        status, answer = _post(delivery.subscription.url, body, headers)
    except (OSError, ValueError) as exc:  # refused, timed out, DNS, TLS, a malformed address
        error = f"{type(exc).__name__}: {exc}"
    now = timezone.now()
    attempts = delivery.attempts + 1
    record: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": status,
        "last_response": answer.replace("\x00", "")[:500],
        "last_error": error.replace("\x00", "")[:500],
    }
    if status is not None and 200 <= status < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED, delivered_at=now, **record
        )
        return "delivered"
    failed = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if failed else WebhookDelivery.Status.PENDING,
        next_attempt_at=now + retry_delay(attempts),
        **record,
    )
    return "failed" if failed else "retry"


def webhook_deliveries_due_ids(*, limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            status__in=[WebhookDelivery.Status.PENDING, WebhookDelivery.Status.SENDING],
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def webhooks_drain() -> dict[str, int]:
    """Deliver what is due now; returns how many deliveries ended each way.

    It stops taking new deliveries after WEBHOOK_DRAIN_BUDGET_SECONDS, well inside the task's
    time limit: a receiver that is down costs a timeout per delivery, and what is left waits,
    unclaimed, for the next drain.
    """
    outcomes: dict[str, int] = {}
    stop_at = time.monotonic() + settings.WEBHOOK_DRAIN_BUDGET_SECONDS
    for pk in webhook_deliveries_due_ids():
        if time.monotonic() > stop_at:
            break
        outcome = webhook_deliver(delivery_id=pk)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


@transaction.atomic
def webhook_deliveries_replay(*, deliveries: QuerySet[WebhookDelivery]) -> int:
    """Send chosen deliveries again (an administrator's replay), whatever became of them: a
    receiver that lost events asks for them again. Fresh attempts, due now."""
    replayed = deliveries.update(
        status=WebhookDelivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        delivered_at=None,
    )
    if replayed:
        transaction.on_commit(webhooks_drain_soon)
    return replayed
