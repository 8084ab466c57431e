"""Uploaded documents: checked by what the bytes are, not by the name they came with, optionally
scanned by clamd, stored in private storage and served by one permission-checked view.

A file called "report.pdf" that is really a program is refused: the type is read from the first
bytes of the file (its "magic number"), and the stored name and the Content-Type we send back are
ours, never the uploader's. A file that starts like a PDF must also be one pypdf can read, and is
refused (not cleaned) if it carries JavaScript, actions that run on opening, or attached files.
Every download is an attachment (`document_response`), never shown inside the portal.
"""

from __future__ import annotations

import os
import socket
import struct
import uuid
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from cases.access import document_or_404
from cases.models import Case, Document
from ehcp_portal.audit.models import AccessKind
from ehcp_portal.audit.services import access_record
from ehcp_portal.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from ehcp_portal.accounts.models import User

__all__ = [
    "ALLOWED_DESCRIPTION",
    "DetectedType",
    "clamd_scan",
    "document_download",
    "document_response",
    "document_store",
    "document_validate",
    "pdf_check",
    "size_label",
    "sniff_type",
]

ALLOWED_DESCRIPTION = "a PDF, Word document, JPG, PNG, GIF or HEIC"
HEADER_BYTES = 64
CLAMD_CHUNK = 64 * 1024
CLAMD_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class DetectedType:
    content_type: str
    extension: str


PDF = DetectedType("application/pdf", "pdf")
DOC = DetectedType("application/msword", "doc")
DOCX = DetectedType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
PNG = DetectedType("image/png", "png")
JPEG = DetectedType("image/jpeg", "jpg")
GIF = DetectedType("image/gif", "gif")
HEIC = DetectedType("image/heic", "heic")

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}


def size_label(n: int) -> str:
    """'10MB', '500KB', '100 bytes' for the GOV.UK 'must be smaller than' message."""
    if n >= 1024 * 1024:
        return f"{round(n / (1024 * 1024), 1):g}MB"
    if n >= 1024:
        return f"{round(n / 1024, 1):g}KB"
    return f"{n} bytes"


def _is_docx(upload: UploadedFile) -> bool:
    """A .docx is a zip holding word/document.xml; any other zip (or a broken one) is not."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


# Names that make a PDF do something when opened or clicked (run JavaScript, start a program,
# submit or import data, play embedded media) or carry other files inside it. A statement or a
# report needs none of them. A plain link (/URI) and going to a page (/GoTo) are harmless.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia"}
)
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR", "/Rendition"}
)
PDF_MAX_OBJECTS = 200_000


class PdfRefused(Exception):
    """Why a file that starts like a PDF is not accepted (the message is for the person)."""


def _pdf_active_content(reader: PdfReader) -> bool:
    """Walk every object reachable from the document's root (and its trailer) and say whether
    any of them is JavaScript, an automatic or launching action, or an embedded file."""
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            raise PdfRefused("too many objects")
        if isinstance(item, DictionaryObject):
            if PDF_ACTIVE_KEYS & set(item.keys()):
                return True
            if item.get("/S") in PDF_ACTIVE_ACTIONS or item.get("/Subtype") == NameObject(
                "/FileAttachment"
            ):
                return True
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


def pdf_check(upload: UploadedFile) -> None:
    """A file that starts with `%PDF-` is accepted only if it really is a PDF (pypdf can read
    it and it has a page) with nothing in it that runs. Raises PdfRefused otherwise."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfRefused("The selected file must not be protected with a password")
        if len(reader.pages) == 0:
            raise PdfRefused(f"The selected file must be {ALLOWED_DESCRIPTION}")
        active = _pdf_active_content(reader)
    except PdfRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a file that is not a PDF
        raise PdfRefused(f"The selected file must be {ALLOWED_DESCRIPTION}") from exc
    finally:
        upload.seek(0)
    if active:
        raise PdfRefused(
            "The selected file must not contain scripts, actions or attached files. Save it "
            "again as a plain PDF (for example with 'Print to PDF') and upload that"
        )


