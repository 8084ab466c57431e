"""The webhook signature (docs/api.md, "Events and webhooks"): pure Python, no Django, so a
receiving system can copy the check.

`X-EHCP-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body, keyed by the secret>`.
The timestamp is signed with the body so a captured delivery cannot be replayed later than
the receiver's tolerance.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-EHCP-Signature"
EVENT_ID_HEADER = "X-EHCP-Event-Id"
DELIVERY_ID_HEADER = "X-EHCP-Delivery-Id"
TOLERANCE_SECONDS = 300


def signature(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={signature(secret, body, timestamp)}"


def signature_valid(
    secret: str, body: bytes, header: str, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """True when `header` signs `body` with `secret` and its time is within `tolerance`."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, body, timestamp))
