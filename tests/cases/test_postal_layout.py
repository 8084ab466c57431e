"""Posted letters put the recipient's address where GOV.UK Notify reads it (issue 19).

Each test renders a real letter to PDF and reads where every line of text landed on page 1
(poppler's `pdftotext -bbox-layout`, in points): the address lines inside Notify's address
window, nothing else in it, nothing outside the printable area, and the body below 95 mm.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from html import unescape
from pathlib import Path

import pytest
from django.utils import timezone

from cases.letters import decision_letter_context, decision_letter_pdf, letter_postal_block
from cases.postal import (
    ADDRESS_WINDOW,
    BODY_TOP_MM,
    PRINTABLE,
    SERVICE_ADDRESS,
    AddressUnusable,
    addressee_name,
    postal_address_lines,
)
from tests.factories import CaseFactory, UserFactory, family_for

PT_TO_MM = 25.4 / 72

_LINE = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
)
_WORD = re.compile(r"<word [^>]*>(.*?)</word>", re.S)


def page_lines(pdf: bytes, page: int = 1) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every line of text on the page with its box (left, top, right, bottom) in mm."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letter.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(
            ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    lines = []
    for x0, y0, x1, y1, inner in _LINE.findall(html):
        text = " ".join(unescape(w) for w in _WORD.findall(inner))
        box = tuple(float(v) * PT_TO_MM for v in (x0, y0, x1, y1))
        lines.append((text, box))
    return lines


def assert_posted_layout(pdf: bytes, expected: tuple[str, ...]) -> None:
    lines = page_lines(pdf)
    in_window = [text for text, box in lines if ADDRESS_WINDOW.overlaps(*box)]
    assert in_window == list(expected)
    for text, box in lines:
        if text in expected:
            assert ADDRESS_WINDOW.holds(*box), (text, box)
        assert PRINTABLE.holds(*box), (text, box)
    body = [text for text, box in lines if box[1] >= BODY_TOP_MM]
    assert body, "the letter's body starts below the head"
    # Above 95 mm only the head: the window and the council's column on the right.
    head = [(t, b) for t, b in lines if b[1] < BODY_TOP_MM and t not in expected]
    assert head and all(SERVICE_ADDRESS.holds(*b) for _, b in head), head


def _addressed_case():
    case = CaseFactory()
    case.child.address = "Flat 2\n14 Mill Lane\nHeadingley, Leeds"
    case.child.postcode = "ls6 2ab"
    case.child.save()
    return case


@pytest.mark.django_db
def test_a_decision_letter_has_the_family_address_in_notifys_window():
    case = _addressed_case()
    family_for(case, UserFactory(full_name="Pat Quinn"))
    html = decision_letter_context(
        case=case, letter="refuse_to_assess", decision_on=timezone.localdate(), reasons="Because."
    )
    from django.template.loader import render_to_string

    pdf = decision_letter_pdf(render_to_string("cases/letters/decision.html", html))
    assert_posted_layout(
        pdf, ("Pat Quinn", "Flat 2", "14 Mill Lane", "Headingley, Leeds", "LS6 2AB")
    )


@pytest.mark.django_db
def test_a_paper_applicant_is_addressed_by_the_child_when_no_one_has_an_account():
    case = _addressed_case()
    case.child.first_name, case.child.last_name = "Ann", "Lee"
    case.child.save()
    block = letter_postal_block(case)
    assert block.problem == ""
    assert block.lines == (
        "The parent or carer of Ann Lee",
        "Flat 2",
        "14 Mill Lane",
        "Headingley, Leeds",
        "LS6 2AB",
    )
    # A name too long for one line of the window: the words alone.
    case.child.last_name = "Featherstonehaugh-Cholmondeley"
    case.child.save()
    assert letter_postal_block(case).lines[0] == "The parent or carer"


def test_an_address_notify_would_refuse_is_refused_with_the_reason():
    with pytest.raises(AddressUnusable, match="postcode"):
        postal_address_lines(name="Pat", address="1 High Street", postcode="")
    with pytest.raises(AddressUnusable, match="No postal address"):
        postal_address_lines(name="Pat", address="  ", postcode="LS1 1AA")
    with pytest.raises(AddressUnusable, match="at least 3"):
        postal_address_lines(name="", address="1 High Street", postcode="LS1 1AA")
    with pytest.raises(AddressUnusable, match="at most 7"):
        postal_address_lines(name="Pat", address="\n".join("abcdefg"), postcode="LS1 1AA")
    with pytest.raises(AddressUnusable, match="too long"):
        postal_address_lines(name="Pat", address="x" * 60, postcode="LS1 1AA")
    # One line with commas is split; a postcode typed into the address is not printed twice.
    assert postal_address_lines(
        name="Pat Quinn", address="1 High Street, Leeds, LS1 1AA", postcode="ls11aa"
    ) == ("Pat Quinn", "1 High Street", "Leeds", "LS1 1AA")


def test_the_name_on_the_envelope_fits_one_line():
    assert addressee_name(["Pat Quinn", "Sam Quinn"], "") == "Pat Quinn and Sam Quinn"
    assert addressee_name(["A" * 30, "B" * 30], "") == "A" * 30
    assert addressee_name([], "The parent or carer of X") == "The parent or carer of X"
