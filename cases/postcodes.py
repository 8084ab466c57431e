"""UK postcodes: the one normalisation every part of the portal uses. Pure Python, no Django."""

from __future__ import annotations

import re

# A UK postcode, outward and inward code (BS 7666), after upper-casing and removing spaces.
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def postcode_normalise(value: str) -> str | None:
    """'ls62ab' → 'LS6 2AB'; None when it is not a UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    match = POSTCODE_RE.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_district(postcode: str) -> str:
    """The outward code ('LS6') that decides the council area; '' when it is not a postcode."""
    normalised = postcode_normalise(postcode)
    return normalised.split(" ")[0] if normalised else ""


def district_normalise(district: str) -> str:
    """An area's configured district ('ls6 ', 'LS6') as postcode_district spells it."""
    return "".join((district or "").split()).upper()
