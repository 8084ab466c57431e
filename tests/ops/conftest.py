from __future__ import annotations

import pytest

from tests.objectstore import ObjectStore, new_bucket, s3_server


@pytest.fixture(scope="session")
def s3_endpoint():
    """One local S3-compatible server (moto) for the session's tests."""
    with s3_server() as endpoint_url:
        yield endpoint_url


@pytest.fixture
def bucket(s3_endpoint) -> ObjectStore:
    """An empty bucket of its own for one test."""
    return new_bucket(s3_endpoint)


@pytest.fixture
def in_bucket(settings, bucket) -> ObjectStore:
    """This process keeps its private files in the test's bucket (as S3_BUCKET would)."""
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage_options()}
    return bucket
