"""Where the portal keeps private files, and how to walk them (backups, checks).

Every private file (uploads, letters, plans, minutes, subject access bundles, SEN2 returns, the
council's logo) goes through Django's default storage: the file system for the embedded default
and a single node, or an S3-compatible object store when several web nodes serve one portal
(issue 21). Nothing here hands out a URL to a file: downloads go through the access policy.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.files.storage import Storage

if TYPE_CHECKING:  # the settings import this module: it imports nothing of the web at load
    from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def object_storage(
    *,
    bucket: str,
    endpoint_url: str = "",
    region: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
    prefix: str = "",
    addressing_style: str = "",
    server_side_encryption: str = "",
    max_memory_size: int = 2 * 1024 * 1024,
) -> dict[str, Any]:
    """The STORAGES entry for private files in an S3-compatible bucket (django-storages)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Empty means AWS itself; a council's own store gives its address.
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            # Without keys boto3 finds credentials as usual (an instance role, AWS_* variables).
            "access_key": access_key_id or None,
            "secret_key": secret_access_key or None,
            # A folder inside the bucket, so one bucket can hold several deployments.
            "location": prefix,
            # "path" for stores without a host name per bucket; empty lets boto3 choose.
            "addressing_style": addressing_style or None,
            "signature_version": "s3v4",
            # Django's file system storage never replaces a file of the same name (two letters
            # called "<reference>-decision.pdf" are two files); S3Storage would by default.
            "file_overwrite": False,
            # No ACL: objects stay as private as the bucket (never public-read).
            "default_acl": None,
            # A download larger than this is buffered on disk, not in the web process's memory.
            "max_memory_size": max_memory_size,
            "object_parameters": (
                {"ServerSideEncryption": server_side_encryption} if server_side_encryption else {}
            ),
        },
    }


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in a storage, depth first, in a stable order."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file system storage whose root was never created
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def storage_describe(storage: Storage) -> str:
    """Where a storage keeps files, in words an operator recognises."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        endpoint = getattr(storage, "endpoint_url", None) or "AWS S3"
        prefix = getattr(storage, "location", "")
        return f"bucket {bucket}{'/' + prefix if prefix else ''} at {endpoint}"
    return f"folder {getattr(storage, 'location', '?')}"


def storage_check(storage: Storage) -> None:
    """Write, read back and delete one small file: proves the storage is reachable, writable and
    returns what it was given. Raises the storage's own error otherwise."""
    from django.core.files.base import ContentFile

    probe = f"storage-check/{uuid.uuid4().hex}.txt"
    content = f"EHCP portal storage check {probe}".encode()
    name = storage.save(probe, ContentFile(content))
    try:
        with storage.open(name, "rb") as fh:
            if fh.read() != content:
                raise OSError(f"{name} read back differently from what was written")
    finally:
        storage.delete(name)


def storage_unavailable(exception: BaseException) -> bool:
    """Whether an exception means the object store could not be reached or failed on its side
    (not a missing file, not the portal's own mistake)."""
    try:
        from botocore.exceptions import (  # type: ignore[import-untyped]
            BotoCoreError,
            ClientError,
            NoCredentialsError,
        )
    except ImportError:  # pragma: no cover - boto3 is a runtime dependency
        return False
    if isinstance(exception, NoCredentialsError):
        return False  # the deployment's configuration: a server error to fix, not an outage
    if isinstance(exception, ClientError):
        return int(exception.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)) >= 500
    return isinstance(exception, BotoCoreError)


class StorageUnavailableMiddleware:
    """An upload or download while the object store is down is a 503 saying so (a page, or
    problem details on the API), not a server error. The service that failed to store a file
    rolls back with it (services that store files are atomic), so the person simply tries
    again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not storage_unavailable(exception):
            return None
        from django.http import JsonResponse
        from django.shortcuts import render

        logger.error("Private file storage unavailable: %s", exception)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Service unavailable",
                    "status": 503,
                    "detail": "The document store did not answer. Try again later.",
                },
                status=503,
                content_type="application/problem+json",
                headers={"Retry-After": "60"},
            )
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "60"
        return response
