"""The outbox. `notification_queue` is called inside the transaction of the event that causes
the message; delivery happens after commit, in a Celery task."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from ehcp_portal.accounts.models import User
from notifications.defaults import DEFAULTS, Wording
from notifications.models import Notification, NotificationTemplate

if TYPE_CHECKING:
    from cases.models import Case
    from cases.workflow import LetterSent

logger = logging.getLogger(__name__)

# Kept for callers that read it; the setting NOTIFICATION_MAX_ATTEMPTS is what counts.
MAX_ATTEMPTS = 5


def claim_lease() -> timedelta:
    """How long a claimed message stays "sending" before another worker may take it."""
    return timedelta(seconds=settings.NOTIFICATION_CLAIM_LEASE_SECONDS)


# -- wording ------------------------------------------------------------------------------------


class _KeepUnknown(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def wording_render(text: str, context: Mapping[str, Any]) -> str:
    """Fill {placeholders}; unknown ones stay as typed so a mistake is visible, not a crash.
    Raises ValueError for wording that cannot be filled (a stray brace, {0}, {a.b})."""
    try:
        return text.format_map(_KeepUnknown(context))
    except (IndexError, KeyError, AttributeError, TypeError) as exc:
        raise ValueError(str(exc)) from exc


def notification_wordings() -> dict[str, Wording]:
    """Every purpose's wording: the administrators' edits over the defaults (one query)."""
    wordings = dict(DEFAULTS)
    for t in NotificationTemplate.objects.all():
        wordings[t.purpose] = Wording(
            t.purpose, t.name, t.subject, t.body, t.statutory, t.placeholders
        )
    return wordings


def notification_wording(
    purpose: str, context: Mapping[str, Any], wordings: Mapping[str, Wording] | None = None
) -> tuple[str, str, bool]:
    """(subject, body, statutory) for one message."""
    if wordings is None:
        template = NotificationTemplate.objects.filter(purpose=purpose).first()
        wording = (
            Wording(purpose, template.name, template.subject, template.body, template.statutory, "")
            if template
            else DEFAULTS[purpose]
        )
    else:
        wording = wordings[purpose]
    try:
        subject = wording_render(wording.subject, context)
        body = wording_render(wording.body, context)
    except (ValueError, IndexError):
        # An administrator's edit with a stray brace: fall back to the default wording.
        default = DEFAULTS[purpose]
        subject = wording_render(default.subject, context)
        body = wording_render(default.body, context)
    return " ".join(subject.split())[:200], body, wording.statutory


# -- the email rule -----------------------------------------------------------------------------


def notification_first_status(*, channel: str, statutory: bool, email_opt_in: bool) -> str:
    """The status a new message starts with: the one rule for "skip the email unless statutory".

    In-app messages are delivered by existing (the notification list reads them). An email goes
    to everyone who kept email on; a statutory notice (a decision with appeal rights, an advice
    request with a legal deadline) is emailed even to someone who turned email off, because
    the law's clock runs from it.
    """
    if channel == Notification.Channel.IN_APP:
        return Notification.Status.SENT
    if statutory or email_opt_in:
        return Notification.Status.PENDING
    return Notification.Status.SKIPPED


# -- queueing -----------------------------------------------------------------------------------


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
        status = notification_first_status(
            channel=channel, statutory=statutory, email_opt_in=recipient.email_opt_in
        )
        sent_at = timezone.now() if status == Notification.Status.SENT else None
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
            transaction.on_commit(functools.partial(_enqueue, notification_deliver, pk))
    return created


def notification_queue_event(
    *,
    recipient: User,
    purpose: str,
    event_key: str,
    context: Mapping[str, Any],
    link: str = "",
    case: Case | None = None,
) -> list[Notification]:
    """Queue a message in the administrators' wording for `purpose`."""
    subject, body, statutory = notification_wording(purpose, context)
    return notification_queue(
        recipient=recipient,
        purpose=purpose,
        event_key=event_key,
        subject=subject,
        body=body,
        link=link,
        statutory=statutory,
        case=case,
    )


