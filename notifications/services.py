"""The outbox. `notification_queue` is called inside the transaction of the event that causes
the message; delivery happens after commit, in a Celery task."""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.postal import address_usable
from ehcp_portal.accounts.models import User
from ehcp_portal.accounts.phones import uk_mobile_or_blank
from notifications.channels import Reach, outward_channel
from notifications.defaults import DEFAULTS, Wording
from notifications.models import Notification, NotificationTemplate

if TYPE_CHECKING:
    from cases.models import Case, Document
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

    In-app messages are delivered by existing (the notification list reads them). A message by
    email, text or post goes to everyone who kept updates on (`email_opt_in`); a statutory
    notice (a decision with appeal rights, an advice request with a legal deadline) is sent even
    to someone who turned updates off, because the law's clock runs from it.
    """
    if channel == Notification.Channel.IN_APP:
        return Notification.Status.SENT
    if statutory or email_opt_in:
        return Notification.Status.PENDING
    return Notification.Status.SKIPPED


# -- the channel --------------------------------------------------------------------------------

UNREACHABLE = "No email address, UK mobile number or postal address is held for this person."
NO_POSTAL_ADDRESS = (
    "No account and no usable postal address is held for the family: a letter cannot be posted."
)


def case_address_held(case: Case | None) -> bool:
    """Letters about a case go to the child's home address (families.Child), the one address
    the council holds for the family, when GOV.UK Notify would accept it (`cases.postal`)."""
    if case is None:
        return False
    return address_usable(case.child.address, case.child.postcode)


def recipient_reach(recipient: User, case: Case | None) -> Reach:
    return Reach(
        preference=recipient.contact_channel,
        has_email=recipient.has_email,
        has_mobile=bool(uk_mobile_or_blank(recipient.phone)),
        has_address=case_address_held(case),
    )


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
    document: Document | None = None,
    pin_channel: bool = False,
) -> list[Notification]:
    """Write one outbox row per channel; a repeat of the same event+recipient+purpose is a no-op.

    Must be called inside the transaction that records the event, so the message exists if and
    only if the event does. The outward message (EMAIL in `channels`) goes by the channel
    `notifications.channels` chooses for the recipient, unless `pin_channel` (a sign-in code
    goes exactly where the person asked). `document` is the letter a posted message carries.
    """
    created: list[Notification] = []
    for slot in channels:
        key = f"{event_key}:{recipient.pk}:{purpose}:{slot}"
        channel, unreachable = slot, False
        if slot == Notification.Channel.EMAIL and not pin_channel:
            chosen = outward_channel(
                recipient_reach(recipient, case),
                statutory_letter=statutory and document is not None,
            )
            channel, unreachable = chosen or slot, chosen is None
        status = notification_first_status(
            channel=channel, statutory=statutory, email_opt_in=recipient.email_opt_in
        )
        if unreachable and status == Notification.Status.PENDING:
            status = Notification.Status.FAILED
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
                        document=document if channel != Notification.Channel.IN_APP else None,
                        status=status,
                        sent_at=sent_at,
                        last_error=UNREACHABLE if status == Notification.Status.FAILED else "",
                    )
                )
        except IntegrityError:
            continue  # already queued by an earlier run: never twice
    for n in created:
        if n.status == Notification.Status.FAILED:
            transaction.on_commit(functools.partial(delivery_failed_hooks_run, n.pk))
    pending = [n.pk for n in created if n.status == Notification.Status.PENDING]
    if pending:
        from notifications.tasks import notification_deliver

        for pk in pending:
            transaction.on_commit(functools.partial(_enqueue, notification_deliver, pk))
    return created


def notification_queue_postal(
    *,
    case: Case,
    purpose: str,
    event_key: str,
    subject: str,
    body: str,
    link: str = "",
    statutory: bool = False,
    document: Document | None = None,
) -> Notification | None:
    """A letter posted to the case's family when no member has an account (a paper applicant):
    the same letter a member would get by post, addressed from what the council holds (the
    child's address, the name on the paper request). One per event and purpose, keyed by the
    case instead of a person, so a retry never posts twice. None if already queued.

    With no usable address the message is written as failed, so a statutory one raises the
    caseworker's task (the after-failure hooks) instead of going nowhere in silence."""
    key = f"{event_key}:case-{case.pk}:{purpose}:post"[:200]
    reachable = case_address_held(case)
    status = Notification.Status.PENDING if reachable else Notification.Status.FAILED
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=None,
                channel=Notification.Channel.LETTER,
                purpose=purpose,
                idempotency_key=key,
                subject=subject,
                body=body,
                link=link,
                statutory=statutory,
                case=case,
                document=document,
                status=status,
                last_error="" if reachable else NO_POSTAL_ADDRESS,
            )
    except IntegrityError:
        return None  # already queued by an earlier run: never twice
    if reachable:
        from notifications.tasks import notification_deliver

        transaction.on_commit(functools.partial(_enqueue, notification_deliver, notification.pk))
    else:
        transaction.on_commit(functools.partial(delivery_failed_hooks_run, notification.pk))
    return notification


