"""An S3-compatible object store for tests: moto's server mode in a child process on loopback.

No S3 server is installable on these machines, so the tests talk to moto over real HTTP with
the real client library (boto3, through django-storages): the object store is faked only at
its HTTP boundary. Each test gets its own bucket in one server per test session.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from ehcp_portal.storage import object_storage

ROOT = Path(__file__).resolve().parent.parent

# moto accepts any key; these are never real credentials.
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "eu-west-2"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ObjectStore:
    endpoint_url: str
    bucket: str

    def env(self) -> dict[str, str]:
        """The portal's own settings for this store (ehcp_portal/settings/base.py)."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "S3_ADDRESSING_STYLE": "path",
        }

    def storage_options(self) -> dict[str, Any]:
        """STORAGES["default"] as the settings build it from env(), for override_settings."""
        return object_storage(
            bucket=self.bucket,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            addressing_style="path",
        )

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def object_names(self) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()


@contextmanager
def s3_server() -> Iterator[str]:
    """Run moto's S3-compatible server on a free loopback port; yield its endpoint URL."""
    port = free_port()
    log = ROOT / "var" / f"moto-{port}.log"
    log.parent.mkdir(exist_ok=True)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.unlink(missing_ok=True)


def new_bucket(endpoint_url: str) -> ObjectStore:
    store = ObjectStore(endpoint_url=endpoint_url, bucket=f"ehcp-test-{uuid.uuid4().hex[:12]}")
    store.client().create_bucket(
        Bucket=store.bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return store
