"""Uploads are checked by what the bytes are; downloads go through the access policy only."""

from __future__ import annotations

import io
import os
import socket
import struct
import tempfile
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.documents import document_store, document_validate, sniff_type
from cases.models import Document
from ehcp_portal.accounts.models import Role
from families.models import RequestDraft
from families.services import request_draft_start
from tests.factories import CaseFactory, ChildFactory, TeamFactory, UserFactory, family_for
from tests.families.helpers import EXE_BYTES, PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
GIF_BYTES = b"GIF89a" + b"\x00" * 40
OLE_BYTES = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40

# Staff who read case records: caseworkers and managers of the area, the head of service.
CASE_READERS = (Role.CASEWORKER, Role.TEAM_MANAGER, Role.HEAD_OF_SERVICE)


def docx_bytes(with_word: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_word:
            archive.writestr("word/document.xml", "<w:document/>")
        else:
            archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.mark.parametrize(
    "content,expected",
    [
        (PDF_BYTES, "application/pdf"),
        (PNG_BYTES, "image/png"),
        (JPEG_BYTES, "image/jpeg"),
        (GIF_BYTES, "image/gif"),
        (OLE_BYTES, "application/msword"),
        (docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (HEIC_BYTES, "image/heic"),
    ],
)
def test_accepted_types_are_recognised_by_content_whatever_the_name(content, expected):
    assert sniff_type(upload("anything.bin", content)).content_type == expected


@pytest.mark.parametrize(
    "content",
    [EXE_BYTES, docx_bytes(with_word=False), b"<html><script>alert(1)</script>", b"PK\x03\x04bad"],
)
def test_other_content_is_refused_even_when_called_pdf(content):
    with pytest.raises(ValidationError) as exc:
        document_validate(upload("report.pdf", content))
    assert exc.value.messages == [
        "The selected file must be a PDF, Word document, JPG, PNG, GIF or HEIC"
    ]


def test_empty_and_oversize_files_are_refused_with_clear_messages(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as exc:
        document_validate(upload("empty.pdf", b""))
    assert exc.value.messages == ["The selected file is empty"]
    big = PDF_BYTES + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        document_validate(upload("big.pdf", big))
    assert exc.value.messages == ["The selected file must be smaller than 1MB"]


class FakeClamd:
    """A unix-socket server speaking clamd's INSTREAM protocol, so the client is tested for
    real: it must frame chunks correctly for the reply to come back."""

    def __init__(self, verdict_for) -> None:
        self.dir = tempfile.mkdtemp()
        self.path = os.path.join(self.dir, "clamd.sock")
        self.verdict_for = verdict_for
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_exact(self, conn, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = conn.recv(n - len(data))
            if not part:
                raise ConnectionError
            data += part
        return data

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                command = self._read_exact(conn, len(b"zINSTREAM\0"))
                assert command == b"zINSTREAM\0"
                body = b""
                while True:
                    (size,) = struct.unpack("!L", self._read_exact(conn, 4))
                    if size == 0:
                        break
                    body += self._read_exact(conn, size)
                self.received.append(body)
                conn.sendall(self.verdict_for(body) + b"\0")

    def close(self) -> None:
        self.server.close()


def test_clamd_clean_file_is_accepted_and_infected_refused(settings):
    clamd = FakeClamd(
        lambda body: b"stream: Eicar-Test-Signature FOUND" if b"EICAR" in body else b"stream: OK"
    )
    settings.CLAMD_SOCKET = clamd.path
    try:
        assert document_validate(upload("ok.pdf", PDF_BYTES)).content_type == "application/pdf"
        assert clamd.received[-1] == PDF_BYTES
        with pytest.raises(ValidationError) as exc:
            document_validate(upload("bad.pdf", PDF_BYTES + b"EICAR"))
        assert exc.value.messages == ["The selected file contains a virus"]
    finally:
        clamd.close()


def test_clamd_configured_but_down_refuses_the_upload(settings, tmp_path):
    settings.CLAMD_SOCKET = str(tmp_path / "missing.sock")
    with pytest.raises(ValidationError) as exc:
        document_validate(upload("ok.pdf", PDF_BYTES))
    assert "could not check the selected file for viruses" in exc.value.messages[0]


def test_stored_file_gets_a_random_name_and_our_content_type(db):
    document = document_store(
        upload=SimpleUploadedFile("../../etc/passwd.pdf", PDF_BYTES, content_type="text/html"),
        kind=Document.Kind.EVIDENCE,
        uploaded_by=None,
    )
    assert document.content_type == "application/pdf"
    assert document.title == "passwd.pdf"
    assert "passwd" not in document.file.name
    assert document.file.name.endswith(".pdf")


# --- Upload through the request page --------------------------------------------------------------


@pytest.fixture
def parent_draft(db):
    parent = UserFactory(role=Role.PARENT)
    child = ChildFactory()
    from families.models import FamilyMembership

    FamilyMembership.objects.create(user=parent, child=child, relationship="parent")
    return parent, request_draft_start(user=parent, route="family", child=child)


def evidence_url(draft: RequestDraft) -> str:
    return reverse("families:request_evidence", args=[draft.public_id])


def test_exe_called_pdf_is_refused_on_the_page(client, parent_draft):
    parent, draft = parent_draft
    client.force_login(parent)
    response = client.post(
        evidence_url(draft), {"upload": "1", "files": [upload("report.pdf", EXE_BYTES)]}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert (
        "report.pdf: The selected file must be a PDF, Word document, JPG, PNG, GIF or HEIC" in body
    )
    assert draft.documents.count() == 0


def test_oversize_upload_is_refused_on_the_page(client, parent_draft, settings):
    settings.UPLOAD_MAX_BYTES = 100
    parent, draft = parent_draft
    client.force_login(parent)
    response = client.post(
        evidence_url(draft), {"upload": "1", "files": [upload("report.pdf", PDF_BYTES)]}
    )
    assert "report.pdf: The selected file must be smaller than 100 bytes" in (
        response.content.decode()
    )
    assert draft.documents.count() == 0


def test_several_files_upload_and_one_can_be_removed(client, parent_draft):
    parent, draft = parent_draft
    client.force_login(parent)
    response = client.post(
        evidence_url(draft),
        {"upload": "1", "files": [upload("a.pdf", PDF_BYTES), upload("b.png", PNG_BYTES)]},
    )
    assert response.status_code == 302
    assert sorted(draft.documents.values_list("title", flat=True)) == ["a.pdf", "b.png"]
    doc = draft.documents.get(title="a.pdf")
    client.post(reverse("families:request_evidence_remove", args=[draft.public_id, doc.public_id]))
    assert list(draft.documents.values_list("title", flat=True)) == ["b.png"]
    assert not Document.objects.filter(pk=doc.pk).exists()


def test_draft_evidence_downloads_only_for_the_draft_owner(client, parent_draft):
    parent, draft = parent_draft
    client.force_login(parent)
    client.post(evidence_url(draft), {"upload": "1", "files": [upload("a.pdf", PDF_BYTES)]})
    doc = draft.documents.get()
    url = reverse("cases:document_download", args=[doc.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    for stranger in (UserFactory(role=Role.PARENT), UserFactory(role=Role.CASEWORKER)):
        client.force_login(stranger)
        assert client.get(url).status_code == 404


# --- Download rule on a case ----------------------------------------------------------------------


@pytest.fixture
def case_docs(db):
    team = TeamFactory()
    caseworker = UserFactory(role=Role.CASEWORKER, team=team)
    case = CaseFactory(team=team, caseworker=caseworker)
    parent = family_for(case)
    letter = document_store(
        upload=upload("decision.pdf", PDF_BYTES),
        kind=Document.Kind.LETTER,
        uploaded_by=caseworker,
        case=case,
        family_visible=True,
    )
    internal = document_store(
        upload=upload("panel-notes.pdf", PDF_BYTES),
        kind=Document.Kind.MINUTES,
        uploaded_by=caseworker,
        case=case,
        family_visible=False,
    )
    return case, caseworker, parent, letter, internal


def download(client, document):
    return client.get(reverse("cases:document_download", args=[document.public_id]))


def test_staff_of_the_case_download_every_document_as_attachment(client, case_docs):
    case, caseworker, parent, letter, internal = case_docs
    client.force_login(caseworker)
    for document in (letter, internal):
        response = download(client, document)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"


def test_family_downloads_only_family_visible_documents(client, case_docs):
    case, caseworker, parent, letter, internal = case_docs
    client.force_login(parent)
    response = download(client, letter)
    assert response.status_code == 200
    assert 'filename="decision.pdf"' in response["Content-Disposition"]
    assert download(client, internal).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r not in CASE_READERS])
def test_everyone_else_gets_404(client, case_docs, user_of_role, role):
    case, caseworker, parent, letter, internal = case_docs
    client.force_login(user_of_role(role))
    assert download(client, letter).status_code == 404
    assert download(client, internal).status_code == 404


def test_staff_of_another_area_get_404(client, case_docs, user_of_role):
    case, caseworker, parent, letter, internal = case_docs
    for role in (Role.CASEWORKER, Role.TEAM_MANAGER):
        client.force_login(user_of_role(role))
        assert download(client, letter).status_code == 404


def test_download_needs_sign_in(client, case_docs):
    case, caseworker, parent, letter, internal = case_docs
    response = download(client, letter)
    assert response.status_code == 302