def family_without_account(case: Case) -> bool:
    """No active family member has an account for this child: only the post reaches them."""
    return not User.objects.filter(memberships__child_id=case.child_id, is_active=True).exists()


def notification_queue_event(
    *,
    recipient: User,
    purpose: str,
    event_key: str,
    context: Mapping[str, Any],
    link: str = "",
    case: Case | None = None,
    document: Document | None = None,
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
        document=document,
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
    family = list(User.objects.filter(memberships__child_id=case.child_id).order_by("pk"))
    if not any(member.is_active for member in family):
        # A paper applicant with no account: the letter itself goes by post.
        subject, body, statutory = notification_wording("decision_letter", context)
        notification_queue_postal(
            case=case,
            purpose="decision_letter",
            event_key=sent.event_key,
            subject=subject,
            body=body,
            link=link,
            statutory=statutory,
            document=sent.document,
        )
        return
    for member in family:
        notification_queue_event(
            recipient=member,
            purpose="decision_letter",
            event_key=sent.event_key,
            context=context,
            link=link,
            case=case,
            # Posted, the family gets the letter itself (the PDF on their tracker).
            document=sent.document,
        )


SIGNIN_CODE_PURPOSE = "signin_code"
_REDACTED = "(The code is removed once the message has been sent.)"


def signin_code_notify(user: User, code: str, channel: str, code_id: int) -> None:
    """The sender `ehcp_portal.accounts.codes` calls: the code goes through the outbox by the
    channel the person chose (never in-app, never by post). The message row holds the code
    only until it is sent; then it is removed (`_redact_code`)."""
    outward = Notification.Channel.SMS if channel == "sms" else Notification.Channel.EMAIL
    notification_queue(
        recipient=user,
        purpose=SIGNIN_CODE_PURPOSE,
        event_key=f"signin-code:{code_id}",
        subject="Your sign-in code",
        body=(
            f"Your EHCP portal sign-in code is {code}. It works once, for 10 minutes. "
            "If you did not try to sign in, change your password."
        ),
        channels=(outward,),
        pin_channel=True,
    )


def _redact_code(notification: Notification) -> dict[str, str]:
    return {"body": _REDACTED} if notification.purpose == SIGNIN_CODE_PURPOSE else {}


# -- failed deliveries --------------------------------------------------------------------------

DeliveryFailedHook = Callable[[Notification], object]
_after_failure_hooks: list[DeliveryFailedHook] = []


def register_after_delivery_failed(hook: DeliveryFailedHook) -> None:
    """A higher app acts on a statutory message, or a letter, that could not be delivered
    (casework raises a task for the caseworker). Called once each time one becomes failed."""
    if hook not in _after_failure_hooks:
        _after_failure_hooks.append(hook)


def delivery_failed_hooks_run(notification_id: int) -> None:
    notification = (
        Notification.objects.select_related("recipient", "case")
        .filter(pk=notification_id, status=Notification.Status.FAILED)
        .first()
    )
    if notification is None or notification.case_id is None:
        return
    # A statutory message, or any letter that could not be posted: post is the last way to
    # reach a family, so one that fails is work for the caseworker.
    if not (notification.statutory or notification.channel == Notification.Channel.LETTER):
        return
    for hook in _after_failure_hooks:
        try:
            hook(notification)
        except Exception:  # the failure is on the failed page whatever a hook does
            logger.exception("After-failure hook failed for notification %s", notification_id)


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


class Unreachable(Exception):
    """Nothing held can reach this person by the message's channel: retrying will not help."""

    permanent = True


def _portal_url(notification: Notification) -> str:
    return f"{settings.SITE_URL}{notification.link}" if notification.link else settings.SITE_URL


def _file_name(notification: Notification, suffix: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", notification.idempotency_key)[:150]
    return f"{notification.created_at:%Y%m%d-%H%M%S}-{notification.pk}-{safe}{suffix}"


def _write_var(directory: Path, name: str, content: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(content)


SMS_LENGTH = 160


def sms_text(notification: Notification) -> str:
    """A text message is short and says where to read the rest: the portal, never the detail
    (a phone's lock screen shows it)."""
    if notification.purpose == SIGNIN_CODE_PURPOSE:
        return notification.body
    tail = f". Read it in the EHCP portal: {_portal_url(notification)}"
    subject = notification.subject.rstrip(".")
    # One text is 160 characters; a longer one is sent (and charged) as several.
    room = max(SMS_LENGTH - len(tail), 40)
    if len(subject) > room:
        subject = subject[: room - 1].rstrip() + "…"
    return subject + tail


def letter_pdf(notification: Notification) -> bytes:
    """The letter to post: the document itself (a decision letter, the same PDF as on the
    family's tracker), or a letter made from the message's wording. Either way page 1 carries
    the address block where GOV.UK Notify reads it (`cases.postal`); with no address Notify
    would accept, nothing is posted (Unreachable: the message fails and, if statutory, the
    caseworker gets a task)."""
    from cases.letters import decision_letter_pdf, letter_postal_block
    from cases.models import CouncilProfile

    case = notification.case
    if case is None:  # recipient_reach holds no address without a case
        raise Unreachable(UNREACHABLE)
    recipient = notification.recipient
    postal = letter_postal_block(case, [recipient] if recipient is not None else [])
    if postal.problem:
        raise Unreachable(postal.problem)
    if notification.document_id is not None and notification.document is not None:
        with notification.document.file.open("rb") as handle:
            return handle.read()
    html = render_to_string(
        "notifications/letter.html",
        {
            "notification": notification,
            "recipient": recipient,
            "case": case,
            "child": case.child,
            "council": CouncilProfile.current(),
            "postal": postal,
            "letter_date": timezone.localdate(),
            "portal_url": _portal_url(notification),
        },
    )
    return decision_letter_pdf(html)


def _deliver(notification: Notification) -> str:
    """Send one message by its channel; Notify's id for it ("" for the embedded default)."""
    recipient = notification.recipient
    key = notification.idempotency_key
    use_notify = bool(settings.NOTIFY_API_KEY)
    if recipient is None and notification.channel != Notification.Channel.LETTER:
        raise Unreachable(UNREACHABLE)  # only the post reaches a family without an account
    if notification.channel == Notification.Channel.SMS:
        assert recipient is not None
        number = uk_mobile_or_blank(recipient.phone)
        if not number:
            raise Unreachable("No UK mobile number is held for this person.")
        text = sms_text(notification)
        if use_notify:
            from notifications.notify import notify_send_sms

            return str(notify_send_sms(phone_number=number, body=text, reference=key).get("id", ""))
        _write_var(
            settings.SMS_DIR,
            _file_name(notification, ".txt"),
            f"To: {number}\n\n{text}\n".encode(),
        )
        return ""
    if notification.channel == Notification.Channel.LETTER:
        pdf = letter_pdf(notification)
        if use_notify:
            from notifications.notify import notify_send_letter

            return str(notify_send_letter(pdf=pdf, reference=key).get("id", ""))
        _write_var(settings.LETTERS_DIR, _file_name(notification, ".pdf"), pdf)
        return ""
    assert recipient is not None
    if not recipient.has_email:
        raise Unreachable("No email address is held for this person.")
    body = notification.body + (f"\n\n{_portal_url(notification)}\n" if notification.link else "")
    if use_notify:
        from notifications.notify import notify_send_email

        answer = notify_send_email(
            email_address=recipient.email, subject=notification.subject, body=body, reference=key
        )
        return str(answer.get("id", ""))
    send_mail(notification.subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    return ""


def notification_send(*, notification_id: int) -> str:
    """Deliver one claimed message. Failures retry with backoff, then show as failed (and a
    statutory one raises a task for the caseworker)."""
    notification = notification_claim(notification_id=notification_id)
    if notification is None:
        return "not-claimed"
    try:
        provider_id = _deliver(notification)
    except Exception as exc:  # any transport failure is retried, then shown
        attempts = notification.attempts + 1
        failed = attempts >= settings.NOTIFICATION_MAX_ATTEMPTS or getattr(exc, "permanent", False)
        Notification.objects.filter(pk=notification.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:1000].replace("\x00", ""),
            status=Notification.Status.FAILED if failed else Notification.Status.PENDING,
            # Backoff: 2, 4, 8, 16 minutes between attempts.
            next_attempt_at=timezone.now() + timedelta(minutes=2**attempts),
            **(_redact_code(notification) if failed else {}),
        )
        if failed:
            delivery_failed_hooks_run(notification.pk)
        return "failed" if failed else "retry"
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        attempts=notification.attempts + 1,
        last_error="",
        provider_id=provider_id,
        **_redact_code(notification),
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
    # A sign-in code is never sent again: it has expired, and its text was removed.
    updated = (
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.FAILED)
        .exclude(purpose=SIGNIN_CODE_PURPOSE)
        .update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    )
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


def user_contact_preference_set(
    *, user: User, email_opt_in: bool, contact_channel: str, phone: str
) -> None:
    """A family member's choices: updates or not, and by email, text or post."""
    user.email_opt_in = email_opt_in
    user.contact_channel = contact_channel
    fields = ["email_opt_in", "contact_channel"]
    if phone:
        user.phone = phone
        fields.append("phone")
    user.save(update_fields=fields)
