"""Which way a message goes out: email, text message or post (issue 19).

One rule, used when a message is written to the outbox (`notification_queue` and the bulk
write) and nowhere else. Pure: it is given what the council holds and what the person chose.

- The person's choice comes first, when the council holds what it needs (an email address, a
  UK mobile number, a postal address).
- A statutory letter (a decision with appeal rights) goes by post when no email address is
  held: the law's clock runs from the family receiving it, and a text message cannot carry it.
- Otherwise the first of email, text, post that can reach them; None when nothing can (the
  message is then shown as failed to managers, so someone finds a way to reach the family).
"""

from __future__ import annotations

from dataclasses import dataclass

EMAIL, SMS, LETTER = "email", "sms", "letter"
_PREFERENCE_CHANNEL = {"email": EMAIL, "sms": SMS, "post": LETTER}


@dataclass(frozen=True)
class Reach:
    """What the council holds for one recipient, and what they chose."""

    preference: str  # accounts.ContactChannel: "email", "sms" or "post"
    has_email: bool
    has_mobile: bool
    has_address: bool


def outward_channel(reach: Reach, *, statutory_letter: bool) -> str | None:
    held = {EMAIL: reach.has_email, SMS: reach.has_mobile, LETTER: reach.has_address}
    if statutory_letter and not reach.has_email and reach.has_address:
        return LETTER
    preferred = _PREFERENCE_CHANNEL.get(reach.preference, EMAIL)
    if held[preferred]:
        return preferred
    for channel in (EMAIL, SMS, LETTER):
        if held[channel]:
            return channel
    return None
