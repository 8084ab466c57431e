"""The council's wording language: only offered placeholders and blocks, every statutory block
kept, nothing that runs code."""

from __future__ import annotations

import pytest

from cases.correspondence.wording import WordingInvalid, wording_fill, wording_parse
from cases.letters import LETTER_BLOCKS

FULL = (
    "Dear family,\n[[decision]]\nMore from us about {child}.\n"
    "[[next_steps]]\n[[rights]]\n[[contact]]"
)


def test_text_and_blocks_come_out_in_the_council_s_order():
    parts = wording_parse(FULL, blocks=LETTER_BLOCKS, required=LETTER_BLOCKS)
    assert [(p.kind, p.value.strip()) for p in parts] == [
        ("text", "Dear family,"),
        ("block", "decision"),
        ("text", "More from us about {child}."),
        ("block", "next_steps"),
        ("block", "rights"),
        ("block", "contact"),
    ]


@pytest.mark.parametrize("block", LETTER_BLOCKS)
def test_leaving_out_a_statutory_block_is_refused(block):
    with pytest.raises(WordingInvalid) as refused:
        wording_parse(
            FULL.replace(f"[[{block}]]", ""), blocks=LETTER_BLOCKS, required=LETTER_BLOCKS
        )
    assert any(f"must keep [[{block}]]" in error for error in refused.value.errors)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{{ case.child.date_of_birth }}", "is not allowed"),
        ("{% load static %}", "is not allowed"),
        ("{appeal_by}", "is not a placeholder"),
        ("{child.__class__}", "is not a placeholder"),
        ("[[rights]] [[rights]]", "more than once"),
        ("[[secret]]", "is not a block"),
        ("An unclosed {child", "is not allowed"),
    ],
)
def test_anything_but_the_offered_placeholders_is_refused(text, message):
    with pytest.raises(WordingInvalid) as refused:
        wording_parse(text, blocks=LETTER_BLOCKS)
    assert any(message in error for error in refused.value.errors), refused.value.errors


def test_placeholders_are_filled_with_the_case_s_values():
    assert wording_fill("About {child} ({reference})", {"child": "Amira", "reference": "R1"}) == (
        "About Amira (R1)"
    )
