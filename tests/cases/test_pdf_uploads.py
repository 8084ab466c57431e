"""A file that starts like a PDF is accepted only when it is a PDF (pypdf reads it and it has a
page) with nothing in it that runs: no JavaScript, no action on opening or on a page event, no
program to launch, no attached files. Such files are refused, not cleaned (issue 14)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from cases.documents import document_validate
from tests.families.helpers import PDF_BYTES, pdf_bytes
from tests.families.test_documents import evidence_url, parent_draft  # noqa: F401  (fixture)

SCRIPTS_MESSAGE = (
    "The selected file must not contain scripts, actions or attached files. Save it again as a "
    "plain PDF (for example with 'Print to PDF') and upload that"
)
NOT_A_PDF = "The selected file must be a PDF, Word document, JPG, PNG, GIF or HEIC"


def _action(kind: str, **entries: object) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(f"/{kind}")})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def _javascript() -> DictionaryObject:
    return _action("JavaScript", JS=TextStringObject("app.alert('hello');"))


def _with_page_action() -> bytes:
    """JavaScript run when the first page opens (/AA on the page, not the catalogue)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _javascript()})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("notes.exe", b"MZ program")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _names_javascript() -> DictionaryObject:
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("run"), _javascript()])}
    )
    return DictionaryObject({NameObject("/JavaScript"): tree})


def _check(content: bytes) -> list[str]:
    try:
        document_validate(SimpleUploadedFile("report.pdf", content, "application/pdf"))
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(pdf_bytes(OpenAction=_javascript()), id="JavaScript on opening"),
        pytest.param(pdf_bytes(Names=_names_javascript()), id="document-level JavaScript"),
        pytest.param(
            pdf_bytes(OpenAction=_action("Launch", F=TextStringObject("cmd.exe"))),
            id="launch a program",
        ),
        pytest.param(
            pdf_bytes(OpenAction=_action("SubmitForm", F=TextStringObject("https://x.test"))),
            id="submit a form",
        ),
        pytest.param(pdf_bytes(AA=DictionaryObject({NameObject("/WC"): _javascript()})), id="AA"),
        pytest.param(_with_page_action(), id="page open action"),
        pytest.param(_with_attachment(), id="embedded file"),
    ],
)
def test_a_pdf_that_runs_something_or_carries_a_file_is_refused(content):
    assert _check(content) == [SCRIPTS_MESSAGE]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.7\n<html><script>alert(1)</script></html>", id="HTML"),
        pytest.param(b"%PDF-1.4 report", id="text"),
        pytest.param(PDF_BYTES[: len(PDF_BYTES) // 2], id="cut short"),
        pytest.param(
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
            id="no pages",
        ),
    ],
)
def test_anything_that_merely_starts_like_a_pdf_is_refused(content):
    assert _check(content) == [NOT_A_PDF]


def test_ordinary_pdfs_are_accepted_including_opening_at_a_page_and_links():
    go_to_first_page = ArrayObject([NumberObject(0), NameObject("/Fit")])
    assert _check(PDF_BYTES) == []
    assert _check(pdf_bytes(OpenAction=go_to_first_page)) == []
    assert (
        _check(pdf_bytes(OpenAction=_action("URI", URI=TextStringObject("https://x.test")))) == []
    )


def test_the_family_sees_why_their_pdf_was_refused_and_nothing_is_kept(client, parent_draft):  # noqa: F811
    parent, draft = parent_draft
    client.force_login(parent)
    response = client.post(
        evidence_url(draft),
        {
            "upload": "1",
            "files": [
                SimpleUploadedFile(
                    "report.pdf", pdf_bytes(OpenAction=_javascript()), "application/pdf"
                )
            ],
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert f"report.pdf: {SCRIPTS_MESSAGE}".replace("'", "&#x27;") in body
    assert draft.documents.count() == 0
