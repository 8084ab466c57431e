"""UK mobile numbers (pure): the only numbers a text message reaches."""

from __future__ import annotations

import pytest

from ehcp_portal.accounts.phones import uk_mobile_normalise, uk_mobile_or_blank


@pytest.mark.parametrize(
    "typed",
    ["07700900982", "07700 900 982", "+44 7700 900982", "0044 7700 900982", "(07700) 900-982"],
)
def test_the_ways_people_write_a_mobile_number(typed):
    assert uk_mobile_normalise(typed) == "+447700900982"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0113 496 0000", "UK mobile"),  # a landline
        ("07700 90098", "UK mobile"),  # a digit short
        ("07600 900982", "cannot receive text messages"),  # pagers
        ("07000 900982", "cannot receive text messages"),  # personal numbering
        ("call me", "mobile phone number"),
        ("", "mobile phone number"),
    ],
)
def test_numbers_that_cannot_take_a_text_are_refused_with_a_reason(typed, reason):
    with pytest.raises(ValueError, match=reason):
        uk_mobile_normalise(typed)
    assert uk_mobile_or_blank(typed) == ""