def decision_letter_family_notify(sent: LetterSent) -> None:
    """Workflow hook (`cases.workflow.register_after_letter`): tell each family member that a
    decision letter is waiting on their tracker. Keyed by the decision event, so a retry of the
    same decision never sends twice."""
    case = sent.case
    link = reverse("families:track", args=[case.reference]) + "#documents"
    context = {
        "reference": case.reference,
        "child": case.child.first_name,
        "letter_title": sent.document.title,
    }
    # Family members through the ORM (families is a higher layer than notifications).
    family = User.objects.filter(memberships__child_id=case.child_id).order_by("pk")
    for member in family:
        notification_queue_event(
            recipient=member,
            purpose="decision_letter",
            event_key=sent.event_key,
            context=context,
            link=link,
            case=case,
        )


# After the broker refuses once, stop trying for a while: each attempt can block a web request
# for seconds, and every message is safe in the outbox until the drain sends it.
BROKER_BACKOFF_SECONDS = 30.0
_broker_down_until = 0.0


def broker_circuit_reset() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def _enqueue(task, pk: int) -> None:
    """Hand the message to the broker; if the broker is down, the beat's drain picks it up."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.info("Broker recently down; notification %s waits in the outbox", pk)
        return
    try:
        task.apply_async(args=[pk], retry=False, queue=settings.NOTIFICATION_QUEUE)
    except Exception:  # the row is safe in the outbox; the drain will send it
        _broker_down_until = time.monotonic() + BROKER_BACKOFF_SECONDS
        logger.warning("Broker unavailable; notification %s waits in the outbox", pk)


def outbox_drain_soon() -> None:
    """After a batch write (the sweep), ask a worker to drain; the beat does it anyway."""
    from notifications.tasks import outbox_drain

    try:
        outbox_drain.apply_async(retry=False, queue=settings.NOTIFICATION_QUEUE)
    except Exception:
        logger.warning("Broker unavailable; the outbox drains when it returns")


# -- delivery -----------------------------------------------------------------------------------


def notification_claim(*, notification_id: int) -> Notification | None:
    """Atomically take a message for sending. Only one worker can win a given message."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id,
        status__in=[Notification.Status.PENDING, Notification.Status.SENDING],
        next_attempt_at__lte=now,
    ).update(status=Notification.Status.SENDING, next_attempt_at=now + claim_lease())
    if not claimed:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)


def _deliver_email(notification: Notification) -> None:
    link = f"{settings.SITE_URL}{notification.link}" if notification.link else ""
    body = notification.body + (f"\n\n{link}\n" if link else "")
    if settings.NOTIFY_API_KEY:
        from notifications.notify import notify_send_email

        notify_send_email(
            email_address=notification.recipient.email,
            subject=notification.subject,
            body=body,
            reference=notification.idempotency_key,
        )
        return
    send_mail(
        notification.subject, body, settings.DEFAULT_FROM_EMAIL, [notification.recipient.email]
    )


def notification_send(*, notification_id: int) -> str:
    """Deliver one claimed email. Failures retry with backoff, then show as failed."""
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return "not-claimed"
    try:
        _deliver_email(notification)
    except Exception as exc:  # any transport failure is retried, then shown
        attempts = notification.attempts + 1
        failed = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS or getattr(exc, "permanent", False)
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:1000].replace("\x00", ""),
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            # Backoff: 2, 4, 8, 16 minutes between attempts.
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


@transaction.atomic
def notification_retry(*, notification: Notification) -> bool:
    """Staff send a failed message again: it goes back to the outbox with fresh attempts."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.FAILED
    ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    if updated:
        from notifications.tasks import notification_deliver

        transaction.on_commit(lambda: _enqueue(notification_deliver, notification.pk))
    return bool(updated)


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).update(read_at=timezone.now())


def user_email_preference_set(*, user: User, email_opt_in: bool) -> None:
    user.email_opt_in = email_opt_in
    user.save(update_fields=["email_opt_in"])
