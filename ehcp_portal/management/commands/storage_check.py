from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from ehcp_portal.storage import storage_check, storage_describe


class Command(BaseCommand):
    help = (
        "Check that the private file storage (folder or bucket) is reachable and writable: "
        "writes, reads back and deletes one small file. With --create-bucket, first create "
        "the S3 bucket if it does not exist (a new deployment)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--create-bucket",
            action="store_true",
            help="create the S3_BUCKET bucket when it does not exist yet",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        where = storage_describe(default_storage)
        try:
            if options["create_bucket"] and hasattr(default_storage, "bucket_name"):
                self._bucket_create()
            storage_check(default_storage)
        except Exception as exc:  # any failure is the operator's to see, with where it was
            raise CommandError(f"Private file storage ({where}) failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Private file storage works: {where}"))

    def _bucket_create(self) -> None:
        from botocore.exceptions import ClientError  # type: ignore[import-untyped]

        client = default_storage.connection.meta.client  # type: ignore[attr-defined]
        bucket = default_storage.bucket_name  # type: ignore[attr-defined]
        try:
            client.head_bucket(Bucket=bucket)
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise
        region = client.meta.region_name
        extra = (
            {"CreateBucketConfiguration": {"LocationConstraint": region}}
            if region and region != "us-east-1"
            else {}
        )
        client.create_bucket(Bucket=bucket, **extra)
        self.stdout.write(f"Created bucket {bucket}.")
        # Private files: nothing in this bucket may ever be made public. Some S3-compatible
        # stores have no such setting (their buckets are private unless a policy says not).
        try:
            client.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
        except ClientError as exc:
            self.stderr.write(f"The store did not block public access on {bucket}: {exc}")
        else:
            self.stdout.write("Public access to it is blocked.")
