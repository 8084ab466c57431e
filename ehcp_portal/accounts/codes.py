"""One-time sign-in codes: a family's second factor by email or text (issue 19).

A family member who turned codes on types their password, then a six-digit code sent through
the outbox by the channel they chose. Codes last 10 minutes, work once and are stored only as
a keyed hash. Both sending and guessing are limited in the shared cache, so every web process
counts the same attempts. Passing the code is recorded in the session as allauth records a
TOTP answer (method "mfa"), so every check that asks "did this session pass a second factor?"
(`signin.session_passed_mfa`) treats it the same.

The accounts app is the lowest layer and cannot call the outbox; the notifications app
registers the sender (`register_signin_code_sender`) in its AppConfig.ready.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ehcp_portal.accounts.models import SignInCode, SignInCodeChannel, User

if TYPE_CHECKING:
    from django.http import HttpRequest

CODE_LIFETIME = timedelta(minutes=10)
CODE_DIGITS = 6
# Sends: a few resends are normal (a slow text), more is someone pressing on another's account.
MAX_SENDS = 3
SEND_WINDOW_SECONDS = 15 * 60
# Guesses: one code dies after this many wrong answers; the account waits after more.
MAX_WRONG_PER_CODE = 5
MAX_WRONG_PER_WINDOW = 10
WRONG_WINDOW_SECONDS = 60 * 60

SignInCodeSender = Callable[[User, str, str, int], None]
_sender: SignInCodeSender | None = None


def register_signin_code_sender(sender: SignInCodeSender) -> None:
    global _sender
    _sender = sender


class CodeRefused(Exception):
    """A code that cannot be sent or accepted; the message is shown on the page."""


def signin_code_required(user: User) -> bool:
    return user.is_family and bool(user.signin_code_channel)


def _code_hash(user: User, code: str) -> str:
    # Keyed with SECRET_KEY: a million codes are quickly tried against a plain hash.
    return salted_hmac("ehcp.signin-code", f"{user.pk}:{code}", algorithm="sha256").hexdigest()


def _count(key: str, window: int) -> int:
    """Add one to a counter that starts its window at the first count."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _sends_key(user: User) -> str:
    return f"signin-code:sends:{user.pk}"


def _wrong_key(user: User) -> str:
    return f"signin-code:wrong:{user.pk}"


def signin_code_send(*, user: User, channel: str = "") -> SignInCode:
    """Make a new code, end the earlier ones, and send it by the user's chosen channel (or by
    `channel`: a family member signing in with their mobile number gets it by text)."""
    if channel:
        if not user.is_family:
            raise CodeRefused("Staff sign in with an authenticator app.")
    elif not signin_code_required(user):
        raise CodeRefused("Sign-in codes are not turned on for this account.")
    channel = channel or user.signin_code_channel
    if (cache.get(_wrong_key(user)) or 0) >= MAX_WRONG_PER_WINDOW:
        raise CodeRefused("Too many wrong codes. Wait an hour, then sign in again.")
    if _count(_sends_key(user), SEND_WINDOW_SECONDS) > MAX_SENDS:
        raise CodeRefused(
            "We have sent you several codes. Wait 15 minutes before asking for another."
        )
    if _sender is None:
        raise RuntimeError("No sign-in code sender is registered (the notifications app).")
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        # Nothing is kept of old codes beyond a day (the counts that matter are in the cache).
        SignInCode.objects.filter(user=user, created_at__lt=now - timedelta(days=1)).delete()
        record = SignInCode.objects.create(
            user=user,
            code_hash=_code_hash(user, code),
            channel=channel,
            expires_at=now + CODE_LIFETIME,
        )
        _sender(user, code, channel, record.pk)
    return record


def signin_code_check(*, user: User, code: str) -> None:
    """Accept the code once, or raise CodeRefused saying why."""
    code = "".join((code or "").split())
    if not code:
        raise CodeRefused("Enter the code we sent you")
    if not (code.isdigit() and len(code) == CODE_DIGITS):
        raise CodeRefused("The code must be 6 numbers")
    if (cache.get(_wrong_key(user)) or 0) >= MAX_WRONG_PER_WINDOW:
        raise CodeRefused("Too many wrong codes. Wait an hour, then sign in again.")
    now = timezone.now()
    refusal = None
    # The refusal is raised after the block: raising inside would roll back the count.
    with transaction.atomic():
        current = (
            SignInCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if current is None or current.expires_at <= now:
            refusal = "That code has expired or has been used. Send a new code."
        elif not constant_time_compare(current.code_hash, _code_hash(user, code)):
            current.wrong_attempts += 1
            refusal = "The code is not right. Check it and try again."
            if current.wrong_attempts >= MAX_WRONG_PER_CODE:
                current.used_at = now  # this code can no longer be guessed
                refusal = "Too many wrong codes. Send a new code."
            current.save(update_fields=["wrong_attempts", "used_at"])
            _count(_wrong_key(user), WRONG_WINDOW_SECONDS)
        else:
            current.used_at = now
            current.save(update_fields=["used_at"])
    if refusal:
        raise CodeRefused(refusal)
    cache.delete(_sends_key(user))


def session_record_code_passed(request: HttpRequest, user: User, channel: str) -> None:
    """Record the code in the session as allauth records an authenticator's answer."""
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, user, method="mfa", type=f"code-{channel}")


def channel_label(channel: str) -> str:
    return str(SignInCodeChannel(channel).label) if channel else ""
