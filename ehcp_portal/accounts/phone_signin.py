"""Signing in with a mobile number and a texted code, for families without email (issue 19).

A family member the council holds a UK mobile number for types the number; a six-digit code is
texted to it (the code machinery of `ehcp_portal.accounts.codes`: a keyed hash, 10 minutes,
single use, at most 3 sends in 15 minutes and 5 guesses a code); typing the code signs them in
through allauth's login stages (so anyone with an authenticator app is still asked for it).

The pages never say whether a number is registered: every number, registered or not, gets the
same page, the same messages and the same limits, which are counted per number and per client
address in the shared cache before anyone is looked up. A wrong, expired or used code, and a
code for a number nobody has, all get the same answer.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.cache import cache
from django.db.models import F, Value
from django.db.models.functions import Replace

from ehcp_portal.accounts import codes
from ehcp_portal.accounts.models import FAMILY_ROLES, User

# Per number: as many sends as one account may have (codes.MAX_SENDS), so a registered and an
# unregistered number run out at the same moment.
MAX_SENDS_PER_NUMBER = codes.MAX_SENDS
SENDS_WINDOW_SECONDS = codes.SEND_WINDOW_SECONDS
# Per client address: someone trying many numbers from one place.
MAX_SENDS_PER_ADDRESS = 10
ADDRESS_WINDOW_SECONDS = 60 * 60
MAX_WRONG_PER_NUMBER = codes.MAX_WRONG_PER_WINDOW
WRONG_WINDOW_SECONDS = codes.WRONG_WINDOW_SECONDS

TOO_MANY_SENDS = "We have sent several codes to this number. Wait 15 minutes before asking again."
TOO_MANY_FROM_HERE = "Too many codes have been asked for from here. Wait an hour and try again."
TOO_MANY_WRONG = "Too many wrong codes. Wait an hour, then ask for a new code."
NOT_RIGHT = "The code is not right, or it has expired. Check it, or send a new code."


def _national(number: str) -> str:
    return "0" + number[3:]


def family_users_with_mobile(number: str) -> list[User]:
    """Active family accounts holding this mobile number (normalised +447…), however it was
    typed when it was stored (spaces, dashes, brackets, 07…, +44…, 0044…)."""
    stored: Any = F("phone")
    for separator in (" ", "-", "(", ")", "."):
        stored = Replace(stored, Value(separator), Value(""))
    national = _national(number)
    forms = [number, national, "44" + number[3:], "0044" + number[3:]]
    return list(
        User.objects.filter(role__in=FAMILY_ROLES, is_active=True)
        .exclude(phone="")
        .annotate(phone_digits=stored)
        .filter(phone_digits__in=forms)
        .order_by("pk")[:5]
    )


def _over(key: str, limit: int, window: int) -> bool:
    return codes._count(key, window) > limit


def phone_code_send(*, number: str, client_address: str) -> None:
    """Text a code to every family account holding `number` (normally one). Raises CodeRefused
    when a limit is reached, with the same message whoever holds the number."""
    if (cache.get(f"phone-signin:wrong:{number}") or 0) >= MAX_WRONG_PER_NUMBER:
        raise codes.CodeRefused(TOO_MANY_WRONG)
    if _over(f"phone-signin:ip:{client_address}", MAX_SENDS_PER_ADDRESS, ADDRESS_WINDOW_SECONDS):
        raise codes.CodeRefused(TOO_MANY_FROM_HERE)
    if _over(f"phone-signin:sends:{number}", MAX_SENDS_PER_NUMBER, SENDS_WINDOW_SECONDS):
        raise codes.CodeRefused(TOO_MANY_SENDS)
    for user in family_users_with_mobile(number):
        # The account's own limits may refuse: the page says nothing different.
        with contextlib.suppress(codes.CodeRefused):
            codes.signin_code_send(user=user, channel="sms")


def phone_code_check(*, number: str, code: str) -> User:
    """The account this code was texted to, or CodeRefused (one message for every failure)."""
    typed = "".join((code or "").split())
    if not typed:
        raise codes.CodeRefused("Enter the code we sent you")
    if not (typed.isdigit() and len(typed) == codes.CODE_DIGITS):
        raise codes.CodeRefused("The code must be 6 numbers")
    wrong_key = f"phone-signin:wrong:{number}"
    if (cache.get(wrong_key) or 0) >= MAX_WRONG_PER_NUMBER:
        raise codes.CodeRefused(TOO_MANY_WRONG)
    for user in family_users_with_mobile(number):
        try:
            codes.signin_code_check(user=user, code=typed)
        except codes.CodeRefused:
            continue
        cache.delete(f"phone-signin:sends:{number}")
        return user
    codes._count(wrong_key, WRONG_WINDOW_SECONDS)
    raise codes.CodeRefused(NOT_RIGHT)