def sniff_type(upload: UploadedFile) -> DetectedType | None:
    """What the file really is, from its first bytes; None for anything we do not accept."""
    upload.seek(0)
    head = upload.read(HEADER_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(OLE_MAGIC):
        return DOC
    if head.startswith(b"PK\x03\x04") and _is_docx(upload):
        return DOCX
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


class ScanUnavailable(Exception):
    pass


def clamd_scan(upload: UploadedFile, socket_path: str) -> str | None:
    """Stream the file to clamd (INSTREAM over its unix socket). None when clean, else the
    signature found. Raises ScanUnavailable if clamd cannot be reached or answers oddly."""
    upload.seek(0)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(CLAMD_TIMEOUT_SECONDS)
            conn.connect(socket_path)
            conn.sendall(b"zINSTREAM\0")
            for chunk in upload.chunks(CLAMD_CHUNK):
                conn.sendall(struct.pack("!L", len(chunk)) + chunk)
            conn.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as exc:
        raise ScanUnavailable(str(exc)) from exc
    finally:
        upload.seek(0)
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    # "stream: OK" | "stream: Eicar-Signature FOUND" | "INSTREAM size limit exceeded. ERROR"
    if answer.endswith(" OK"):
        return None
    if answer.endswith(" FOUND"):
        return answer.split(":", 1)[-1].removesuffix(" FOUND").strip()
    raise ScanUnavailable(answer or "no answer from clamd")


def document_validate(upload: UploadedFile) -> DetectedType:
    """The checks every upload passes, with messages in the GOV.UK file-upload pattern."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError("The selected file is empty", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {size_label(limit)}", code="too_big"
        )
    detected = sniff_type(upload)
    if detected is None:
        raise ValidationError(f"The selected file must be {ALLOWED_DESCRIPTION}", code="type")
    if detected is PDF:
        try:
            pdf_check(upload)
        except PdfRefused as refused:
            raise ValidationError(str(refused), code="pdf") from refused
    if settings.CLAMD_SOCKET:
        try:
            found = clamd_scan(upload, settings.CLAMD_SOCKET)
        except ScanUnavailable as exc:
            # Fail closed: an unscanned file is not accepted while scanning is switched on.
            raise ValidationError(
                "We could not check the selected file for viruses. Try again later",
                code="scan_unavailable",
            ) from exc
        if found:
            raise ValidationError("The selected file contains a virus", code="virus")
    return detected


def _clean_title(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).replace("\x00", "").strip()
    return (base or "document")[:200]


@transaction.atomic
def document_store(
    *,
    upload: UploadedFile,
    kind: str,
    uploaded_by: User | None,
    case: Case | None = None,
    family_visible: bool = False,
    title: str = "",
) -> Document:
    """Validate and keep one uploaded file. The name on disk is random; the original name is
    only ever shown as the title."""
    detected = document_validate(upload)
    document = Document(
        case=case,
        kind=kind,
        title=_clean_title(title or upload.name or ""),
        content_type=detected.content_type,
        size=upload.size or 0,
        family_visible=family_visible,
        uploaded_by=uploaded_by,
    )
    upload.seek(0)
    document.file.save(f"{uuid.uuid4().hex}.{detected.extension}", upload, save=False)
    document.save()
    return document


def _download_name(document: Document) -> str:
    title = document.title
    ext = os.path.splitext(document.file.name or "")[1]
    if ext and not title.lower().endswith(ext.lower()):
        title = f"{title}{ext}"
    return title


def document_response(document: Document, filename: str | None = None) -> FileResponse:
    """A stored document as a download, whichever page offers it (case documents, plan PDFs,
    letters, panel evidence and minutes). Always an attachment: a file someone uploaded is never
    opened inside the portal's own pages, where a PDF viewer or an HTML file would run with the
    portal's origin. The caller has already asked the access policy."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("No such document") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename or _download_name(document),
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The one way a document leaves the portal: the access policy decides (404 otherwise)."""
    document = document_or_404(request.user, public_id)
    access_record(
        request.user,
        kind=AccessKind.DOCUMENT,
        case=document.case,
        object_ref=document.title,
        request=request,
    )
    return document_response(document)
