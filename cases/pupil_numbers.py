"""A child's national identifiers: the unique pupil number (UPN) and the unique learner number
(ULN), with their check characters. Pure Python, no Django: the request form, the child's
details page and the SEN2 validation all ask the same two functions."""

from __future__ import annotations

import re

# DfE "Unique pupil numbers (UPNs)" guidance: the check letter is the sum of characters 2-13,
# each weighted by its position (2-13), mod 23, read through this table (no I, O or S).
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_UPN = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
_ULN = re.compile(r"^\d{10}$")


def upn_normalise(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def upn_check_letter(body: str) -> str:
    """The check letter for characters 2-13 of a UPN. In a temporary UPN the last of them is a
    letter, counted as its place in the check-letter table."""
    total = 0
    for weight, char in enumerate(body, start=2):
        value = int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)
        total += value * weight
    return UPN_CHECK_LETTERS[total % 23]


def upn_problem(value: str) -> str | None:
    """Why `value` is not a valid UPN, in words a person can act on; None when it is valid."""
    upn = upn_normalise(value)
    if len(upn) != 13:
        return "A UPN is 13 characters: a letter followed by 12 numbers, like B201567815001"
    if not _UPN.match(upn) or (not upn[-1].isdigit() and upn[-1] not in UPN_CHECK_LETTERS):
        return "A UPN is a letter followed by 12 numbers (or 11 numbers and a letter)"
    if upn[0] != upn_check_letter(upn[1:]):
        return "The UPN's check letter does not match its numbers: check it was copied correctly"
    return None


def uln_check_digit(body: str) -> int | None:
    """The check digit for the first 9 digits of a ULN, or None when no digit can be right."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    digit = 10 - total % 11
    return None if digit == 10 else digit % 10


def uln_problem(value: str) -> str | None:
    uln = upn_normalise(value)
    if not _ULN.match(uln):
        return "A ULN is 10 numbers"
    if uln_check_digit(uln[:9]) != int(uln[9]):
        return "The ULN's last number does not match the others: check it was copied correctly"
    return None
