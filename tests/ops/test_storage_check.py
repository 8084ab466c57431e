"""`manage.py storage_check`: an operator proves the private file storage works before going
live (and creates a new deployment's bucket, private), and is told plainly when it does not."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ehcp_portal.storage import object_storage
from tests.objectstore import ACCESS_KEY, REGION, SECRET_KEY, ObjectStore


def _check(*args: str) -> str:
    out = StringIO()
    call_command("storage_check", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_a_working_bucket_passes_and_keeps_nothing_of_the_check(in_bucket):
    assert f"Private file storage works: bucket {in_bucket.bucket} at http://127.0.0.1" in _check()
    assert in_bucket.object_names() == []


def test_a_working_folder_passes_and_keeps_nothing_of_the_check(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    assert f"works: folder {tmp_path}" in _check()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_missing_bucket_is_named_and_created_private_on_request(settings, s3_endpoint):
    store = ObjectStore(endpoint_url=s3_endpoint, bucket=f"ehcp-new-{uuid.uuid4().hex[:10]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(
            bucket=store.bucket,
            endpoint_url=s3_endpoint,
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            addressing_style="path",
        ),
    }
    with pytest.raises(CommandError, match=f"bucket {store.bucket}"):
        _check()
    out = _check("--create-bucket")
    assert f"Created bucket {store.bucket}" in out and "works" in out
    blocked = store.client().get_public_access_block(Bucket=store.bucket)
    assert all(blocked["PublicAccessBlockConfiguration"].values())
    assert "Created" not in _check("--create-bucket")  # an existing bucket is left as it is


def test_an_unreachable_store_is_a_clear_error(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(
            bucket="ehcp-private",
            endpoint_url="http://127.0.0.1:1",  # nothing listens on port 1
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
        ),
    }
    with pytest.raises(CommandError, match="Private file storage .*127.0.0.1:1.* failed"):
        _check()
