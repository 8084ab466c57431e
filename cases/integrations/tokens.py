"""Issuing and checking API client secrets.

A token is `ehcp_<prefix>_<secret>`: the prefix finds the client in one indexed read, the secret
is 256 random bits. Only SHA-256 of the secret is kept. A slow hash (PBKDF2, Argon2) protects
secrets people choose; a 256-bit random secret cannot be guessed from its hash, and a fast hash
keeps every API call cheap. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from cases.integrations.models import ApiClient

TOKEN_START = "ehcp_"


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_parse(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed token, None for anything else."""
    if not token.startswith(TOKEN_START):
        return None
    prefix, _, secret = token[len(TOKEN_START) :].partition("_")
    if not (8 <= len(prefix) <= 16 and prefix.isalnum() and 20 <= len(secret) <= 100):
        return None
    return prefix, secret


def secret_matches(client: ApiClient, secret: str) -> bool:
    return hmac.compare_digest(client.secret_hash, secret_hash(secret))


@transaction.atomic
def client_secret_issue(*, client: ApiClient) -> str:
    """Give the client a new token (a new prefix and secret) and return it: the only time it can
    be read. Any earlier token stops working at once."""
    client.prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = secret_hash(secret)
    client.save()
    return f"{TOKEN_START}{client.prefix}_{secret}"


def client_revoke(*, client: ApiClient, at: datetime | None = None) -> None:
    client.revoked_at = at or timezone.now()
    client.save(update_fields=["revoked_at"])
