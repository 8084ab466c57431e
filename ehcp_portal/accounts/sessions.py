"""How long a staff session lasts: an idle timeout and an absolute lifetime, kept in the session.

Every role that must use MFA (they see other people's children's records) is signed out after
SESSION_IDLE_TIMEOUT_MINUTES without a request, and STAFF_SESSION_MAX_HOURS after signing in
however active. Families keep Django's session (SESSION_COOKIE_AGE). The times are checked on
the server for every request (ehcp_portal.middleware.SessionTimeoutMiddleware); the warning
dialog only tells the person before it happens.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase
    from django.http import HttpRequest

    from ehcp_portal.accounts.models import User

SIGNED_IN_AT = "ehcp_signed_in_at"
LAST_SEEN_AT = "ehcp_last_seen_at"
# A request refreshes "last seen" at most this often, so most requests write no session row.
TOUCH_EVERY_SECONDS = 60

IDLE = "idle"
LIFETIME = "lifetime"


def session_timed(user: User) -> bool:
    return bool(user.is_authenticated and user.needs_mfa)


def idle_seconds() -> int:
    return settings.SESSION_IDLE_TIMEOUT_MINUTES * 60


def session_start(session: SessionBase, now: float | None = None) -> None:
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def session_end_reason(session: SessionBase, now: float | None = None) -> str | None:
    """Why a timed session is over, or None. A session with no times was not started by a
    sign-in this code saw (e.g. one from before the timeout existed): it is over too."""
    now = time.time() if now is None else now
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen_at = session.get(LAST_SEEN_AT)
    if not isinstance(signed_in_at, (int, float)) or not isinstance(last_seen_at, (int, float)):
        return IDLE
    if now - signed_in_at >= settings.STAFF_SESSION_MAX_HOURS * 60 * 60:
        return LIFETIME
    if now - last_seen_at >= idle_seconds():
        return IDLE
    return None


def session_touch(session: SessionBase, now: float | None = None, *, force: bool = False) -> None:
    now = time.time() if now is None else now
    last_seen_at = session.get(LAST_SEEN_AT, 0)
    if force or now - last_seen_at >= TOUCH_EVERY_SECONDS:
        session[LAST_SEEN_AT] = now


def session_seconds_left(session: SessionBase, now: float | None = None) -> int:
    """Seconds until the session ends if nothing more happens: the idle timeout or the absolute
    lifetime, whichever comes first."""
    now = time.time() if now is None else now
    idle_left = session.get(LAST_SEEN_AT, now) + idle_seconds() - now
    lifetime_left = (
        session.get(SIGNED_IN_AT, now) + settings.STAFF_SESSION_MAX_HOURS * 60 * 60 - now
    )
    return max(0, int(min(idle_left, lifetime_left)))


def on_signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """user_logged_in receiver (AccountsConfig.ready): every sign-in starts the clock."""
    if request is not None and hasattr(request, "session"):
        session_start(request.session)


def end_message(reason: str) -> str:
    if reason == LIFETIME:
        return (
            f"For your security, we signed you out because you had been signed in for "
            f"{settings.STAFF_SESSION_MAX_HOURS} hours. Sign in again to continue."
        )
    return (
        f"For your security, we signed you out because you did not do anything for "
        f"{settings.SESSION_IDLE_TIMEOUT_MINUTES} minutes. Sign in again to continue."
    )
