"""GOV.UK Notify, through its official Python client, used when NOTIFY_API_KEY is set.

Emails and text messages use one generic template each (subject and body, or body alone, as
personalisation), so the wording stays in the portal where administrators edit it. Posted
letters are precompiled: the very PDF the family can read in the portal. Every message carries
the outbox's idempotency key as Notify's `reference`, so a message retried after a lost answer
can be matched in Notify's records and in its callbacks.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyError(Exception):
    """Notify refused or could not be reached; `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        # 400 (bad request) and 403 (bad key) will not succeed on a retry; 429/5xx may.
        return self.status in (400, 403)


def notify_key_parts(api_key: str) -> tuple[str, str]:
    """A Notify key is `{name}-{service id}-{secret}`; the last two are 36-character UUIDs."""
    if len(api_key) < 74:
        raise NotifyError("NOTIFY_API_KEY is not a GOV.UK Notify API key", status=403)
    return api_key[-73:-37], api_key[-36:]


def notify_client() -> NotificationsAPIClient:
    notify_key_parts(settings.NOTIFY_API_KEY)  # a clear error for a key of the wrong shape
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY,
        base_url=settings.NOTIFY_BASE_URL.rstrip("/"),
        timeout=settings.NOTIFY_TIMEOUT_SECONDS,
    )


def _call(send: Any, **kwargs: Any) -> dict[str, Any]:
    try:
        return send(**kwargs) or {}
    except APIError as exc:
        status = exc.status_code
        # The client reports "no answer" (timeout, refused connection) as 500: retry it.
        raise NotifyError(f"Notify answered {status}: {exc.message}"[:500], status=status) from exc


def notify_send_email(
    *, email_address: str, subject: str, body: str, reference: str
) -> dict[str, Any]:
    return _call(
        notify_client().send_email_notification,
        email_address=email_address,
        template_id=settings.NOTIFY_EMAIL_TEMPLATE_ID,
        personalisation={"subject": subject, "body": body},
        reference=reference,
    )


def notify_send_sms(*, phone_number: str, body: str, reference: str) -> dict[str, Any]:
    return _call(
        notify_client().send_sms_notification,
        phone_number=phone_number,
        template_id=settings.NOTIFY_SMS_TEMPLATE_ID,
        personalisation={"body": body},
        reference=reference,
    )


def notify_send_letter(*, pdf: bytes, reference: str) -> dict[str, Any]:
    """A precompiled letter: Notify reads the address from the PDF's address block."""
    return _call(
        notify_client().send_precompiled_letter_notification,
        reference=reference,
        pdf_file=io.BytesIO(pdf),
        postage=settings.NOTIFY_LETTER_POSTAGE,
    )


def notify_status(provider_id: str) -> dict[str, Any]:
    """Notify's record of one message (the fallback when a callback never came)."""
    return _call(notify_client().get_notification_by_id, id=provider_id)
