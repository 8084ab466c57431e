"""UK mobile numbers: the only numbers a text message can reach.

Pure Python. A UK mobile number is 07 followed by nine digits (Ofcom's numbering plan: 071–075,
077–079; 076 is pagers and personal numbers, 070 personal numbering, neither takes texts),
written however people write it: spaces, dashes, brackets, +44 or 0044 in front.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")


def uk_mobile_normalise(raw: str) -> str:
    """The number as +447xxxxxxxxx, or ValueError with a message a person can act on."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and len(digits) == 12:
        digits = "0" + digits[2:]
    if not digits.isdigit():
        raise ValueError("Enter a mobile phone number, like 07700 900 982")
    if len(digits) != 11 or not digits.startswith("07"):
        raise ValueError("Enter a UK mobile number, like 07700 900 982")
    if digits[2] in "06":
        raise ValueError("Enter a UK mobile number: this number cannot receive text messages")
    return "+44" + digits[1:]


def uk_mobile_or_blank(raw: str) -> str:
    """The normalised number, or "" when it is not a UK mobile (nothing can be texted)."""
    try:
        return uk_mobile_normalise(raw)
    except ValueError:
        return ""


def mobile_ending(number: str) -> str:
    """The last three digits, which the code page shows (never the whole number)."""
    return number[-3:]
