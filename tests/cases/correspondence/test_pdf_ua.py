"""Every letter is a tagged PDF (PDF/UA-1) in its language, so a screen reader reads it."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.correspondence.models import BulkSend
from cases.correspondence.services import bulk_letter_pdf
from cases.letters import LETTERS, decision_letter_html, decision_letter_pdf
from tests.factories import CaseFactory


def assert_tagged(pdf: bytes, lang: str = "en") -> None:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == lang
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()


@pytest.mark.parametrize("letter", sorted(LETTERS))
def test_each_decision_letter_is_tagged_pdf_ua(db, letter):
    case = CaseFactory()
    html = decision_letter_html(
        case=case, letter=letter, decision_on=timezone.localdate(), reasons="Reasons."
    )
    assert_tagged(decision_letter_pdf(html))


def test_a_bulk_letter_is_tagged_pdf_ua(db):
    case = CaseFactory()
    bulk = BulkSend(cohort=BulkSend.Cohort.SCHOOL, title="Open evening", body="Come along.")
    assert_tagged(bulk_letter_pdf(bulk, case))
