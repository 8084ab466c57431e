"""A posted letter's address block: what GOV.UK Notify's precompiled-letter check accepts.

Pure Python, no Django. Notify prints and posts a PDF as it is, reading the address from a fixed
window on page 1 (the envelope's window) and refusing the letter ("validation-failed") when the
window holds anything but an address, when an address has fewer than 3 or more than 7 lines, or
when a UK address does not end with a real postcode. Notify's published rules, as its own
checker has them (alphagov/notifications-template-preview `precompiled.py`,
alphagov/notifications-utils `postal_address.py`), all in millimetres from the page's top-left:

- everything printed stays 15 mm from the left and right edges and 5 mm from the top and
  bottom (Notify prints its own tag and the printer's barcodes outside);
- the recipient's address, and nothing else, inside the address window;
- the council's logo (if any) in the logo area, its own address in the service-address
  column, and the letter's body from 95 mm down on page 1.

Every letter that may be posted (decision letters, bulk letters, the letter made from a
message) lays out page 1 with `templates/cases/letters/postal_head.html`, whose CSS puts these
boxes where the constants below say; a test measures a rendered PDF against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.postcodes import postcode_normalise


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in mm from the top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    def holds(self, left: float, top: float, right: float, bottom: float) -> bool:
        return (
            left >= self.left and right <= self.right and top >= self.top and bottom <= self.bottom
        )

    def overlaps(self, left: float, top: float, right: float, bottom: float) -> bool:
        return not (
            right <= self.left or left >= self.right or bottom <= self.top or top >= self.bottom
        )


A4_WIDTH_MM, A4_HEIGHT_MM = 210.0, 297.0
# Notify's printable area: 15 mm either side, 5 mm top and bottom.
PRINTABLE = Box(left=15.0, top=5.0, right=A4_WIDTH_MM - 15.0, bottom=A4_HEIGHT_MM - 5.0)
# The address window (the newest checker narrowed the top from 39.5 to 40.0 and the bottom from
# 66.3 to 66.2 mm; these are the narrower figures, which pass both).
ADDRESS_WINDOW = Box(left=24.6, top=40.0, right=120.0, bottom=66.2)
SERVICE_ADDRESS = Box(left=125.0, top=5.0, right=A4_WIDTH_MM - 15.0, bottom=95.0)
LOGO_AREA = Box(left=15.0, top=5.0, right=125.0, bottom=30.0)
BODY_TOP_MM = 95.0

MIN_LINES, MAX_LINES = 3, 7
# What fits across the window at the block's type size (9 pt) without wrapping onto a line of
# its own, which would add a line Notify counts.
MAX_LINE_CHARS = 45


class AddressUnusable(ValueError):
    """The council holds no address a letter can be posted to; the message says what is wrong."""


def _lines(address: str) -> list[str]:
    """An address as typed (one line per line, or one line with commas) as its lines."""
    rows = [" ".join(row.split()) for row in re.split(r"[\r\n]+", address or "")]
    rows = [row.strip(" ,") for row in rows if row.strip(" ,")]
    if len(rows) == 1 and "," in rows[0]:
        rows = [part.strip() for part in rows[0].split(",") if part.strip()]
    return rows


def postal_address_lines(*, name: str, address: str, postcode: str) -> tuple[str, ...]:
    """The lines of the address block: the addressee, the address, the postcode last.

    Raises AddressUnusable when Notify would refuse it (no address, no real postcode, too few
    or too many lines, a line too long for the window)."""
    code = postcode_normalise(postcode)
    if code is None:
        raise AddressUnusable("No UK postcode is held for the family's address.")
    rows = [row for row in _lines(address) if postcode_normalise(row) != code]
    if not rows:
        raise AddressUnusable("No postal address is held for the family.")
    name = " ".join((name or "").split())
    lines = ([name] if name else []) + rows + [code]
    if len(lines) < MIN_LINES:
        raise AddressUnusable(
            f"The postal address has {len(lines)} lines; a posted letter needs at least "
            f"{MIN_LINES} (a name, the address and the postcode)."
        )
    if len(lines) > MAX_LINES:
        raise AddressUnusable(
            f"The postal address has {len(lines)} lines; a posted letter can have at most "
            f"{MAX_LINES}. Shorten the address."
        )
    long = next((line for line in lines if len(line) > MAX_LINE_CHARS), None)
    if long is not None:
        raise AddressUnusable(
            f"A line of the postal address is too long to print in the envelope window: {long}"
        )
    return tuple(lines)


def addressee_name(names: list[str], fallback: str) -> str:
    """The name on the envelope: every addressee when they fit on one line, else the first."""
    names = [" ".join(n.split()) for n in names if n and n.strip()]
    if not names:
        return fallback if len(fallback) <= MAX_LINE_CHARS else "The parent or carer"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    if len(joined) <= MAX_LINE_CHARS:
        return joined
    return names[0][:MAX_LINE_CHARS]


def address_usable(address: str, postcode: str) -> bool:
    """Whether a letter can be posted to this address (whoever it is addressed to)."""
    try:
        postal_address_lines(name="The family", address=address, postcode=postcode)
    except AddressUnusable:
        return False
    return True
