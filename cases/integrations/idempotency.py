"""Idempotency keys on every POST: a retried call replays the first response and creates
nothing.

The record is inserted first, inside the write's transaction. Two copies of one call sent at
once: the second waits on the unique index until the first commits, then replays its response.
Only a successful response is kept; a refused call (4xx) rolls its record back with everything
else, so the caller may correct the body and retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from cases.integrations.auth import principal_of
from cases.integrations.models import IdempotencyRecord
from cases.integrations.problems import Invalid, Unprocessable

HEADER = "Idempotency-Key"
KEPT_FOR = timedelta(days=7)  # a retry comes within minutes; a week covers a system's outage
REPLAYED = "Idempotent-Replayed"


def request_fingerprint(request: Request) -> str:
    """A hash of what the call asks: its path, its fields and its files' contents."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    fields: dict[str, Any] = {}
    data = request.data
    if hasattr(data, "lists"):
        for key, values in data.lists():
            if key not in request.FILES:
                fields[key] = values
    elif isinstance(data, dict):
        fields = data
    else:
        fields = {"_": data}
    digest.update(json.dumps(fields, sort_keys=True, default=str).encode())
    for key in sorted(request.FILES):
        for upload in request.FILES.getlist(key):
            file_digest = hashlib.sha256()
            for chunk in upload.chunks():
                file_digest.update(chunk)
            upload.seek(0)
            digest.update(f"\n{key}:{upload.name}:{file_digest.hexdigest()}".encode())
    return digest.hexdigest()


def _key_of(request: Request) -> str:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise Invalid(
            {HEADER: ["Send an Idempotency-Key header (a new random value for each new call)."]},
            "Every POST needs an Idempotency-Key header, so a retried call creates nothing twice.",
        )
    if len(key) > 200 or not key.isprintable():
        raise Invalid({HEADER: ["Use at most 200 printable characters."]}, "The key is not valid.")
    return key


def idempotent(write: Callable[[], Response], request: Request) -> Response:
    """Run `write` once per caller and key; replay its response for a retry."""
    key = _key_of(request)
    fingerprint = request_fingerprint(request)
    principal = principal_of(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record, created = IdempotencyRecord.objects.get_or_create(
                    principal=principal,
                    key=key,
                    defaults={
                        "request_hash": fingerprint,
                        "method_path": f"{request.method} {request.path}"[:300],
                    },
                )
        except IntegrityError:  # the same call sent twice at once: the first has committed
            record, created = IdempotencyRecord.objects.get(principal=principal, key=key), False
        if not created:
            if record.request_hash != fingerprint:
                raise Unprocessable(
                    "This Idempotency-Key was used for a different request. Use a new key for "
                    "a new call.",
                    {HEADER: ["Already used with a different body or path."]},
                )
            response = Response(record.response_body, status=record.status_code)
            response[REPLAYED] = "true"
            return response
        response = write()
        record.status_code = response.status_code
        record.response_body = response.data
        record.save(update_fields=["status_code", "response_body"])
        return response


def idempotency_records_prune(*, now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEPT_FOR
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
