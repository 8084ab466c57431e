"""A small client for the GOV.UK Notify REST API (v2), used when NOTIFY_API_KEY is set.

Notify authenticates each request with a JSON Web Token signed HS256 with the API key's secret
(https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header). PyJWT is not a
dependency, so the token is built here with hmac and hashlib: it is three base64url parts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings


class NotifyError(Exception):
    """Notify refused or could not be reached; `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status

    @property
    def permanent(self) -> bool:
        # 400 (bad request) and 403 (bad key) will not succeed on a retry; 429/5xx may.
        return self.status in (400, 403)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def notify_key_parts(api_key: str) -> tuple[str, str]:
    """A Notify key is `{name}-{service id}-{secret}`; the last two are 36-character UUIDs."""
    if len(api_key) < 74:
        raise NotifyError("NOTIFY_API_KEY is not a GOV.UK Notify API key", status=403)
    return api_key[-73:-37], api_key[-36:]


def notify_token(*, service_id: str, secret: str, issued_at: int | None = None) -> str:
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    claims = {"iss": service_id, "iat": int(time.time()) if issued_at is None else issued_at}
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def notify_send_email(
    *,
    email_address: str,
    subject: str,
    body: str,
    reference: str,
    api_key: str | None = None,
    base_url: str | None = None,
    template_id: str | None = None,
) -> dict[str, Any]:
    """POST /v2/notifications/email. `reference` is the outbox idempotency key, so a message
    retried after a lost answer can be matched in Notify's records."""
    api_key = api_key or settings.NOTIFY_API_KEY
    base_url = (base_url or settings.NOTIFY_BASE_URL).rstrip("/")
    service_id, secret = notify_key_parts(api_key)
    payload = {
        "email_address": email_address,
        "template_id": template_id or settings.NOTIFY_EMAIL_TEMPLATE_ID,
        "personalisation": {"subject": subject, "body": body},
        "reference": reference,
    }
    request = urllib.request.Request(  # noqa: S310 – the base URL is configuration, not input
        f"{base_url}/v2/notifications/email",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {notify_token(service_id=service_id, secret=secret)}",
            "Content-Type": "application/json",
            "User-Agent": "ehcp-portal",
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.NOTIFY_TIMEOUT_SECONDS
        ) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode("utf-8", "replace")
        raise NotifyError(f"Notify answered {exc.code}: {detail}", status=exc.code) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise NotifyError(f"Notify could not be reached: {exc}") from exc
